// Sizes and cycle counts of templates/kernel/reordered_attention.h (Edge-MoE innovations 1 and 2), and a model of
// its reordered schedule. The formulas mirror the header's constexpr functions; a C++ test checks the counts.

/** Number of q-blocks: ⌈(N + P − 1) / P⌉. */
export function attnQBlocks(n: number, p: number): number {
  return Math.ceil((n + p - 1) / p);
}

/** Words of one (q-block, key) step of the scores scratch: ⌈P·heads / lanes⌉. */
export function attnStepWords(p: number, heads: number, lanes: number): number {
  return Math.ceil((p * heads) / lanes);
}

/** Size of the attention-scores scratch region (DRAM region 'attn') in words. */
export function attnScoresWords(n: number, p: number, heads: number, lanes: number): number {
  return attnQBlocks(n, p) * n * attnStepWords(p, heads, lanes);
}

/** Words per token of the softmax-info region: ⌈2·heads / lanes⌉ (1/s and m per head). */
export function attnInfoTokenWords(heads: number, lanes: number): number {
  return Math.ceil((2 * heads) / lanes);
}

/** Size of the softmax-info scratch region (DRAM region 'softmaxInfo') in words. */
export function attnInfoWords(n: number, heads: number, lanes: number): number {
  return n * attnInfoTokenWords(heads, lanes);
}

/** EDGEMOE_TICK count of one attention_qk call: ⌈(N+P−1)/P⌉ · N · dim/lanes (Edge-MoE: 33·129·24 = 102,168). */
export function attnQkTicks(n: number, dim: number, lanes: number, p: number): number {
  return attnQBlocks(n, p) * n * (dim / lanes);
}

/** EDGEMOE_TICK count of one attention_av call (same loop nest as Q·Kᵀ). */
export function attnAvTicks(n: number, dim: number, lanes: number, p: number): number {
  return attnQkTicks(n, dim, lanes, p);
}

/** The row slot o works on at key step k of q-block b; outside [0, N) it is garbage that is never used. */
export function attnSlotRow(b: number, k: number, o: number, p: number): number {
  return k >= o ? b * p + o : (b - 1) * p + o;
}

/** One visit of the schedule: at (q-block b, key k) slot o scores row `row` against key k. */
export interface AttnVisit {
  b: number;
  k: number;
  o: number;
  row: number;
}

/** Every (b, k, o) visit of the reordered schedule, in hardware order (rows may be garbage: < 0 or >= N). */
export function attnSchedule(n: number, p: number): AttnVisit[] {
  const out: AttnVisit[] = [];
  for (let b = 0; b < attnQBlocks(n, p); b++)
    for (let k = 0; k < n; k++) for (let o = 0; o < p; o++) out.push({ b, k, o, row: attnSlotRow(b, k, o, p) });
  return out;
}

/** The key order row r sees: the rotation r%P, r%P+1, …, N−1, 0, …, r%P−1. */
export function attnRowKeyOrder(r: number, n: number, p: number): number[] {
  const s = r % p;
  return Array.from({ length: n }, (_, i) => (s + i) % n);
}
