// Per-channel weight scales (precision.linearWeight.granularity 'channel'): every row of every linear / expert / gate
// matrix is packed with its own scale s = m/2^M · 2^-sh, checked here against a float model of the packed values.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import type { FixedType } from '../../generator/config/schema.ts';
import { parseCppType } from '../../generator/pack/ctype.ts';
import { deriveTensor } from '../../generator/pack/derive.ts';
import { channelScaleOf, channelScaleValue, loadStateDict, packImage } from '../../generator/pack/pack.ts';
import { containerView } from '../../generator/pack/quantize.ts';
import { buildPlan } from '../../generator/plan/index.ts';
import { planToManifest } from '../../generator/plan/manifest.ts';
import { TINY } from '../helpers/paths.ts';

const sd = loadStateDict(join(TINY, 'weights.safetensors'));
const w8 = ['precision.linearWeight.W=8', 'precision.linearWeight.I=1', 'precision.linearWeight.q=AP_RND_CONV', 'precision.linearWeight.o=AP_SAT'];
const LINEAR = /(attn\.[qkv]|attn\.proj|fc\d|htoh4|h4toh)\.weight$|w_gate$/;

/** Every linear-weight tensor of a packed tiny design as floats (raw · 2^-frac · its row's scale), beside the source. */
function unpack(sets: string[]) {
  const config = resolveConfig({ preset: 'tiny', sets });
  const manifest = planToManifest(buildPlan(config), 'test');
  const image = packImage(config, manifest, sd);
  const buf = image.bytes.buffer as ArrayBuffer;
  return manifest.weights.tensors
    .filter((t) => LINEAR.test(t.name))
    .map((t) => {
      const type = parseCppType(t.ctype);
      const src = deriveTensor(config, sd, t.name, t.shape);
      const raw = containerView(buf, image.bytes.byteOffset + t.offset, src.length, t.elemBytes, t.signed);
      const cols = t.shape[t.shape.length - 1]!;
      const entries = t.scale ? new Uint16Array(buf, image.bytes.byteOffset + t.offset + t.scale.offset, t.scale.rows) : null;
      const scaleOf = (r: number) => (entries ? channelScaleValue(entries[r]! & 255, entries[r]! >> 8, t.scale!.scaleBits) : 1);
      const got = Float64Array.from(raw, (q, i) => q * 2 ** (type.I - type.W) * scaleOf(Math.floor(i / cols)));
      return { t, type, src, got, cols, entries, scaleOf };
    });
}

function sqErr(ts: ReturnType<typeof unpack>): number {
  let e = 0;
  for (const { src, got } of ts) for (let i = 0; i < src.length; i++) e += (src[i]! - got[i]!) ** 2;
  return e;
}

describe('pack: per-channel weight scales', () => {
  for (const M of [0, 3]) {
    it(`scaleBits ${M}: every value is its row's nearest step (≤ ½ LSB of the row's scale), the table has one entry per row`, () => {
      const ts = unpack([...w8, 'precision.linearWeight.granularity=channel', `precision.linearWeight.scaleBits=${M}`]);
      assert.ok(ts.length > 10);
      for (const { t, type, src, got, cols, entries, scaleOf } of ts) {
        assert.ok(entries && t.scale!.rows * cols === src.length, `${t.name}: a scale per row`);
        for (let r = 0; r < t.scale!.rows; r++) {
          const e = entries[r]!;
          const [sh, m] = [e & 255, e >> 8];
          assert.ok(sh <= t.scale!.scaleShift && m >= 1 && m <= 2 ** M, `${t.name} row ${r}: sh ${sh}, m ${m}`);
          const lsb = 2 ** (type.I - type.W) * scaleOf(r);
          for (let j = 0; j < cols; j++) {
            const i = r * cols + j;
            assert.ok(Math.abs(got[i]! - src[i]!) <= lsb / 2 + 1e-15, `${t.name}[${r},${j}]: ${src[i]} packed as ${got[i]} (row LSB ${lsb})`);
          }
        }
      }
    });
  }

  it('per-channel scales lose less than one type per tensor (and a mantissa less than a power of two)', () => {
    const tensor = sqErr(unpack(w8));
    const pow2 = sqErr(unpack([...w8, 'precision.linearWeight.granularity=channel']));
    const m3 = sqErr(unpack([...w8, 'precision.linearWeight.granularity=channel', 'precision.linearWeight.scaleBits=3']));
    assert.ok(pow2 < 0.7 * tensor && m3 < 0.6 * pow2, `squared error: per tensor ${tensor}, per channel 2^k ${pow2}, per channel m/8·2^k ${m3}`);
  });

  it('a row scale is the finest that holds the row: zero rows, rows past the type, exact powers of two', () => {
    const t: FixedType = { signed: true, W: 8, I: 1, q: 'AP_RND_CONV', o: 'AP_SAT', n: 0 };
    assert.deepEqual(channelScaleOf(0, t, 3, 4), { sh: 4, m: 1 });
    assert.deepEqual(channelScaleOf(5, t, 3, 4), { sh: 0, m: 8 }, 'past the type: scale 1, saturated as the tensor type');
    // max 127/256 (the largest raw value at 2^-8 steps): exactly scale 1/2 = m 8 at sh 1, and its raw is 127.
    assert.deepEqual(channelScaleOf(127 / 256, t, 3, 4), { sh: 1, m: 8 });
    const { sh, m } = channelScaleOf(0.3, t, 3, 4);
    const s = channelScaleValue(sh, m, 3);
    assert.ok(0.3 <= (127 / 128) * s && 0.3 > (127 / 128) * s * (7 / 8), `0.3 → scale ${s} (finest m/8·2^-sh holding it)`);
  });
});
