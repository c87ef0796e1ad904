// patch_reordering.h: gate logits (exact), softmax over all experts, top-k with ties to the lower index, expert queues
// in token order, the metaqueue, and the expert loop (zeroing, gather → FC1+GELU → scatter, FC2 score-accumulate)
// against a float64 model on the same quantized values; EDGEMOE_TICK counts vs generator/kernels/moe.ts.
import assert from 'node:assert/strict';
import { geluExact } from '../../generator/kernels/gelu.ts';
import { moeExpertsTrips, moeGateTrips } from '../../generator/kernels/moe.ts';
import type { Plan } from '../../generator/plan/index.ts';
import { buildDriver, conv, Job, linearRowExact, packRaw, q, rng, runJob, unpackRaw, val, type Driver } from './harness.ts';
import { moeSizes } from '../../generator/estimate/op-model.ts';

interface MoeData {
  u: bigint[][];
  gate: bigint[]; // [E][D]
  w1: bigint[]; // [E][H][D]
  b1: bigint[]; // [E][H]
  w2: bigint[]; // [E][D][H]
  b2: bigint[]; // [E][D]
}

interface MoeOut {
  queues: Array<Array<{ t: number; p: bigint }>>;
  meta: number[];
  gateTicks: number;
  out: bigint[][];
  expertTicks: number;
}

function randomData(p: Plan, seed: number, gateRow?: (e: number, d: number, r: () => number) => number, uVal?: (r: () => number) => number): MoeData {
  const { activation: act, linearWeight: wl, bias } = p.types;
  const { tokens: N, dim: D, experts: E, expertHidden: H } = p.sizes;
  const rr = rng(seed);
  const r = () => rr(-1, 1);
  return {
    u: Array.from({ length: N }, () => Array.from({ length: D }, () => q(uVal ? uVal(r) : 2 * r(), act))),
    gate: Array.from({ length: E * D }, (_, i) => q(gateRow ? gateRow(Math.floor(i / D), i % D, r) : 0.5 * r(), wl)),
    w1: Array.from({ length: E * H * D }, () => q(0.3 * r(), wl)),
    b1: Array.from({ length: E * H }, () => q(0.5 * r(), bias)),
    w2: Array.from({ length: E * D * H }, () => q(0.3 * r(), wl)),
    b2: Array.from({ length: E * D }, () => q(0.5 * r(), bias)),
  };
}

async function runMoe(d: Driver, m: MoeData): Promise<MoeOut> {
  const { activation: act, linearWeight: wl, bias } = d.plan.types;
  const { tokens: N, dim: D, experts: E } = d.plan.sizes;
  const job = new Job().i32(2);
  job.words(packRaw(m.u.flat(), act.containerBits)).words(packRaw(m.gate, wl.containerBits));
  job.words(packRaw(m.w1, wl.containerBits)).words(packRaw(m.b1, bias.containerBits));
  job.words(packRaw(m.w2, wl.containerBits)).words(packRaw(m.b2, bias.containerBits));
  const rd = await runJob(d, job);
  const lens = Array.from({ length: E }, () => rd.i32());
  const queues = lens.map((n) => Array.from({ length: n }, () => ({ t: rd.i32(), p: BigInt(rd.i32()) })));
  const meta = Array.from({ length: rd.i32() }, () => rd.i32());
  const gateTicks = rd.ticks();
  const flat = unpackRaw(rd.words(), N * D, act.containerBits, act.W);
  const out = Array.from({ length: N }, (_, t) => flat.slice(t * D, (t + 1) * D));
  return { queues, meta, gateTicks, out, expertTicks: rd.ticks() };
}

/** Exact gate logits of one token as act_t raws: Σ (acc_t)(u·w), then to act_t. */
function logitsExact(p: Plan, u: bigint[], gate: bigint[]): bigint[] {
  const { activation: act, accumulator: acc, linearWeight: wl } = p.types;
  const D = p.sizes.dim;
  return Array.from({ length: p.sizes.experts }, (_, e) => {
    let a = 0n;
    for (let dd = 0; dd < D; dd++) a = BigInt.asIntN(acc.W, a + conv(u[dd]! * gate[e * D + dd]!, act.frac + wl.frac, acc));
    return conv(a, acc.frac, act);
  });
}

/** Top-k of the logits: larger first, ties to the lower expert index. */
function topK(l: bigint[], k: number): number[] {
  return l
    .map((v, e) => ({ v, e }))
    .sort((a, b) => (a.v === b.v ? a.e - b.e : a.v > b.v ? -1 : 1))
    .slice(0, k)
    .map((x) => x.e);
}


/** Checks queues, probabilities, metaqueue and gate ticks against the exact logits; returns the expected picks. */
function checkGate(p: Plan, m: MoeData, r: MoeOut): number[][] {
  const act = p.types.activation;
  const { tokens: N, experts: E, topK: K } = p.sizes;
  const picks: number[][] = [];
  const want: Array<Array<{ t: number; prob: number }>> = Array.from({ length: E }, () => []);
  for (let t = 0; t < N; t++) {
    const l = logitsExact(p, m.u[t]!, m.gate);
    const lv = l.map((x) => val(x, act));
    const mx = Math.max(...lv);
    const z = lv.reduce((a, x) => a + Math.exp(x - mx), 0);
    const top = topK(l, K);
    picks.push(top);
    for (const e of top) want[e]!.push({ t, prob: Math.exp(lv[e]! - mx) / z });
  }
  for (let e = 0; e < E; e++) {
    assert.deepEqual(r.queues[e]!.map((x) => x.t), want[e]!.map((x) => x.t), `expert ${e} queue`);
    // Single-pass softmax in fixed point: |p − exact| ≤ 2^-21 + 2^-29 + E(E+1)·2^-29 (single_pass_softmax.h).
    r.queues[e]!.forEach((x, n) => assert.ok(Math.abs(val(x.p, act) - want[e]![n]!.prob) <= 2 ** -20, `expert ${e} p`));
  }
  assert.deepEqual(r.meta, want.flatMap((q, e) => (q.length > 0 ? [e] : [])));
  assert.equal(r.gateTicks, moeGateTrips(moeSizes(p)));
  return picks;
}

describe('kernel: patch_reordering.h (tiny preset: 9 tokens, D 32, 4 experts, top-2, expert hidden 64)', function () {
  this.timeout(180_000);
  let d: Driver;
  before(async () => {
    d = await buildDriver('tiny');
  });

  it('routes random tokens by the exact logits and runs each active expert over its queue', async () => {
    const p = d.plan;
    const m = randomData(p, 11);
    const r = await runMoe(d, m);
    checkGate(p, m, r);
    // Expert outputs vs float64 on the same quantized values and the kernel's own probabilities.
    const { activation: act, linearWeight: wl, bias } = p.types;
    const { tokens: N, dim: D, expertHidden: H } = p.sizes;
    const lsb = 2 ** -act.frac;
    const want = Array.from({ length: N }, () => new Float64Array(D));
    const tol = Array.from({ length: N }, () => new Float64Array(D).fill(2 * lsb));
    r.queues.forEach((queue, e) => {
      const w1 = m.w1.slice(e * H * D, (e + 1) * H * D);
      const b1 = m.b1.slice(e * H, (e + 1) * H);
      for (const { t, p: praw } of queue) {
        const pre = linearRowExact(p, m.u[t]!, w1, b1, bias, H, D);
        const g = pre.map((x) => geluExact(val(x, act)));
        const pr = val(praw, act);
        for (let o = 0; o < D; o++) {
          let y = val(m.b2[e * D + o]!, bias);
          let wabs = 0;
          for (let h = 0; h < H; h++) {
            const w = val(m.w2[(e * D + o) * H + h]!, wl);
            y += w * g[h]!;
            wabs += Math.abs(w);
          }
          want[t]![o] += pr * y;
          // GELU approximation (≤ 9.8e-5 + 1 LSB per hidden unit) through |W2|, H+1 product/result truncations, the
          // score product's truncation and the accumulate's.
          tol[t]![o] += pr * (wabs * (9.8e-5 + lsb) + (H + 2) * lsb) + 2 * lsb;
        }
      }
    });
    let worst = 0;
    for (let t = 0; t < N; t++)
      for (let o = 0; o < D; o++) {
        const err = Math.abs(val(r.out[t]![o]!, act) - want[t]![o]!);
        worst = Math.max(worst, err);
        assert.ok(err <= tol[t]![o]!, `out[${t}][${o}] err ${err} > ${tol[t]![o]}`);
      }
    assert.ok(worst > 0 && worst < 1e-3, `worst ${worst}`);
    assert.equal(r.expertTicks, moeExpertsTrips(moeSizes(p), r.queues.map((x) => x.length)));
  });

  it('breaks ties to the lower expert index (duplicate gate rows) and leaves unpicked experts inactive', async () => {
    const p = d.plan;
    // Positive inputs; expert 0 strongly positive, experts 1 and 2 identical, expert 3 negative:
    // every token picks [0, 1] (1 beats its tie with 2), so experts 2 and 3 stay inactive.
    const base = Array.from({ length: p.sizes.dim }, (_, i) => 0.05 + 0.01 * (i % 7));
    const m = randomData(p, 12, (e, dd) => (e === 0 ? 0.9 : e === 3 ? -0.5 : base[dd]!), (r) => 1.5 + r());
    const r = await runMoe(d, m);
    const picks = checkGate(p, m, r);
    for (const pk of picks) assert.deepEqual(pk, [0, 1]);
    assert.deepEqual(r.meta, [0, 1]);
    assert.equal(r.queues[2]!.length, 0);
  });

  it('all logits equal (zero input): every token picks experts 0 and 1 with p = 1/E each', async () => {
    const p = d.plan;
    const m = randomData(p, 13, undefined, () => 0);
    const r = await runMoe(d, m);
    const picks = checkGate(p, m, r);
    for (const pk of picks) assert.deepEqual(pk, [0, 1]);
    for (const x of r.queues[0]!) assert.ok(Math.abs(val(x.p, p.types.activation) - 1 / p.sizes.experts) <= 2 ** -20);
    // Zero input: each chosen expert contributes p·(W2·GELU(b1) + b2); tokens are identical, so are their outputs.
    for (let t = 1; t < p.sizes.tokens; t++) assert.deepEqual(r.out[t], r.out[0]);
  });
});
