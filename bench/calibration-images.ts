// Writes the shipped calibration set test/fixtures/calibration/*-256x128.png from scikit-image's sample photographs
// (README "Precision"; provenance and licences in test/fixtures/calibration/README.md). Run once, by hand:
//   npx tsx bench/calibration-images.ts SKIMAGE_DATA_DIR
// where SKIMAGE_DATA_DIR is skimage/data of Debian's python3-skimage 0.19.3-8 (`dpkg -x` of the .deb). Each photograph
// is cropped to the largest centred 2:1 box (whole pixels), then area-averaged down to 256×128 (every output pixel the
// exact mean of the source area it covers, fractional edge pixels weighted), rounded to the nearest byte, RGB.
import jpeg from 'jpeg-js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

const SOURCES: Array<[string, string]> = [
  ['chelsea.png', 'chelsea'],
  ['rocket.jpg', 'rocket'],
  ['hubble_deep_field.jpg', 'hubble'],
  ['retina.jpg', 'retina'],
];
const [OW, OH] = [256, 128];

function decode(path: string): { width: number; height: number; data: Uint8Array } {
  const b = readFileSync(path);
  return path.endsWith('.png') ? PNG.sync.read(b) : jpeg.decode(b, { useTArray: true });
}

/** Weights of source pixels [0, n) covered by output pixel `o` of `m` over a box [x0, x0 + n). */
function cover(o: number, m: number, n: number): Array<[number, number]> {
  const a = (o * n) / m, b = ((o + 1) * n) / m;
  const out: Array<[number, number]> = [];
  for (let i = Math.floor(a); i < Math.ceil(b); i++) out.push([i, Math.min(b, i + 1) - Math.max(a, i)]);
  return out;
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: npx tsx bench/calibration-images.ts SKIMAGE_DATA_DIR');
for (const [file, stem] of SOURCES) {
  const im = decode(join(dir, file));
  const bw = Math.min(im.width, 2 * im.height) & ~1;
  const bh = bw / 2;
  const x0 = Math.floor((im.width - bw) / 2), y0 = Math.floor((im.height - bh) / 2);
  const png = new PNG({ width: OW, height: OH, colorType: 2, inputColorType: 6 });
  for (let y = 0; y < OH; y++)
    for (let x = 0; x < OW; x++) {
      const acc = [0, 0, 0];
      let wsum = 0;
      for (const [sy, wy] of cover(y, OH, bh))
        for (const [sx, wx] of cover(x, OW, bw)) {
          const p = ((y0 + sy) * im.width + x0 + sx) * 4;
          for (let c = 0; c < 3; c++) acc[c]! += wy * wx * im.data[p + c]!;
          wsum += wy * wx;
        }
      const q = (y * OW + x) * 4;
      for (let c = 0; c < 3; c++) png.data[q + c] = Math.round(acc[c]! / wsum);
      png.data[q + 3] = 255;
    }
  writeFileSync(join(import.meta.dirname, '..', 'test', 'fixtures', 'calibration', `${stem}-${OW}x${OH}.png`), PNG.sync.write(png, { colorType: 2 }));
  console.log(`${stem}-${OW}x${OH}.png: ${file} ${im.width}×${im.height}, crop ${bw}×${bh} at (${x0}, ${y0})`);
}
