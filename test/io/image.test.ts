import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { resolveConfig } from '../../generator/config/index.ts';
import { inputPipeline } from '../../generator/config/input.ts';
import { loadImage, loadImageBytes, parseResize, resetImageNotes, resizeChw } from '../../generator/io/image.ts';
import { writeNpy } from '../../generator/io/npy.ts';
import { isUserError } from '../../generator/errors.ts';
import { IMAGES, TINY, scratch } from '../helpers/paths.ts';

function throwsUser(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => isUserError(e) && pattern.test((e as Error).message));
}

/** A w×h PNG whose channel c at (x,y) is (x + 3y + 50c) mod 256, with the given colour type / bit depth. */
function makePng(w: number, h: number, opts: { colorType?: 0 | 2 | 4 | 6; bitDepth?: 8 | 16 } = {}): Buffer {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 4; c++) png.data[(y * w + x) * 4 + c] = c === 3 ? 255 : (x + 3 * y + 50 * c) % 256;
  return PNG.sync.write(png, { colorType: opts.colorType ?? 2, bitDepth: opts.bitDepth ?? 8, inputHasAlpha: true });
}

/** What `fn` (synchronous) writes to stderr, the writes not passed on. */
function stderrOf(fn: () => void): string {
  const write = process.stderr.write;
  let text = '';
  process.stderr.write = ((chunk: string | Uint8Array) => ((text += String(chunk)), true)) as typeof process.stderr.write;
  try {
    fn();
  } finally {
    process.stderr.write = write;
  }
  return text;
}

describe('io/image', () => {
  const shape = [3, 32, 64] as const;

  it('an RGBA PNG with transparent pixels: alpha ignored, said once on stderr; an opaque one says nothing', () => {
    const dir = scratch();
    const png = PNG.sync.read(makePng(64, 32, { colorType: 6 }));
    writeFileSync(join(dir, 'opaque.png'), PNG.sync.write(png, { colorType: 6 }));
    png.data[3] = 0;
    png.data[7] = 128;
    writeFileSync(join(dir, 'a.png'), PNG.sync.write(png, { colorType: 6 }));
    writeFileSync(join(dir, 'b.png'), PNG.sync.write(png, { colorType: 6 }));
    resetImageNotes();
    assert.equal(stderrOf(() => loadImageBytes(join(dir, 'opaque.png'), shape)), '');
    let bytes: Uint8Array | undefined;
    const said = stderrOf(() => {
      bytes = loadImageBytes(join(dir, 'a.png'), shape);
      loadImage(join(dir, 'a.png'), shape);
      loadImageBytes(join(dir, 'b.png'), shape);
    });
    assert.match(said, /^edgemoe: note: .*a\.png: its alpha channel is ignored: 2 pixels are not opaque and taken with their colour as it is, not blended onto a background \(said for the first such image only\)\n$/);
    // The colour bytes are those of the opaque image: alpha changes nothing.
    assert.deepEqual(bytes, loadImageBytes(join(dir, 'opaque.png'), shape));
    resetImageNotes();
  });

  it('fixture image.png and image.npy give identical values (byte/256) and bytes', () => {
    const a = loadImage(join(TINY, 'image.png'), shape);
    const b = loadImage(join(TINY, 'image.npy'), shape);
    assert.equal(a.length, 3 * 32 * 64);
    assert.deepEqual(a, b);
    const bytes = loadImageBytes(join(TINY, 'image.png'), shape);
    assert.deepEqual(loadImageBytes(join(TINY, 'image.npy'), shape), bytes);
    assert.deepEqual([bytes[0], bytes[2048], bytes[4096]], [231, 176, 221]);
    assert.ok(a.every((v, i) => v === bytes[i]! / 256));
  });

  it('CHW order: channel planes, rows top to bottom, columns left to right', () => {
    const dir = scratch();
    const p = join(dir, 'ramp.png');
    writeFileSync(p, makePng(32, 16));
    const b = loadImageBytes(p, [3, 16, 32]);
    for (const [c, y, x] of [[0, 0, 0], [0, 0, 5], [1, 2, 3], [2, 15, 31]] as const) assert.equal(b[c * 512 + y * 32 + x], (x + 3 * y + 50 * c) % 256);
  });

  it('the sample photographs load at their sizes', () => {
    for (const [f, h, w] of [['astronaut-256x128.png', 128, 256], ['coffee-512x512.png', 512, 512], ['coffee-640x480.png', 480, 640]] as const) {
      const v = loadImage(join(IMAGES, f), [3, h, w]);
      assert.equal(v.length, 3 * h * w, f);
      assert.ok(v.every((x) => x >= 0 && x <= 255 / 256), f);
      assert.ok(new Set(v).size > 100, `${f} is a real picture, not constant`);
    }
  });

  it('a wrong size names the file, the expected and the actual size', () => {
    throwsUser(() => loadImage(join(IMAGES, 'coffee-640x480.png'), [3, 128, 256]), /coffee-640x480\.png: image is \[3,480,640\].*640x480.*expects \[3,128,256\] \(256x128 pixels\)/);
    throwsUser(() => loadImageBytes(join(TINY, 'image.npy'), [3, 64, 32]), /image\.npy: image is \[3,32,64\].*expects \[3,64,32\]/);
  });

  it('gray and RGBA PNGs: gray is replicated, alpha is ignored; 16-bit is rejected', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'g.png'), makePng(16, 16, { colorType: 0 }));
    writeFileSync(join(dir, 'a.png'), makePng(16, 16, { colorType: 6 }));
    writeFileSync(join(dir, 'rgb.png'), makePng(16, 16, { colorType: 2 }));
    writeFileSync(join(dir, 'w.png'), makePng(16, 16, { colorType: 2, bitDepth: 16 }));
    const g = loadImageBytes(join(dir, 'g.png'), [3, 16, 16]);
    assert.deepEqual(g.subarray(0, 256), g.subarray(256, 512));
    assert.deepEqual(g.subarray(0, 256), g.subarray(512, 768));
    assert.deepEqual(loadImageBytes(join(dir, 'g.png'), [1, 16, 16]), g.subarray(0, 256));
    assert.deepEqual(loadImageBytes(join(dir, 'a.png'), [3, 16, 16]), loadImageBytes(join(dir, 'rgb.png'), [3, 16, 16]));
    throwsUser(() => loadImageBytes(join(dir, 'rgb.png'), [1, 16, 16]), /rgb\.png: colour image but the config expects 1 channel/);
    throwsUser(() => loadImage(join(dir, 'w.png'), [3, 16, 16]), /w\.png: 16-bit PNG is not supported/);
  });

  it('JPEG decodes at the right size and close to the source pixels', () => {
    const dir = scratch();
    const w = 64, h = 32;
    const data = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) data.set([200, 100, 50, 255], i * 4);
    const p = join(dir, 'flat.jpg');
    writeFileSync(p, jpeg.encode({ width: w, height: h, data }, 95).data);
    const b = loadImageBytes(p, [3, h, w]);
    // A flat colour survives JPEG within a couple of levels (quantisation of the DC term and YCbCr rounding).
    for (const [c, want] of [[0, 200], [1, 100], [2, 50]] as const) for (let i = 0; i < w * h; i += 97) assert.ok(Math.abs(b[c * w * h + i]! - want) <= 3, `c${c} ${b[c * w * h + i]}`);
    throwsUser(() => loadImage(p, [3, 64, 64]), /flat\.jpg: image is \[3,32,64\]/);
  });

  it('corrupt PNG / JPEG and unknown formats are UserErrors naming the file', () => {
    const dir = scratch();
    const png = readFileSync(join(TINY, 'image.png'));
    writeFileSync(join(dir, 'cut.png'), png.subarray(0, png.length / 2));
    throwsUser(() => loadImage(join(dir, 'cut.png'), shape), /cut\.png: corrupt or unsupported PNG/);
    const bad = Buffer.from(png);
    bad[100] = bad[100]! ^ 0xff; // CRC of the chunk no longer matches
    writeFileSync(join(dir, 'crc.png'), bad);
    throwsUser(() => loadImage(join(dir, 'crc.png'), shape), /crc\.png: corrupt or unsupported PNG/);
    writeFileSync(join(dir, 'cut.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]));
    throwsUser(() => loadImage(join(dir, 'cut.jpg'), shape), /cut\.jpg: corrupt or unsupported JPEG/);
    writeFileSync(join(dir, 'x.gif'), 'GIF89a....');
    throwsUser(() => loadImage(join(dir, 'x.gif'), shape), /x\.gif: not a PNG, JPEG or \.npy image/);
    throwsUser(() => loadImage(join(dir, 'none.png'), shape), /cannot read image file .*none\.png: no such file/);
  });

  it('.npy input: float values as they are, for the reference as for the accelerator only when value·256 is an integer 0..255', () => {
    const dir = scratch();
    const v = new Float64Array(3 * 4 * 4).fill(0.5);
    writeNpy(join(dir, 'ok.npy'), { dtype: 'f64', shape: [3, 4, 4], data: v });
    assert.ok(loadImageBytes(join(dir, 'ok.npy'), [3, 4, 4]).every((b) => b === 128));
    v[17] = 0.3;
    writeNpy(join(dir, 'frac.npy'), { dtype: 'f64', shape: [3, 4, 4], data: v });
    // One input check: the float reference (loadImage) refuses what csim and run (loadImageBytes) refuse.
    throwsUser(() => loadImage(join(dir, 'frac.npy'), [3, 4, 4]), /frac\.npy: pixel \[1,0,1\] = 0\.3 is not k\/256/);
    throwsUser(() => loadImageBytes(join(dir, 'frac.npy'), [3, 4, 4]), /frac\.npy: pixel \[1,0,1\] = 0\.3 is not k\/256/);
    v[17] = 1000;
    writeNpy(join(dir, 'big.npy'), { dtype: 'f32', shape: [3, 4, 4], data: Float32Array.from(v) });
    throwsUser(() => loadImage(join(dir, 'big.npy'), [3, 4, 4]), /big\.npy: pixel \[1,0,1\] = 1000 is not k\/256/);
    assert.deepEqual(loadImage(join(dir, 'ok.npy'), [3, 4, 4]), Float64Array.from({ length: 48 }, () => 0.5));
    v[17] = 1;
    writeNpy(join(dir, 'one.npy'), { dtype: 'f64', shape: [3, 4, 4], data: v });
    throwsUser(() => loadImageBytes(join(dir, 'one.npy'), [3, 4, 4]), /one\.npy: pixel \[1,0,1\] = 1 is not k\/256/);
    writeNpy(join(dir, 'int.npy'), { dtype: 'u8', shape: [3, 4, 4], data: new Uint8Array(48) });
    throwsUser(() => loadImage(join(dir, 'int.npy'), [3, 4, 4]), /int\.npy: image \.npy must be float32 or float64, got u8/);
    writeNpy(join(dir, 'hw.npy'), { dtype: 'f32', shape: [4, 4], data: new Float32Array(16) });
    throwsUser(() => loadImage(join(dir, 'hw.npy'), [3, 4, 4]), /hw\.npy: image \.npy must be \[C,H,W\], got \[4,4\]/);
  });

  it('m3vit-s-pascal: PNG → (byte/255 − mean)/std; a float32 .npy of that is the same model input and gives back the bytes', () => {
    const p = inputPipeline(resolveConfig({ preset: 'm3vit-s-pascal' }).model);
    const png = join(IMAGES, 'coffee-512x512.png');
    const bytes = loadImageBytes(png, p.shape);
    assert.deepEqual(loadImageBytes(png, p), bytes); // the hardware gets the bytes whatever the preprocessing
    const mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225];
    const want = Float64Array.from(bytes, (k, i) => (k / 255 - mean[Math.floor(i / (512 * 512))]!) / std[Math.floor(i / (512 * 512))]!);
    assert.deepEqual(loadImage(png, p), want);
    const dir = scratch();
    writeNpy(join(dir, 'in.npy'), { dtype: 'f32', shape: [3, 512, 512], data: Float32Array.from(want) });
    assert.deepEqual(loadImage(join(dir, 'in.npy'), p), Float64Array.from(Float32Array.from(want)));
    assert.deepEqual(loadImageBytes(join(dir, 'in.npy'), p), bytes);
    // An Edge-MoE k/256 array is not this preset's input: named, not silently re-quantized.
    writeNpy(join(dir, 'raw.npy'), { dtype: 'f32', shape: [3, 512, 512], data: Float32Array.from(bytes, (k) => (k + 0.5) / 256) });
    throwsUser(() => loadImageBytes(join(dir, 'raw.npy'), p), /raw\.npy: pixel \[0,0,0\] = .* is not \(k\/255 − mean\)\/std for an integer k in 0\.\.255/);
  });

  it('the Cityscapes preset keeps byte/256 without mean/std, bit for bit', () => {
    const p = inputPipeline(resolveConfig({ preset: 'm3vit-t-cityscapes' }).model);
    assert.equal(p.identity, true);
    const png = join(IMAGES, 'astronaut-256x128.png');
    const bytes = loadImageBytes(png, p.shape);
    assert.deepEqual(loadImage(png, p), Float64Array.from(bytes, (k) => k / 256));
  });
});

describe('io/image --resize', () => {
  it('stretch: a constant plane stays constant; a 2x upscale of a ramp interpolates between its samples', () => {
    const flat = new Uint8Array(2 * 3 * 4).fill(77);
    assert.deepEqual([...resizeChw(flat, [2, 3, 4], [5, 7], 'stretch')], new Array(2 * 5 * 7).fill(77));
    const ramp = Uint8Array.from([0, 100]); // [1,1,2]
    // Pixel centres of 4 outputs map to source x = -0.25, 0.25, 0.75, 1.25 → clamped/bilinear 0, 25, 75, 100.
    assert.deepEqual([...resizeChw(ramp, [1, 1, 2], [1, 4], 'stretch')], [0, 25, 75, 100]);
  });

  it('letterbox: keeps the aspect ratio, centres the image and pads with black', () => {
    const wide = new Uint8Array(1 * 2 * 4).fill(200); // 4 wide, 2 high → into 4x4: rows 1..2 image, rows 0 and 3 black
    const out = resizeChw(wide, [1, 2, 4], [4, 4], 'letterbox');
    assert.deepEqual([...out], [0, 0, 0, 0, 200, 200, 200, 200, 200, 200, 200, 200, 0, 0, 0, 0]);
  });

  it('loads a photograph of another size only when asked, and says the mode is unknown otherwise', () => {
    const photo = join(IMAGES, 'coffee-256x128.png');
    throwsUser(() => loadImageBytes(photo, [3, 32, 64]), /image is \[3,128,256\].*expects \[3,32,64\]/);
    const full = loadImageBytes(photo, [3, 128, 256]);
    assert.deepEqual(loadImageBytes(photo, [3, 32, 64], { resize: 'stretch' }), resizeChw(full, [3, 128, 256], [32, 64], 'stretch'));
    const boxed = loadImageBytes(photo, [3, 64, 64], { resize: 'letterbox' });
    assert.equal(boxed.length, 3 * 64 * 64);
    assert.ok(boxed.subarray(0, 16 * 64).every((b) => b === 0), 'the top band is black padding');
    assert.ok(loadImage(photo, [3, 32, 64], { resize: 'stretch' }).every((v) => v >= 0 && v < 1));
    assert.equal(parseResize(undefined), 'none');
    throwsUser(() => parseResize('crop'), /^--resize 'crop': expected none, stretch, letterbox$/);
  });
});
