import assert from 'node:assert/strict';
import {
  attnAvTicks,
  attnFusedFifosDrain,
  attnFusedScoreDepth,
  attnFusedTicks,
  ATTN_FUSED_INFO_DEPTH,
  attnInfoWords,
  attnQBlocks,
  attnQkTicks,
  attnRowKeyOrder,
  attnSchedule,
  attnScoresWords,
} from '../../generator/kernels/attention.ts';
import { resolveConfig } from '../../generator/config/index.ts';
import { buildPlan } from '../../generator/plan/index.ts';
import { buildDriver, runDriver, values, type DriverOutput } from './cpp-harness.ts';

const LANES = 8;

/**
 * Bound on |out - float64 attention| for one case (reordered_attention.h types: act_t = acc_t = ap_fixed<32,10>):
 * a score is off by eps_a <= HD·2^-22·scale (truncated products) + (HD/8)·2^-22 (truncated 8-partials) +
 * HD·R²·2^-24 (the scale constant), which moves the probabilities of a row by at most 2·eps_a in sum; the
 * fixed-point softmax adds N(N·2^-29 + 2^-32)/s relative plus 2^-21 + 2^-29 + 2^-31 absolute per key; each p·v
 * product is truncated (2^-22 per key). With |v| <= R: R·(2 eps_a + rel_s + N·(2^-21 + 2^-29 + 2^-31)) + N·2^-22.
 */
function outBound(n: number, dim: number, heads: number, range: number, minS: number): number {
  const hd = dim / heads;
  const epsA = hd * 2 ** -22 / Math.sqrt(hd) + (hd / LANES) * 2 ** -22 + hd * range * range * 2 ** -24;
  const relS = (n * (n * 2 ** -29 + 2 ** -32)) / minS;
  return range * (2 * epsA + relS + n * (2 ** -21 + 2 ** -29 + 2 ** -31)) + n * 2 ** -22;
}

interface Case {
  n: number;
  dim: number;
  heads: number;
  p: number;
  range: number;
  qkTicks: number;
  avTicks: number;
  scoresWords: number;
  infoWords: number;
  mismatches: number;
  overruns: number;
  maxErr: number;
  minS: number;
  fusedMismatches: number;
  fusedTicks: number;
}

describe('kernel/reordered_attention.h', () => {
  let out: DriverOutput;
  let cases: Case[];
  before(async function () {
    this.timeout(120_000);
    out = await runDriver(await buildDriver('attention_test.cpp'));
    cases = [...out.entries()]
      .filter(([k]) => k.startsWith('case_'))
      .map(([, v]) => {
        const [n, dim, heads, p, range, qkTicks, avTicks, scoresWords, infoWords, mismatches, overruns, maxErr, minS, fusedMismatches, fusedTicks] = v;
        return { n, dim, heads, p, range, qkTicks, avTicks, scoresWords, infoWords, mismatches, overruns, maxErr, minS, fusedMismatches, fusedTicks };
      });
  });

  it('covers N = 9, 17, 33, 129 with P = 1, 2, 3, 4, 8, 16, 22, 43 (and N not a multiple of P)', () => {
    const ns = new Set(cases.map((c) => c.n));
    const ps = new Set(cases.map((c) => c.p));
    for (const n of [9, 17, 33, 129]) assert.ok(ns.has(n), `N=${n}`);
    for (const p of [1, 2, 3, 4, 8, 16, 22, 43]) assert.ok(ps.has(p), `P=${p}`);
    assert.ok(cases.some((c) => c.n === 129 && c.p === 43 && attnQBlocks(c.n, c.p) === 4), 'N=129 P=43: 4 q-blocks');
    assert.ok(cases.filter((c) => c.n % c.p !== 0).length >= 5);
  });

  it('is bit-exact with plain row-by-row attention visiting keys in the same rotated order', () => {
    for (const c of cases) assert.equal(c.mismatches, 0, `N=${c.n} P=${c.p} DIM=${c.dim}: ${c.mismatches} words differ`);
  });

  it('attention_fused (one DATAFLOW region, scores on chip) writes exactly what attention_qk + attention_av write, nothing past the region, and ticks both compute loops', () => {
    for (const c of cases) {
      assert.equal(c.fusedMismatches, 0, `N=${c.n} P=${c.p} DIM=${c.dim}: ${c.fusedMismatches} words differ (or a canary word changed)`);
      assert.equal(c.fusedTicks, attnFusedTicks(c.n, c.dim, LANES, c.p), `N=${c.n} P=${c.p}`);
      assert.equal(c.fusedTicks, c.qkTicks + c.avTicks);
    }
  });

  it('writes every scratch word and nothing past the sizes the TS formulas give', () => {
    for (const c of cases) {
      assert.equal(c.scoresWords, attnScoresWords(c.n, c.p, c.heads, LANES));
      assert.equal(c.infoWords, attnInfoWords(c.n, c.heads, LANES));
      assert.equal(c.overruns, 0, `N=${c.n} P=${c.p}`);
    }
  });

  it('EDGEMOE_TICK per call equals the TS formula; Edge-MoE sizes give 33·129·24 = 102,168 per pass', () => {
    for (const c of cases) {
      assert.equal(c.qkTicks, attnQkTicks(c.n, c.dim, LANES, c.p), `qk N=${c.n} P=${c.p}`);
      assert.equal(c.avTicks, attnAvTicks(c.n, c.dim, LANES, c.p), `av N=${c.n} P=${c.p}`);
    }
    const edge = cases.find((c) => c.n === 129 && c.dim === 192 && c.p === 4);
    assert.ok(edge);
    assert.equal(edge.qkTicks, 102_168);
    assert.equal(edge.avTicks, 102_168);
    assert.equal(attnQBlocks(129, 4), 33);
    assert.equal(attnScoresWords(129, 4, 3, 8) * 32, 272_448, 'Edge-MoE attn scratch bytes');
    assert.equal(attnInfoWords(129, 3, 8) * 32, 4_128, 'Edge-MoE softmax_info bytes');
  });

  it('P changes a row only through its softmax sum: same q, k, v at P = 16, 22, 43 vs P = 4 (N 129, Edge-MoE sizes)', () => {
    const cross = [...out.entries()].filter(([k]) => k.startsWith('cross_p_')).map(([, v]) => {
      const [seed, p, words, total, maxLsb, invDiffer, unexplained] = v;
      return { seed, p, words, total, maxLsb, invDiffer, unexplained };
    });
    assert.deepEqual(cross.map((c) => c.p), [16, 22, 43, 22, 43]);
    const range = new Map(cases.map((c) => [`${c.n}_${c.p}_${c.range}`, c]));
    for (const c of cross) {
      // A row visits its keys from r%P on, so the online softmax sum (rescaled on each new maximum, truncated) may end
      // an LSB apart, and 1/s with it; m (a max) and the wrapping attn·V sum do not depend on the order.
      assert.equal(c.unexplained, 0, `seed ${c.seed} P=${c.p}: ${c.unexplained} words differ from P = 4 where 1/s agrees`);
      assert.ok(c.words === 0 || c.invDiffer > 0, `seed ${c.seed} P=${c.p}`);
      // Bound: both sums within N(N·2^-29 + 2^-32) of exact (softmax.test.ts), so 1/s differs by ≤ δ/s² + 2^-30/s +
      // 1 LSB; p by e·Δ(1/s) + 1 LSB; each of the N truncated p·v products by |v|·Δp + 1 LSB. In LSBs of 2^-22:
      const r = c.seed === 26 ? 4 : 1;
      const n = 129;
      const minS = range.get(`${n}_${c.p}_${r}`)!.minS;
      const delta = 2 * n * (n * 2 ** -29 + 2 ** -32);
      const bound = (r * (delta / minS + 2 ** -30)) * 2 ** 22 + r * n + n * (r + 1);
      assert.ok(c.maxLsb <= bound, `seed ${c.seed} P=${c.p}: ${c.maxLsb} LSB > ${bound}`);
    }
    // The peaky inputs do meet new maxima in a different order: the comparison is not vacuous.
    assert.ok(cross.some((c) => c.invDiffer > 0 && c.words > 0));
  });

  it('scale constant: exact 1/8, 1/4, 1 for HEAD_DIM 64, 16, 1; floor(2^24/sqrt(32)) for 32', () => {
    assert.deepEqual(values(out, 'scale_raw'), [2 ** 21, 2 ** 22, Math.floor(2 ** 24 / Math.sqrt(32)), 2 ** 24]);
  });

  it('matches float64 softmax attention within the bound the types give', () => {
    for (const c of cases) {
      const bound = outBound(c.n, c.dim, c.heads, c.range, c.minS);
      assert.ok(c.maxErr <= bound, `N=${c.n} P=${c.p} DIM=${c.dim}: ${c.maxErr} > ${bound}`);
    }
  });
});

describe('generator/kernels/attention (schedule model)', () => {
  for (const [n, p] of [
    [9, 1],
    [9, 4],
    [9, 8],
    [17, 3],
    [129, 4],
    [5, 5],
  ]) {
    it(`N=${n} P=${p}: every row meets every key exactly once, in its rotated order`, () => {
      const seen = new Map<number, number[]>();
      for (const v of attnSchedule(n, p)) {
        if (v.row < 0 || v.row >= n) continue;
        if (!seen.has(v.row)) seen.set(v.row, []);
        seen.get(v.row)!.push(v.k);
      }
      assert.equal(seen.size, n);
      for (let r = 0; r < n; r++) assert.deepEqual(seen.get(r), attnRowKeyOrder(r, n, p), `row ${r}`);
    });
  }
});

describe('generator/kernels/attention (attention_fused FIFOs: finalize → prepare on bounded FIFOs)', () => {
  // (N, P, finalize iterations in flight): Edge-MoE's P 4 at finalize II 2 (36/2), the w8 ViT-T points P 26 / 32 at
  // II 1, tiny's N 9, P = 1 and P = N.
  for (const [n, p, inFlight] of [
    [129, 4, 18],
    [129, 26, 36],
    [129, 32, 36],
    [9, 4, 18],
    [9, 1, 8],
    [9, 9, 36],
    [17, 3, 12],
    [197, 16, 36],
  ] as const) {
    it(`N=${n} P=${p}, ${inFlight} finalize iterations in flight: the need is N − 1 + ⌈in flight / P⌉ steps; the plan's depths drain even at twice the depth`, () => {
      const need = n - 1 + Math.ceil(inFlight / p);
      assert.ok(attnFusedFifosDrain(n, p, inFlight, need, 1), 'the need drains (one info slot)');
      assert.ok(!attnFusedFifosDrain(n, p, inFlight, need - 1, 1000), 'a scores FIFO one step short of the need must deadlock');
      const d = attnFusedScoreDepth(n, p, inFlight);
      assert.equal(d, n - 1 + Math.ceil((2 * inFlight) / p) + 1);
      assert.ok(attnFusedFifosDrain(n, p, inFlight, d, ATTN_FUSED_INFO_DEPTH), 'deadlock at the plan depths');
      assert.ok(attnFusedFifosDrain(n, p, 2 * inFlight, d, ATTN_FUSED_INFO_DEPTH), "deadlock if finalize's pipeline is twice as deep as assumed");
      assert.ok(!attnFusedFifosDrain(n, p, inFlight, d, 0), 'no info slot must deadlock');
    });
  }
  it("the plan's depth at N 129, P 26 (512 steps, what the 132-step FIFO's RAMB18 column holds) drains while finalize's (1/s, m) write trails its score forward by up to 9,984 iterations (cycles at II 1; 132 steps: 104)", () => {
    const sets = ['hardware.attention=fused', 'hardware.attnParallel=26', 'hardware.axiBits=128', 'hardware.linearTile.in=64', 'hardware.linearTile.out=16'];
    const plan = buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes-w8', sets }));
    assert.equal(plan.attnFifos!.scoreDepth, 512);
    assert.ok(attnFusedFifosDrain(129, 26, 9984, 512, ATTN_FUSED_INFO_DEPTH));
    assert.ok(!attnFusedFifosDrain(129, 26, 9985, 512, ATTN_FUSED_INFO_DEPTH));
    assert.ok(attnFusedFifosDrain(129, 26, 104, 132, ATTN_FUSED_INFO_DEPTH));
    assert.ok(!attnFusedFifosDrain(129, 26, 105, 132, ATTN_FUSED_INFO_DEPTH));
  });
  it('without pipeline skew (0 in flight) the need is exactly N − 1 steps: the wait between a row start and its (1/s, m)', () => {
    for (const [n, p] of [[9, 4], [129, 26], [33, 8]] as const) {
      assert.ok(attnFusedFifosDrain(n, p, 0, n - 1, 1));
      assert.ok(!attnFusedFifosDrain(n, p, 0, n - 2, 1000));
    }
  });
});
