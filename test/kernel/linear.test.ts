// unified_linear.h against the exact fixed-point model (BigInt) of its arithmetic: direct, gather/scatter (empty,
// partial and full expert queues), score-accumulate and GELU modes; EDGEMOE_TICK counts vs generator/kernels/linear.ts.
import assert from 'node:assert/strict';
import { geluExact } from '../../generator/kernels/gelu.ts';
import { computeLinearTrips, loadLinearBiasTrips, loadLinearWeightsTrips } from '../../generator/kernels/linear.ts';
import type { PlanType } from '../../generator/plan/index.ts';
import { buildDriver, Job, linearRowExact, packRaw, q, rng, runJob, scoreAccExact, unpackRaw, val, type Driver } from './harness.ts';

interface Case {
  outDim: number;
  inDim: number;
  /** Rows to run: null = direct over all tokens, else the expert queue (patch indices). */
  queue: number[] | null;
  gelu?: boolean;
  score?: boolean;
  biasKind: 'attnBias' | 'bias';
  /** Element offsets of the matrix / bias inside their word arrays (an expert's slice of [E][out][in]). */
  wFirst?: number;
  bFirst?: number;
  seed: number;
}

interface Result {
  /** Every row of dst after the call (raws) and before it. */
  out: bigint[][];
  before: bigint[][];
  /** The exact model's rows for the processed tokens (pre-score, post-GELU-less). */
  exact: Map<number, bigint[]>;
  probs: bigint[];
  ticks: number;
}

async function runCase(d: Driver, c: Case): Promise<Result> {
  const p = d.plan;
  const { activation: act, linearWeight: wl } = p.types;
  const bt: PlanType = p.types[c.biasKind];
  const N = p.sizes.tokens;
  const r = rng(c.seed);
  const wFirst = c.wFirst ?? 0;
  const bFirst = c.bFirst ?? 0;
  // Weights within ±1 (wlin_t range ±2), inputs within ±4, biases within ±2: no wrap-around anywhere.
  const w = Array.from({ length: wFirst + c.outDim * c.inDim }, () => q(r(-1, 1), wl));
  const b = Array.from({ length: bFirst + c.outDim }, () => q(r(-2, 2), bt));
  const src = Array.from({ length: N }, () => Array.from({ length: c.inDim }, () => q(r(-4, 4), act)));
  const before = Array.from({ length: N }, () => Array.from({ length: c.outDim }, () => q(r(-3, 3), act)));
  const queue = c.queue ?? Array.from({ length: N }, (_, t) => t);
  const probs = queue.map(() => q(r(0, 1), act));
  const job = new Job().i32(1, c.outDim, c.inDim, queue.length, c.gelu ? 1 : 0, c.queue ? 1 : 0, c.score ? 1 : 0, wFirst, bFirst, c.biasKind === 'attnBias' ? 0 : 1);
  job.i32(c.queue ? queue.length : 0, ...(c.queue ?? []), ...(c.queue ? probs.map(Number) : []));
  job.words(packRaw(src.flat(), act.containerBits));
  job.words(packRaw(before.flat(), act.containerBits));
  job.words(packRaw(w, wl.containerBits));
  job.words(packRaw(b, bt.containerBits));
  const rd = await runJob(d, job);
  const flat = unpackRaw(rd.words(), N * c.outDim, act.containerBits, act.W);
  const out = Array.from({ length: N }, (_, t) => flat.slice(t * c.outDim, (t + 1) * c.outDim));
  const ticks = rd.ticks();
  const exact = new Map<number, bigint[]>();
  for (const t of queue) exact.set(t, linearRowExact(p, src[t]!, w.slice(wFirst), b.slice(bFirst), bt, c.outDim, c.inDim));
  return { out, before, exact, probs, ticks };
}

function expectedTicks(d: Driver, c: Case, rows: number): number {
  const p = d.plan;
  return (
    loadLinearWeightsTrips(c.outDim, c.inDim, p.types.linearWeight.lanes, c.wFirst ?? 0) +
    loadLinearBiasTrips(c.outDim, p.types[c.biasKind].lanes, c.bFirst ?? 0) +
    computeLinearTrips(rows, c.outDim, c.inDim, p.sizes.tileIn, p.sizes.tileOut)
  );
}

describe('kernel: unified_linear.h (tiny preset sizes: 9 tokens, D 32, MLP 128, expert hidden 64, tile 16×16)', function () {
  this.timeout(180_000);
  let d: Driver;
  before(async () => {
    d = await buildDriver('tiny');
  });

  it('direct mode equals the exact fixed-point model bit for bit (D→D with the attention bias type)', async () => {
    const c: Case = { outDim: 32, inDim: 32, queue: null, biasKind: 'attnBias', seed: 1 };
    const r = await runCase(d, c);
    for (let t = 0; t < 9; t++) assert.deepEqual(r.out[t], r.exact.get(t), `token ${t}`);
    assert.equal(r.ticks, expectedTicks(d, c, 9));
  });

  it('direct mode, 128 → 32 and 32 → 128 (dense MLP shapes, the MLP bias type)', async () => {
    for (const [outDim, inDim, seed] of [[32, 128, 2], [128, 32, 3]] as const) {
      const c: Case = { outDim, inDim, queue: null, biasKind: 'bias', seed };
      const r = await runCase(d, c);
      for (let t = 0; t < 9; t++) assert.deepEqual(r.out[t], r.exact.get(t), `${outDim}x${inDim} token ${t}`);
      assert.equal(r.ticks, expectedTicks(d, c, 9));
    }
  });

  it('gather/scatter: queued patches only, each result in its own patch slot; unqueued rows untouched', async () => {
    // Expert 2 of a [4][64][32] tensor: the matrix starts mid-array (element offsets, not word 0).
    const c: Case = { outDim: 64, inDim: 32, queue: [7, 2, 5, 0], biasKind: 'bias', wFirst: 2 * 64 * 32, bFirst: 2 * 64, seed: 4 };
    const r = await runCase(d, c);
    for (let t = 0; t < 9; t++) {
      if (c.queue!.includes(t)) assert.deepEqual(r.out[t], r.exact.get(t), `patch ${t}`);
      else assert.deepEqual(r.out[t], r.before[t], `patch ${t} must be untouched`);
    }
    assert.equal(r.ticks, expectedTicks(d, c, 4));
  });

  it('gather/scatter with an empty queue changes nothing and only loads', async () => {
    const c: Case = { outDim: 32, inDim: 64, queue: [], biasKind: 'bias', wFirst: 32 * 64, bFirst: 32, seed: 5 };
    const r = await runCase(d, c);
    assert.deepEqual(r.out, r.before);
    assert.equal(r.ticks, expectedTicks(d, c, 0));
  });

  it('gather/scatter with a full queue in permuted order', async () => {
    const c: Case = { outDim: 32, inDim: 64, queue: [8, 3, 0, 6, 1, 4, 7, 2, 5], biasKind: 'bias', seed: 6 };
    const r = await runCase(d, c);
    for (let t = 0; t < 9; t++) assert.deepEqual(r.out[t], r.exact.get(t), `patch ${t}`);
    assert.equal(r.ticks, expectedTicks(d, c, 9));
  });

  it('score mode accumulates old + (acc_t)(p·y) in place (read-modify-write), exactly', async () => {
    const c: Case = { outDim: 32, inDim: 64, queue: [1, 4, 8], score: true, biasKind: 'bias', seed: 7 };
    const r = await runCase(d, c);
    c.queue!.forEach((t, n) => {
      const want = r.exact.get(t)!.map((y, o) => scoreAccExact(d.plan, r.before[t]![o]!, r.probs[n]!, y));
      assert.deepEqual(r.out[t], want, `patch ${t}`);
    });
    for (const t of [0, 2, 3, 5, 6, 7]) assert.deepEqual(r.out[t], r.before[t]);
  });

  it('GELU mode is within the approximation bound (9.8e-5) + 1 LSB of exact GELU of the exact pre-activation', async () => {
    const act = d.plan.types.activation;
    const c: Case = { outDim: 128, inDim: 32, queue: null, gelu: true, biasKind: 'bias', seed: 8 };
    const r = await runCase(d, c);
    let worst = 0;
    for (let t = 0; t < 9; t++)
      r.exact.get(t)!.forEach((y, o) => {
        worst = Math.max(worst, Math.abs(val(r.out[t]![o]!, act) - geluExact(val(y, act))));
      });
    assert.ok(worst <= 9.8e-5 + 2 ** -act.frac, `max |err| ${worst}`);
    assert.ok(worst > 0, 'GELU must differ from the identity somewhere');
  });
});

describe('kernel: unified_linear.h with a wider accumulator (ap_fixed<48,16>)', function () {
  this.timeout(180_000);
  it('keeps the extra product bits: still exact against the model, and differs from truncating to act_t', async () => {
    const d = await buildDriver('tiny', ['precision.accumulator.W=48', 'precision.accumulator.I=16']);
    assert.equal(d.plan.types.accumulator.frac, 32);
    const c: Case = { outDim: 32, inDim: 32, queue: null, biasKind: 'attnBias', seed: 9 };
    const r = await runCase(d, c);
    for (let t = 0; t < 9; t++) assert.deepEqual(r.out[t], r.exact.get(t), `token ${t}`);
    // The same inputs through Edge-MoE's 32-bit accumulator (products truncated to 2^-22) give a different result.
    const narrow = await runCase(await buildDriver('tiny'), c);
    assert.notDeepEqual(narrow.out, r.out);
  });
});

describe('kernel: unified_linear.h with a tile wider than an AXI word (TILE_IN 32) and one as wide (TILE_OUT 8)', function () {
  this.timeout(180_000);
  it('reads several words per input tile, writes a word per output tile: exact, gather/scatter too', async () => {
    const d = await buildDriver('tiny', ['hardware.linearTile.in=32', 'hardware.linearTile.out=8']);
    for (const c of [
      { outDim: 128, inDim: 32, queue: null, biasKind: 'bias', seed: 31 },
      { outDim: 32, inDim: 64, queue: [6, 0, 3], score: true, biasKind: 'bias', wFirst: 3 * 32 * 64, bFirst: 96, seed: 32 },
    ] as Case[]) {
      const r = await runCase(d, c);
      (c.queue ?? [0, 1, 2, 3, 4, 5, 6, 7, 8]).forEach((t, n) => {
        const want = c.score ? r.exact.get(t)!.map((y, o) => scoreAccExact(d.plan, r.before[t]![o]!, r.probs[n]!, y)) : r.exact.get(t);
        assert.deepEqual(r.out[t], want, `${c.outDim}x${c.inDim} patch ${t}`);
      });
      assert.equal(r.ticks, expectedTicks(d, c, (c.queue ?? r.out).length));
    }
  });
});
