// MoE routing diagnostics: decoding the kernel's routing record and comparing expert sets with a reference.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { compareRouting, decodeRouting, referenceRouting, type KernelRouting } from '../../generator/csim/routing.ts';
import { fmtNum, formatRouting } from '../../generator/csim/report.ts';
import { compareArrays } from '../../generator/reference/compare.ts';
import { readNpz } from '../../generator/io/npz.ts';
import { buildPlan, routeLayout } from '../../generator/plan/index.ts';
import { asF64, type Tensor } from '../../generator/tensor.ts';
import { execa } from 'execa';
import { CXX, includeDirs } from '../../generator/csim/build.ts';
import { emitDesign } from '../../generator/emit/emit.ts';
import { scratch, TINY } from '../helpers/paths.ts';

const plan = buildPlan(resolveConfig({ preset: 'tiny' }));
const layout = routeLayout(plan.sizes);
const FRAC = plan.types.activation.frac;
const gateOp = plan.ops.find((o) => o.kind === 'moe_gate')!;
const op = { block: gateOp.block!, id: gateOp.id, name: gateOp.name };

/** A routing record as the kernel writes it: rows of rowElems int32, logits/probs raw = round(v·2^frac). */
function record(logits: number[][], picks: Array<Array<[number, number]>>): Uint8Array {
  const buf = new Int32Array(layout.tokens * layout.rowElems);
  for (let t = 0; t < layout.tokens; t++) {
    logits[t]!.forEach((l, e) => (buf[t * layout.rowElems + layout.logitCol + e] = Math.round(l * 2 ** FRAC)));
    picks[t]!.forEach(([e, p], j) => {
      buf[t * layout.rowElems + layout.probCol + j] = Math.round(p * 2 ** FRAC);
      buf[t * layout.rowElems + layout.idxCol + j] = e;
    });
  }
  return new Uint8Array(buf.buffer);
}

/** The kernel routing of a reference (softmax probabilities and top-k as the reference orders them). */
function fromReference(probs: Float64Array, idx: number[], logits: Float64Array) {
  const { tokens: N, experts: E, topK: K } = layout;
  const l = Array.from({ length: N }, (_, t) => Array.from(logits.subarray(t * E, (t + 1) * E)));
  const p = Array.from({ length: N }, (_, t) => Array.from({ length: K }, (_, j): [number, number] => [idx[t * K + j]!, probs[t * E + idx[t * K + j]!]!]));
  return decodeRouting(record(l, p), layout, FRAC);
}

describe('csim MoE routing diagnostics', () => {
  const fixture = readNpz(join(TINY, 'trace_task0.npz'));
  const ref = referenceRouting(fixture, op.block);
  const probs = ref.gateProbs.data as Float64Array;
  const idx = Array.from(ref.topkIdx.data as BigInt64Array, Number);
  const logits = ref.gateLogits.data as Float64Array;

  it('the layout: tiny has 4 experts, top-2 → 8 columns in one 8-lane word per token', () => {
    assert.deepEqual([layout.experts, layout.topK, layout.rowWords, layout.rowElems, layout.words], [4, 2, 1, 8, 9]);
    assert.equal(gateOp.traceWords, layout.words);
  });

  it('decodes logits, probabilities and indices (negative logits sign-extended)', () => {
    const l = Array.from({ length: layout.tokens }, (_, t) => [-1.5, 0.25 * t, -0.001, 3]);
    const p = Array.from({ length: layout.tokens }, (): Array<[number, number]> => [[3, 0.5], [1, 0.125]]);
    const k = decodeRouting(record(l, p), layout, FRAC);
    assert.equal(k.logits[0], -1.5);
    assert.equal(k.logits[4 * 4 + 1], 1);
    assert.ok(Math.abs(k.logits[2]! + 0.001) < 2 ** -FRAC);
    assert.deepEqual(Array.from(k.idx.subarray(0, 2)), [3, 1]);
    assert.deepEqual(Array.from(k.probs.subarray(0, 2)), [0.5, 0.125]);
    assert.throws(() => decodeRouting(new Uint8Array(10), layout, FRAC), /routing record has 10 bytes/);
    const bad = record(l, p.map((x, t) => (t === 2 ? [[7, 0.5], [1, 0.1]] : x)));
    assert.throws(() => decodeRouting(bad, layout, FRAC), /token 2 pick 0 names expert 7/);
  });

  it('16-bit activation containers: the record of a 16-bit design (16 lanes per 256-bit word) decodes the same', () => {
    const p16 = buildPlan(resolveConfig({ preset: 'tiny', sets: ['precision.activation.W=16', 'precision.activation.I=5'] }));
    const l16 = routeLayout(p16.sizes);
    const frac = p16.types.activation.frac;
    assert.deepEqual([p16.types.activation.containerBits, l16.rowElems], [16, 16]);
    const buf = new Int16Array(l16.tokens * l16.rowElems);
    for (let t = 0; t < l16.tokens; t++) {
      [-1.5, 0.25 * t, -0.001, 3].forEach((v, e) => (buf[t * l16.rowElems + l16.logitCol + e] = Math.round(v * 2 ** frac)));
      [[3, 0.5], [1, 0.125]].forEach(([e, v], j) => {
        buf[t * l16.rowElems + l16.probCol + j] = Math.round(v! * 2 ** frac);
        buf[t * l16.rowElems + l16.idxCol + j] = e!;
      });
    }
    const k = decodeRouting(new Uint8Array(buf.buffer), l16, frac, 16);
    assert.equal(k.logits[0], -1.5);
    assert.equal(k.logits[4 * 4 + 1], 1);
    assert.ok(Math.abs(k.logits[2]! + 0.001) < 2 ** -frac);
    assert.deepEqual(Array.from(k.idx.subarray(0, 2)), [3, 1]);
    assert.deepEqual(Array.from(k.probs.subarray(0, 2)), [0.5, 0.125]);
    // Read as 32-bit elements the same bytes are garbage (the width matters): the record is half as long.
    assert.throws(() => decodeRouting(new Uint8Array(buf.buffer), l16, frac, 32), /routing record has \d+ bytes/);
  });

  it('the fixture against itself: no token differs, topk_p error 0 up to the act_t step, nearest tie reported', () => {
    const r = compareRouting(fromReference(probs, idx, logits), ref, layout, op);
    assert.equal(r.differ.length, 0);
    assert.ok(r.topkPMaxAbs <= 2 ** -(FRAC + 1), `${r.topkPMaxAbs}`);
    // The smallest 2nd−3rd margin of the fixture's 9 tokens, computed independently.
    let min = Infinity;
    for (let t = 0; t < 9; t++) {
      const s = Array.from(probs.subarray(t * 4, t * 4 + 4)).sort((a, b) => b - a);
      min = Math.min(min, s[1]! - s[2]!);
    }
    assert.equal(r.minMargin, min);
    assert.match(formatRouting([r]), /^routing block1\.gate \(op 23\): 0 of 9 tokens pick other experts than the reference, nearest reference tie p2−p3 = \S+; topk_p max abs \S+ over 9 agreeing tokens\n$/);
  });

  it('a modified reference (token 4 takes its 3rd expert instead of its 2nd) counts one differing token with its margin', () => {
    const t = 4;
    const row = Array.from(probs.subarray(t * 4, t * 4 + 4));
    const order = row.map((_, e) => e).sort((a, b) => row[b]! - row[a]!);
    const swapped = BigInt64Array.from(ref.topkIdx.data as BigInt64Array);
    swapped[t * 2 + 1] = BigInt(order[2]!);
    const modified: Tensor = { ...ref.topkIdx, data: swapped };
    const r = compareRouting(fromReference(probs, idx, logits), { ...ref, topkIdx: modified }, layout, op);
    assert.equal(r.differ.length, 1);
    assert.equal(r.differ[0]!.token, t);
    assert.deepEqual(r.differ[0]!.csim, [order[0]!, order[1]!].sort());
    assert.deepEqual(r.differ[0]!.reference, [order[0]!, order[2]!].sort());
    assert.equal(r.differ[0]!.margin, row[order[1]!]! - row[order[2]!]!);
    const text = formatRouting([r]);
    assert.match(text, /: 1 of 9 tokens pick other experts than the reference, reference p2−p3 at those ≤ \S+; topk_p max abs \S+ over 8 agreeing tokens\n/);
    // The op table's topk_p row is this same comparison: 8 tokens × top-2 values, one max abs for both prints.
    assert.equal(r.topkP!.maxAbs, r.topkPMaxAbs);
    assert.ok(text.includes(`topk_p max abs ${fmtNum(r.topkP!.maxAbs)} over 8`));
    assert.match(text, new RegExp(`\\n  token 4: csim \\{${[order[0], order[1]].sort().join(',')}\\}  reference \\{${[order[0], order[2]].sort().join(',')}\\}  reference p2−p3 = \\S+\\n$`));
  });

  it('topk_p of a token whose picks tie and come in the other order is compared expert by expert (one figure)', () => {
    const k = fromReference(probs, idx, logits);
    // Token 0's two picks reported in the other order, as a kernel breaking an exact tie the other way would.
    const swapped: KernelRouting = { ...k, idx: Int32Array.from(k.idx), probs: Float64Array.from(k.probs) };
    [swapped.idx[0], swapped.idx[1]] = [k.idx[1]!, k.idx[0]!];
    [swapped.probs[0], swapped.probs[1]] = [k.probs[1]!, k.probs[0]!];
    const a = compareRouting(k, ref, layout, op);
    const b = compareRouting(swapped, ref, layout, op);
    assert.equal(b.differ.length, 0);
    assert.deepEqual(b.topkP, a.topkP);
    // Position by position (what the table printed before) would see the swap as an error.
    const positional = compareArrays(swapped.probs, asF64(ref.topkP)).maxAbs;
    assert.ok(positional > b.topkP!.maxAbs + 1e-3, `${positional} vs ${b.topkP!.maxAbs}`);
  });

  it('zero cost without -DEDGEMOE_TRACE: the preprocessed kernel has no routing record and no trace call', async function () {
    this.timeout(60_000);
    const dir = join(scratch(), 'tiny');
    emitDesign(resolveConfig({ preset: 'tiny' }), dir);
    const pre = async (defs: string[]) =>
      String((await execa(CXX, ['-std=c++17', '-E', '-P', ...defs, ...includeDirs(dir, 'csim-include').map((d) => `-I${d}`), join(dir, 'src', 'kernel.cpp')])).stdout);
    const [plain, traced] = await Promise.all([pre([]), pre(['-DEDGEMOE_TRACE'])]);
    for (const name of ['moe_route_rec', 'moe_route_word', 'edgemoe_trace']) {
      assert.ok(!plain.includes(name), `${name} in the normal build`);
      assert.ok(traced.includes(name), `${name} missing from the trace build`);
    }
  });
});
