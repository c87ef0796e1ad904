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

// ---- hardware.attention 'fused' (attention_fused: Q·Kᵀ/softmax and softmax·V in one DATAFLOW region) ----

/** EDGEMOE_TICK count of one attention_fused call: both compute loops, Q·Kᵀ's and softmax·V's. */
export function attnFusedTicks(n: number, dim: number, lanes: number, p: number): number {
  return attnQkTicks(n, dim, lanes, p) + attnAvTicks(n, dim, lanes, p);
}

/**
 * Depth (in steps) of attention_fused's scores FIFO, finalize → prepare. Prepare starts row bP+o at step (b, o) and
 * needs its (1/s, m), which finalize writes when the row takes its last key, N−1 steps later, after forwarding those
 * steps' scores: N−1 steps wait. In hardware finalize's info write sits `finInFlight` iterations (its pipeline depth
 * over its II) behind the score forward of its step, ⌈finInFlight / P⌉ more steps. The depth covers twice that (the
 * real pipeline depth comes from synthesis, the plan's is assumed), plus one step of slack; below 512 steps the
 * margin costs no block RAM (a 512-deep aspect).
 */
export function attnFusedScoreDepth(n: number, p: number, finInFlight: number): number {
  return n - 1 + Math.ceil((2 * finInFlight) / p) + 1;
}

/** Depth of attention_fused's info FIFO: one row finishes per step at most and prepare takes it N−1 steps after it
 *  starts the row, so one entry waits; one more of slack. */
export const ATTN_FUSED_INFO_DEPTH = 2;

/**
 * The finalize → prepare pair of attention_fused as two processes on bounded FIFOs (blocking reads and writes,
 * Kahn semantics: the outcome does not depend on the schedule): finalize forwards step j's scores at its slot 0 and
 * writes a finished row's (1/s, m) `finInFlight` iterations after its slot (the pipeline depth between the two
 * writes); prepare reads step j's scores, then at slot o == kk the info of row bP+o when that row exists. True when
 * both run to the end with FIFOs of `scoreDepth` steps and `infoDepth` rows, false on a deadlock.
 */
export function attnFusedFifosDrain(n: number, p: number, finInFlight: number, scoreDepth: number, infoDepth: number): boolean {
  type Ev = { write: boolean; fifo: 0 | 1 };
  const nb = attnQBlocks(n, p);
  const fin: Array<{ at: number; late: number; ev: Ev }> = [];
  const prep: Ev[] = [];
  let i = 0;
  for (let b = 0; b < nb; b++)
    for (let k = 0; k < n; k++) {
      prep.push({ write: false, fifo: 0 });
      const fo = k === n - 1 ? 0 : k + 1 < p ? k + 1 : -1; // attn_finishing_slot
      for (let o = 0; o < p; o++, i++) {
        if (o === 0) fin.push({ at: i, late: 0, ev: { write: true, fifo: 0 } });
        const row = attnSlotRow(b, k, o, p);
        if (o === fo && row >= 0 && row < n) fin.push({ at: i + finInFlight, late: 1, ev: { write: true, fifo: 1 } });
        if (k === o && b * p + o < n) prep.push({ write: false, fifo: 1 });
      }
    }
  fin.sort((a, b) => a.at - b.at || a.late - b.late); // a pipeline stalls as a whole: events in issue order
  const procs = [fin.map((e) => e.ev), prep];
  const fill = [0, 0];
  const cap = [scoreDepth, infoDepth];
  const pos = [0, 0];
  for (;;) {
    let moved = false;
    for (let x = 0; x < 2; x++) {
      const evs = procs[x]!;
      while (pos[x]! < evs.length) {
        const e = evs[pos[x]!]!;
        if (e.write ? fill[e.fifo]! >= cap[e.fifo]! : fill[e.fifo]! <= 0) break;
        fill[e.fifo] = fill[e.fifo]! + (e.write ? 1 : -1);
        pos[x] = pos[x]! + 1;
        moved = true;
      }
    }
    if (pos[0] === procs[0]!.length && pos[1] === procs[1]!.length) return true;
    if (!moved) return false;
  }
}
