// Decoding the testbench's activation dumps (generator/csim/trace.ts): 32-bit and 16-bit activation containers,
// word-padded rows or design.json's row stride.
import assert from 'node:assert/strict';
import { resolveConfig } from '../../generator/config/index.ts';
import { decodeActivations } from '../../generator/csim/trace.ts';
import { buildPlan } from '../../generator/plan/index.ts';

describe('csim trace: decodeActivations', () => {
  const rows = 3;
  const features = 20; // not a whole number of words: rows padded to the lane count
  const value = (r: number, f: number) => (r - 1) * 1.5 + f / 64 - 0.25;

  for (const W of [32, 16] as const) {
    it(`${W}-bit activation containers: raw / 2^frac, rows padded to whole words, sign kept`, () => {
      const plan = buildPlan(resolveConfig({ preset: 'tiny', sets: W === 16 ? ['precision.activation.W=16', 'precision.activation.I=5'] : [] }));
      const act = plan.types.activation;
      assert.equal(act.containerBits, W);
      const rowElems = Math.ceil(features / act.lanes) * act.lanes;
      const raw = W === 32 ? new Int32Array(rows * rowElems) : new Int16Array(rows * rowElems);
      for (let r = 0; r < rows; r++) for (let f = 0; f < features; f++) raw[r * rowElems + f] = Math.round(value(r, f) * 2 ** act.frac);
      raw[rowElems - 1] = 12345; // padding lane: never read
      const bytes = new Uint8Array(raw.buffer);
      const out = decodeActivations(bytes, rows, features, plan);
      for (let r = 0; r < rows; r++) for (let f = 0; f < features; f++) assert.equal(out[r * features + f], value(r, f), `${r},${f}`);
      // The same through an explicit row stride (design.json output.rowStride), and too few bytes refused.
      assert.deepEqual(decodeActivations(bytes, rows, features, plan, rowElems * (W / 8)), out);
      assert.throws(() => decodeActivations(bytes.subarray(0, 10), rows, features, plan), /activation dump has 10 bytes/);
      assert.throws(() => decodeActivations(bytes, rows, features, plan, features * (W / 8) - 1), /cannot hold 20/);
    });
  }
});
