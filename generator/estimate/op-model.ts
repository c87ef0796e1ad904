// The per-op model of the estimator: each op of the plan as the pipelined loops the kernel library runs, each tied to
// its row of the plan's hardware description (generator/plan/loops.ts: declared II, depth, m_axi kind), grouped the
// way the C++ runs them: sequential stages, each a set of concurrent processes (a DATAFLOW region, or linear_step's
// compute beside the next layer's weight load), each process a sequence of loops. Trip counts come from
// generator/kernels/* (the formulas the C++ headers tick with); the ticking loops of an op must add up to the plan's
// trips (checked here, and against csim by test/csim).
//
// Cycle model (assumptions, listed in generator/estimate/README.md): a loop of T iterations at II entered k times costs
// T·II + k·(depth − 1 + LOOP_OVERHEAD) + k·(its m_axi latency): a burst read or write pays M_AXI_LATENCY once per
// entry, a read-modify-write twice; a 'gather' loop (data-dependent row addresses, no burst inferred) issues
// single-beat requests with M_AXI_OUTSTANDING in flight, so its effective II is max(II, ⌈latency / outstanding⌉).
// A process costs the sum of its loops, a stage the slowest of its processes, an op the sum of its stages.
import { WEIGHT_PART_REGIONS, type PlanRegionName } from '../config/schema.ts';
import { attnQBlocks } from '../kernels/attention.ts';
import { computeLinearTrips, loadLinearBiasTrips, loadLinearWeightsTrips, wordsSpanned } from '../kernels/linear.ts';
import { moeExpertsTrips, type MoeSizes } from '../kernels/moe.ts';
import { patchEmbedLoadTrips } from '../kernels/patch-embed.ts';
import { attnStepWords, softmaxInfoWords } from '../plan/dram.ts';
import type { Plan, PlanOp } from '../plan/index.ts';
import { STEP } from '../plan/schedule.ts';
import { patchInputs } from '../plan/sizes.ts';

/** Cycles a pipelined loop costs per entry beyond its iterations, besides its depth (loop entry/exit). */
export const LOOP_OVERHEAD = 2;
/** First-word latency of an m_axi read, and of a write's response (run_hls.tcl: config_interface -m_axi_latency 64). */
export const M_AXI_LATENCY = 64;
/** Outstanding single-beat requests of an m_axi adapter (the Vitis default num_read_outstanding = 16). */
export const M_AXI_OUTSTANDING = 16;

/** How a loop's m_axi accesses are issued: its description's kind, or 'gather' for data-dependent row addresses. */
export type AccessKind = 'read' | 'write' | 'rmw' | 'gather' | 'none';

/** One pipelined loop of an op, as run. */
export interface LoopNest {
  what: string;
  /** Label of its row in plan.loops. */
  loop: string;
  /** Iterations per image. */
  trips: number;
  /** Times the loop is entered. */
  entries: number;
  /** Declared II and assumed depth (from plan.loops). */
  ii: number;
  depth: number;
  access: AccessKind;
  /** Its iterations are EDGEMOE_TICKs (counted by csim). */
  ticks: boolean;
  /** Weight / bias / parameter load (hidden under compute in Edge-MoE's ideal model). */
  load: boolean;
  /** Sequential stage within the op, and the process within the stage (processes of a stage run concurrently). */
  stage: number;
  proc: string;
}

/** Words an op reads and writes per DRAM region. */
export type Traffic = Partial<Record<PlanRegionName, { read: number; write: number }>>;

/** The model of one op. */
export interface OpModel {
  op: PlanOp;
  nests: LoopNest[];
  traffic: Traffic;
  /** Useful multiply-accumulates (for the MAC/cycle figures). */
  macs: number;
}

/** How an MoE block's token-expert pairs fall on the experts. */
export interface MoeRouting {
  /** Tokens routed to each expert (length = experts; 0 = inactive). */
  queueLens: number[];
}

/** Queue lengths for `pairs` token-expert pairs spread as evenly as possible over `active` experts (the first ones). */
export function spreadPairs(experts: number, pairs: number, active: number): number[] {
  const a = Math.max(0, Math.min(experts, active, pairs));
  return Array.from({ length: experts }, (_, e) => (e < a ? Math.floor(pairs / a) + (e < pairs % a ? 1 : 0) : 0));
}

/** Expected number of distinct experts N tokens activate when each picks K of E uniformly: E·(1 − ((E−K)/E)^N). */
export function expectedActiveExperts(experts: number, topK: number, tokens: number): number {
  return experts * (1 - ((experts - topK) / experts) ** tokens);
}

const addTo = (t: Traffic, r: PlanRegionName, read: number, write: number) => {
  const cur = t[r] ?? { read: 0, write: 0 };
  t[r] = { read: cur.read + read, write: cur.write + write };
};

/** Effective II of a loop: its declared II, or the single-beat request rate of a gather loop. */
export function effectiveII(n: Pick<LoopNest, 'ii' | 'access'>): number {
  return n.access === 'gather' ? Math.max(n.ii, Math.ceil(M_AXI_LATENCY / M_AXI_OUTSTANDING)) : n.ii;
}

/** Cycles of one loop as modelled (iterations at the effective II, fill and m_axi latency per entry). */
export function nestCycles(n: LoopNest): number {
  if (n.trips <= 0) return 0;
  const lat = n.access === 'rmw' ? 2 * M_AXI_LATENCY : n.access === 'none' ? 0 : M_AXI_LATENCY;
  return n.trips * effectiveII(n) + n.entries * (n.depth - 1 + LOOP_OVERHEAD + lat);
}

/** Cycles of an op's nests: stages in sequence, the slowest process of each, a process's loops in sequence. `cost`
 *  gives a loop's cycles (nestCycles, or trips·II for the ideal). */
export function stagedCycles(nests: readonly LoopNest[], cost: (n: LoopNest) => number = nestCycles): number {
  const stages = new Map<number, Map<string, number>>();
  for (const n of nests) {
    const st = stages.get(n.stage) ?? new Map<string, number>();
    st.set(n.proc, (st.get(n.proc) ?? 0) + cost(n));
    stages.set(n.stage, st);
  }
  let total = 0;
  for (const st of stages.values()) total += Math.max(0, ...st.values());
  return total;
}

/** The loop nests and traffic of every op of the plan (per image); MoE expert ops use `routing` of their block. */
export function opModels(plan: Plan, routing: (block: number) => MoeRouting): OpModel[] {
  const s = plan.sizes;
  const t = plan.types;
  const lanes = s.actLanes;
  const dimW = s.dim / lanes;
  const rowW = (w: number) => Math.ceil(w / lanes);
  const wL = t.linearWeight.lanes;
  // Per-channel scales: each weight load first reads its rows' 16-bit scale entries (ticked with the load).
  const sL = t.linearWeight.scale?.lanes ?? 0;
  const desc = new Map(plan.loops.map((l) => [l.label, l]));
  const live = (a: string, b: string) => (desc.get(a)!.live ? a : b);
  // hardware.weightPorts > 1: the linear loader fills from one reader per weight port, a word of each per cycle.
  const ports = s.weightPorts;
  const wload = ports > 1 ? 'lin_wload_ports' : live('lin_wload_rows', 'lin_wload_words');
  const nest = (loop: string, what: string, trips: number, entries: number, stage: number, proc: string, o: { gather?: boolean; load?: boolean } = {}): LoopNest => {
    const d = desc.get(loop);
    if (!d) throw new Error(`estimate: loop ${loop} is not in the plan's hardware description`);
    return {
      what,
      loop,
      trips,
      entries: trips > 0 ? entries : 0,
      ii: d.ii ?? 1,
      depth: d.depth,
      access: o.gather ? 'gather' : d.axi,
      ticks: d.ticks,
      load: o.load ?? false,
      stage,
      proc,
    };
  };
  /** A linear weight load of [outDim][inDim] from element `start`: its trips, and its words on each weight port
   *  (the scale entries and part 0 on the weights region, part k on weights<k>). */
  const wLoad = (outDim: number, inDim: number, start: number) => loadLinearWeightsTrips(outDim, inDim, wL, start, sL, ports);
  const addWLoad = (traffic: Traffic, outDim: number, inDim: number, start: number) => {
    if (outDim <= 0) return;
    const part = wordsSpanned(start, outDim * inDim, wL) / ports;
    add(traffic, 'weights', wLoad(outDim, inDim, start), 0); // the scale entries and part 0
    for (const r of WEIGHT_PART_REGIONS.slice(0, ports - 1)) add(traffic, r, part, 0);
  };
  /** The nests of a linear weight load (the loader, and beside it one reader per weight port when there are several). */
  const wLoadNests = (what: string, outDim: number, inDim: number, start: number, stage: number, proc: string): LoopNest[] => {
    if (outDim <= 0) return [];
    const ns = [nest(wload, what, wLoad(outDim, inDim, start), 1, stage, proc, { load: true })];
    const part = wordsSpanned(start, outDim * inDim, wL) / ports;
    for (let k = 0; k < ports && ports > 1; k++) ns.push(nest('lin_wport_words', `${what}: port ${k} reader`, part, 1, stage, `${proc} port ${k}`));
    return ns;
  };
  // hardware.activations = 'onchip': the on-chip regions and the working x move no DRAM words; DRAM x is written by
  // the output writer only (counted on the last op, below).
  const onChip = (r: PlanRegionName) => s.actOnChip === true && (r === 'x' || plan.regions[r]?.onChip === true);
  const add = (t: Traffic, r: PlanRegionName, read: number, write: number) => {
    if (!onChip(r)) addTo(t, r, read, write);
  };
  const out: OpModel[] = [];
  const xTilesPerWord = lanes > s.tileIn ? lanes / s.tileIn : 1;
  const wordsPerYTile = s.tileOut >= lanes ? s.tileOut / lanes : 1;

  /** The compute of one linear pass (reader, tiles, writer; gathered rows) as one stage, plus the concurrent load. */
  const linearPass = (stage: number, rows: number, outDim: number, inDim: number, what: string, prefetch: [number, number, number] | null, gather: boolean): LoopNest[] => {
    const path = gather ? 'gather' : 'direct';
    const ns = [
      nest(`lin_read_${path}_steps`, `${what}: reader (${path})`, rows * rowW(inDim) * xTilesPerWord, 1, stage, 'reader'),
      nest('lin_tiles', `${what}: tiles`, computeLinearTrips(rows, outDim, inDim, s.tileIn, s.tileOut), 1, stage, 'compute'),
      nest(`lin_write_${path}_steps`, `${what}: writer (${path})`, rows * (outDim / s.tileOut) * wordsPerYTile, 1, stage, 'writer'),
    ];
    if (prefetch) ns.push(...wLoadNests(`${what}: next weights (prefetch)`, prefetch[0], prefetch[1], prefetch[2], stage, 'prefetch'));
    return ns;
  };

  for (const op of plan.ops) {
    const r = (i: number) => op.inputs[i]!;
    switch (op.kind) {
      case 'patch_embed': {
        if (s.patchUnified) {
          // hardware.patchEmbed = 'unified' (kernel.cpp): the patch matrix loads into ping (a pure load), its bias, the
          // unit over the patches (the patch reader beside the tiles and the direct writer into tmp1), then the
          // pos-embed pass (sums reader, pos_embed reader, writer into x).
          const K = patchInputs(s);
          const patches = s.gridH * s.gridW;
          const G = Math.min(s.axiBits / t.pixel.containerBits, s.patch);
          const xt = G >= s.tileIn ? G / s.tileIn : 1;
          const bWords = loadLinearBiasTrips(s.dim, t.bias.lanes);
          const traffic: Traffic = {};
          addWLoad(traffic, s.dim, K, 0);
          add(traffic, 'weights', bWords + s.tokens * dimW, 0); // bias, pos_embed (and cls row)
          add(traffic, 'images', patches * s.inCh * s.patch * (s.patch / G), 0); // one single-beat word per pixel group
          add(traffic, 'tmp1', patches * dimW, patches * dimW);
          add(traffic, 'x', 0, s.tokens * dimW);
          out.push({
            op,
            nests: [
              ...wLoadNests('patch weight load', s.dim, K, 0, 0, 'load'),
              nest('lin_bload_words', 'patch bias load', bWords, 1, 1, 'load', { load: true }),
              nest('lin_read_patch_steps', 'patch reader', patches * s.inCh * s.patch * (s.patch / G) * xt, 1, 2, 'reader'),
              nest('lin_tiles', 'patches: tiles', computeLinearTrips(patches, s.dim, K, s.tileIn, s.tileOut), 1, 2, 'compute'),
              nest('lin_write_direct_steps', 'patches: writer (direct)', patches * (s.dim / s.tileOut) * wordsPerYTile, 1, 2, 'writer'),
              nest('pe_read_sums_words', 'patch sums reader', patches * dimW, 1, 3, 'sums'),
              nest('pe_read_pos_words', 'pos_embed reader', s.tokens * dimW, 1, 3, 'pos'),
              nest('pe_write_words', 'pos add + write', s.tokens * dimW, 1, 3, 'writer'),
            ],
            traffic,
            macs: patches * s.dim * K,
          });
          break;
        }
        const groups = s.gridW / s.pePatches;
        const steps = s.gridH * s.inCh * s.patch * groups;
        const mac = steps * (s.dim / s.peDims);
        const traffic: Traffic = {};
        add(traffic, 'images', Math.ceil((s.inCh * s.imgH * s.imgW) / t.pixel.lanes), 0);
        add(traffic, 'weights', s.tokens * dimW, 0); // pos_embed (and cls row)
        add(traffic, 'x', 0, s.tokens * dimW);
        out.push({
          op,
          nests: [
            nest('pe_read_groups', 'image reader', steps, 1, 0, 'reader'),
            nest('pe_macs', 'patch MACs', mac, s.gridH, 0, 'compute'),
            nest('pe_emit_words', 'patch row sums out', s.gridH * s.gridW * dimW, s.gridH, 0, 'compute'),
            nest('pe_read_pos_words', 'pos_embed reader', s.tokens * dimW, 1, 0, 'pos'),
            nest('pe_write_words', 'pos add + write', s.tokens * dimW, 1, 0, 'writer'),
          ],
          traffic,
          macs: (s.tokens - 1) * s.dim * s.inCh * s.patch * s.patch,
        });
        break;
      }
      case 'layernorm': {
        const perWord = s.axiBits / t.bias.containerBits; // the stored container (the on-chip union type may be wider)
        const pw = Math.ceil(s.dim / perWord);
        const traffic: Traffic = {};
        add(traffic, 'weights', 2 * pw, 0);
        add(traffic, r(0), s.tokens * dimW, 0);
        add(traffic, op.output!, 0, s.tokens * dimW);
        const w = s.tokens * dimW;
        out.push({
          op,
          nests: [
            nest('ln_load_words', 'gamma/beta load', 2 * pw, 2, 0, 'load', { load: true }),
            nest('ln_read_words', 'reader', w, 1, 1, 'reader'),
            nest('ln_pass1', 'statistics', w, 1, 1, 'pass1'),
            nest('ln_pass2', 'normalise', w, 1, 1, 'pass2'),
            nest('ln_write_words', 'writer', w, 1, 1, 'writer'),
          ],
          traffic,
          macs: 3 * s.tokens * s.dim,
        });
        break;
      }
      case 'linear':
      case 'linear_gelu': {
        const [outDim, inDim] = op.kind === 'linear_gelu' ? [s.mlpHidden, s.dim] : op.inputs[0] === 'hidden' ? [s.dim, s.mlpHidden] : [s.dim, s.dim];
        // q/k/v/proj carry attention biases; the dense MLP layers (FFN steps) the MLP bias type.
        const biasLanes = op.step === STEP.ffn1 || op.step === STEP.ffn2 ? t.bias.lanes : t.attnBias.lanes;
        const moe = plan.moeBlocks.includes(op.block!);
        // linear_step's double buffering (kernel.cpp): Q loads its own weights, each linear prefetches the next one's.
        const own = op.step === STEP.q;
        const next: [number, number, number] | null =
          op.step === STEP.q || op.step === STEP.k || op.step === STEP.v ? [s.dim, s.dim, 0] : op.step === STEP.proj ? (moe ? (s.gateUnified ? [s.experts, s.dim, 0] : null) : [s.mlpHidden, s.dim, 0]) : op.step === STEP.ffn1 ? [s.dim, s.mlpHidden, 0] : null;
        const bWords = loadLinearBiasTrips(outDim, biasLanes);
        const traffic: Traffic = {};
        add(traffic, 'weights', bWords, 0);
        if (own) addWLoad(traffic, outDim, inDim, 0);
        if (next) addWLoad(traffic, next[0], next[1], 0);
        add(traffic, r(0), s.tokens * rowW(inDim), 0);
        add(traffic, op.output!, 0, s.tokens * rowW(outDim));
        const nests: LoopNest[] = [];
        if (own) nests.push(...wLoadNests('weight load', outDim, inDim, 0, 0, 'load'));
        nests.push(nest('lin_bload_words', 'bias load', bWords, 1, 1, 'load', { load: true }));
        nests.push(...linearPass(2, s.tokens, outDim, inDim, 'linear', next, false));
        out.push({ op, nests, traffic, macs: s.tokens * outDim * inDim });
        break;
      }
      case 'qk_softmax':
      case 'attn_v': {
        const nb = attnQBlocks(s.tokens, s.attnP);
        const steps = nb * s.tokens;
        const ws = attnStepWords(s);
        const wi = softmaxInfoWords(s);
        const scoreWords = steps * ws;
        const infoWords = s.tokens * wi;
        const traffic: Traffic = {};
        let nests: LoopNest[];
        // The compute process zeroes its P slots' arrays before it takes its first word; the other processes fill
        // their depth-2 FIFOs and wait on it: the zeroing is a stage (0) before the region's (1). It overlaps only the
        // readers' first m_axi latency, so this is high by at most that per call.
        if (op.kind === 'qk_softmax') {
          add(traffic, 'tmp2', s.tokens * dimW, 0); // each q row streams in once
          add(traffic, 'tmp3', steps * dimW, 0); // one K block per cycle, K re-read per q-block
          add(traffic, 'attn', 0, scoreWords);
          add(traffic, 'softmaxInfo', 0, infoWords);
          nests = [
            nest('attn_read_q_words', 'Q reader', s.tokens * dimW, 1, 1, 'read q'),
            nest('attn_read_q_pad', 'Q padding', (nb * s.attnP - s.tokens) * dimW, 1, 1, 'read q'),
            nest('attn_read_kv_words', 'K reader', steps * dimW, nb, 1, 'read k'),
            nest('qk_init_slots', 'Q slots zeroed', s.attnP * dimW, 1, 0, 'compute'),
            nest('qk_blocks', 'Q·Kᵀ', steps * dimW, 1, 1, 'compute'),
            nest('qk_fin_slots', 'finalize (online softmax)', steps * s.attnP, 1, 1, 'finalize'),
            nest('attn_write_scores_words', 'score writer', scoreWords, 1, 1, 'write scores'),
            nest('attn_write_info_words', 'info writer', infoWords, 1, 1, 'write info'),
          ];
        } else {
          add(traffic, 'attn', scoreWords, 0);
          add(traffic, 'softmaxInfo', infoWords, 0);
          add(traffic, 'tmp2', steps * dimW, 0); // one V block per cycle
          add(traffic, 'tmp1', 0, s.tokens * dimW);
          nests = [
            nest('attn_read_scores_words', 'score reader', scoreWords, 1, 1, 'read scores'),
            nest('attn_read_info_words', 'info reader', infoWords, 1, 1, 'read info'),
            nest('attn_read_kv_words', 'V reader', steps * dimW, nb, 1, 'read v'),
            nest('av_prep_slots', 'prepare (probabilities)', steps * s.attnP, 1, 1, 'prepare'),
            nest('av_init_acc', 'accumulators zeroed', s.attnP * dimW, 1, 0, 'compute'),
            nest('av_blocks', 'softmax·V', steps * dimW, 1, 1, 'compute'),
            nest('attn_write_out_words', 'writer', s.tokens * dimW, 1, 1, 'writer'),
          ];
        }
        out.push({ op, nests, traffic, macs: s.tokens * s.tokens * s.dim });
        break;
      }
      case 'attention': {
        // hardware.attention = 'fused' (attention_fused): the Q·Kᵀ side (readers, compute, finalize) and the
        // softmax·V side (V reader, prepare, compute, writer) as concurrent processes of one stage. Prepare needs a
        // row's (1/s, m) when it starts the row, N−1 key steps before finalize has it, so the softmax·V side starts a
        // q-block (N steps) after the Q·Kᵀ side and then keeps pace with it; when the Q·Kᵀ side is the slower one,
        // softmax·V still runs its last q-block after it. Either way the op costs
        // max(T_qk + N·step_av, N·step_qk + T_av) + fill: a step costs max(DIM/lanes · II, P · II of finalize / prepare).
        const nb = attnQBlocks(s.tokens, s.attnP);
        const steps = nb * s.tokens;
        const ii = (l: string) => desc.get(l)!.ii ?? 1;
        const depth = (l: string) => desc.get(l)!.depth;
        const stepQk = Math.max(dimW * ii('qk_blocks'), s.attnP * ii('qk_fin_slots'));
        const stepAv = Math.max(dimW * ii('av_blocks'), s.attnP * ii('av_prep_slots'));
        // N steps of the other side, through its pipelines (a wait, not a loop of the C++: no ticks, no m_axi).
        const wait = (what: string, loop: string, stepCycles: number, fill: number, proc: string): LoopNest => ({
          what, loop, trips: s.tokens, entries: 1, ii: stepCycles, depth: fill, access: 'none', ticks: false, load: false, stage: 0, proc,
        });
        // Each compute process first zeroes its slots' arrays. Q·Kᵀ's zeroing runs beside K's first-word latency.
        const qkInit = nest('qk_init_slots', 'Q slots zeroed', s.attnP * dimW, 1, 0, 'compute qk');
        // The first (1/s, m) also waits for K's first word (its m_axi latency) or Q·Kᵀ's zeroing, the later one.
        const lag = (proc: string) =>
          wait('waits a q-block for the first (1/s, m) (K read, Q·Kᵀ, finalize)', 'qk_fin_slots', stepQk, Math.max(M_AXI_LATENCY, nestCycles(qkInit)) + depth('qk_blocks') + depth('qk_fin_slots'), proc);
        // softmax·V zeroes its accumulators while it waits for its first probabilities: max(zeroing, lag), then its
        // blocks. The longer of the two runs in the compute process, the shorter beside it (a process of its own).
        const avInit = nest('av_init_acc', 'accumulators zeroed', s.attnP * dimW, 1, 0, 'compute av');
        const avLag = lag('compute av');
        const [avFirst, avBeside] = nestCycles(avInit) > nestCycles(avLag) ? [avInit, avLag] : [avLag, avInit];
        avBeside.proc = 'compute av (under its first wait)';
        const tail = (proc: string) => wait('the last q-block through softmax·V after it', 'av_blocks', stepAv, depth('av_prep_slots') + depth('av_blocks'), proc);
        const traffic: Traffic = {};
        add(traffic, r(0), s.tokens * dimW, 0); // Q rows once
        add(traffic, r(1), steps * dimW, 0); // K re-read per q-block
        add(traffic, r(2), steps * dimW, 0); // V re-read per q-block
        add(traffic, op.output!, 0, s.tokens * dimW);
        const nests: LoopNest[] = [
          nest('attn_read_q_words', 'Q reader', s.tokens * dimW, 1, 0, 'read q'),
          nest('attn_read_q_pad', 'Q padding', (nb * s.attnP - s.tokens) * dimW, 1, 0, 'read q'),
          nest('attn_read_kv_words', 'K reader', steps * dimW, nb, 0, 'read k'),
          qkInit,
          nest('qk_blocks', 'Q·Kᵀ', steps * dimW, 1, 0, 'compute qk'),
          tail('compute qk'),
          nest('qk_fin_slots', 'finalize (online softmax)', steps * s.attnP, 1, 0, 'finalize'),
          tail('finalize'),
          lag('read v'),
          nest('attn_read_kv_words', 'V reader', steps * dimW, nb, 0, 'read v'),
          lag('prepare'),
          nest('av_prep_slots', 'prepare (probabilities)', steps * s.attnP, 1, 0, 'prepare'),
          avBeside,
          avFirst,
          nest('av_blocks', 'softmax·V', steps * dimW, 1, 0, 'compute av'),
          lag('writer'),
          nest('attn_write_out_words', 'writer', s.tokens * dimW, 1, 0, 'writer'),
        ];
        out.push({ op, nests, traffic, macs: 2 * s.tokens * s.tokens * s.dim });
        break;
      }
      case 'residual_add': {
        const traffic: Traffic = {};
        add(traffic, 'x', s.tokens * dimW, s.tokens * dimW);
        add(traffic, r(1), s.tokens * dimW, 0);
        const w = s.tokens * dimW;
        if (s.actOnChip) {
          // One read-add-write process on the on-chip x (kernel.cpp's block_residual_add); after the last block the
          // output writer copies x to DRAM (a stage of its own, after the add).
          const last = op.block === s.depth - 1 && op.step === STEP.add2;
          if (last) addTo(traffic, 'x', 0, w);
          out.push({
            op,
            nests: [
              nest('residual_rmw_words', 'x += y (on chip)', w, 1, 0, 'add'),
              ...(last ? [nest('residual_out_words', 'output writer (x to DRAM)', w, 1, 1, 'write out')] : []),
            ],
            traffic,
            macs: 0,
          });
          break;
        }
        out.push({
          op,
          nests: [
            nest('residual_read_words', 'x reader', w, 1, 0, 'read x'),
            nest('residual_read_words', 'y reader', w, 1, 0, 'read y'),
            nest('residual_sum_words', 'x + y', w, 1, 0, 'add'),
            nest('residual_write_words', 'writer', w, 1, 0, 'write x'),
          ],
          traffic,
          macs: 0,
        });
        break;
      }
      case 'moe_gate': {
        if (s.gateUnified) {
          // hardware.gate = 'unified' (kernel.cpp): the zero bias, the logits on the unit over all tokens (its weights
          // loaded during attn proj) into the hidden region, then moe_route: its reader beside the store, softmax +
          // top-k, appends and metaqueue (one process, in sequence).
          const lw = s.experts / lanes;
          const bWords = loadLinearBiasTrips(s.experts, t.bias.lanes);
          const traffic: Traffic = {};
          add(traffic, 'weights', bWords, 0);
          add(traffic, 'tmp1', s.tokens * dimW, 0);
          add(traffic, 'hidden', s.tokens * lw, s.tokens * lw);
          out.push({
            op,
            nests: [
              nest('lin_bload_words', 'zero bias load', bWords, 1, 0, 'load', { load: true }),
              ...linearPass(1, s.tokens, s.experts, s.dim, 'gate logits', null, false),
              nest('gate_route_read_words', 'routing reader', s.tokens * lw, 1, 2, 'reader'),
              nest('gate_route_store', 'logit store', s.tokens * lw, 1, 2, 'route'),
              nest('gate_route_softmax', 'softmax + top-k (expert-major)', s.experts * s.tokens, 1, 2, 'route'),
              nest('gate_route_enqueue', 'queue appends', s.tokens * s.topK, 1, 2, 'route'),
              nest('gate_route_meta', 'metaqueue', s.experts, 1, 2, 'route'),
            ],
            traffic,
            macs: s.tokens * s.dim * s.experts,
          });
          break;
        }
        const load = loadLinearWeightsTrips(s.experts, s.dim, wL, 0, sL);
        const traffic: Traffic = {};
        add(traffic, 'weights', load, 0);
        add(traffic, 'tmp1', s.tokens * dimW, 0);
        out.push({
          op,
          nests: [
            nest(live('gate_load_rows', 'gate_load_words'), 'gate weight load', load, 1, 0, 'load', { load: true }),
            nest('gate_read_words', 'reader', s.tokens * dimW, 1, 1, 'reader'),
            nest('gate_logit_words', 'logits', s.tokens * dimW, s.tokens, 1, 'compute'),
            nest('gate_softmax_topk', 'softmax + top-k', s.tokens * s.experts, s.tokens, 1, 'compute'),
            nest('gate_enqueue', 'queue appends', s.tokens * s.topK, s.tokens, 1, 'compute'),
            nest('gate_metaqueue', 'metaqueue', s.experts, 1, 1, 'compute'),
          ],
          traffic,
          macs: s.tokens * s.dim * s.experts,
        });
        break;
      }
      case 'moe_experts': {
        const lens = routing(op.block!).queueLens;
        const H = s.expertHidden;
        const D = s.dim;
        const nests: LoopNest[] = [nest('moe_zero', 'zero output', s.tokens * dimW, 1, 0, 'zero')];
        const traffic: Traffic = {};
        add(traffic, 'tmp3', 0, s.tokens * dimW);
        let pairs = 0;
        const active = lens.map((n, e) => [n, e] as const).filter(([n]) => n > 0);
        let stage = 1;
        active.forEach(([n, e], a) => {
          pairs += n;
          const b1 = loadLinearBiasTrips(H, t.bias.lanes, e * H);
          const b2 = loadLinearBiasTrips(D, t.bias.lanes, e * D);
          if (a === 0) nests.push(...wLoadNests(`expert ${e} W1 (prologue)`, H, D, e * H * D, stage++, 'load'));
          const nextE = active[a + 1]?.[1];
          nests.push(nest('lin_bload_words', `expert ${e} b1`, b1, 1, stage++, 'load', { load: true }));
          nests.push(...linearPass(stage++, n, H, D, `expert ${e} FC1+GELU`, [D, H, e * D * H], true));
          nests.push(nest('lin_bload_words', `expert ${e} b2`, b2, 1, stage++, 'load', { load: true }));
          nests.push(...linearPass(stage++, n, D, H, `expert ${e} FC2·p`, nextE === undefined ? null : [H, D, nextE * H * D], true));
          addWLoad(traffic, H, D, e * H * D);
          addWLoad(traffic, D, H, e * D * H);
          add(traffic, 'weights', b1 + b2, 0);
          add(traffic, 'tmp1', n * dimW, 0);
          add(traffic, 'hidden', n * rowW(H), n * rowW(H));
          add(traffic, 'tmp3', n * dimW, n * dimW);
        });
        out.push({ op, nests, traffic, macs: pairs * 2 * H * D });
        break;
      }
      default: {
        const k: never = op.kind;
        throw new Error(`estimate: no model for op kind ${String(k)}`);
      }
    }
    // The model must tick exactly like the kernels: the plan's trips (MoE: all experts active) are the reference.
    const m = out[out.length - 1]!;
    const ticks = m.nests.filter((n) => n.ticks).reduce((a, n) => a + n.trips, 0);
    if (op.kind !== 'moe_experts') {
      if (ticks !== op.trips) throw new Error(`estimate: op ${op.name} models ${ticks} ticks, the plan says ${op.trips}`);
    } else {
      const want = moeExpertsTrips(moeSizes(plan), routing(op.block!).queueLens);
      if (ticks !== want) throw new Error(`estimate: op ${op.name} models ${ticks} ticks, moeExpertsTrips says ${want}`);
    }
  }
  return out;
}

/** The MoE sizes of a plan (generator/kernels/moe.ts). */
export function moeSizes(plan: Plan): MoeSizes {
  const s = plan.sizes;
  return {
    tokens: s.tokens,
    dim: s.dim,
    experts: s.experts,
    topK: s.topK,
    expertHidden: s.expertHidden,
    actLanes: s.actLanes,
    tileIn: s.tileIn,
    tileOut: s.tileOut,
    wLanes: plan.types.linearWeight.lanes,
    bLanes: plan.types.bias.lanes,
    sLanes: plan.types.linearWeight.scale?.lanes ?? 0,
    wPorts: s.weightPorts,
  };
}

/** The one-time load (reload = 1): patch-embed weights and bias, ticked under op 0. */
export function reloadModel(plan: Plan): { nests: LoopNest[]; words: number } {
  const s = plan.sizes;
  const t = plan.types;
  if (s.patchUnified) return { nests: [], words: 0 }; // hardware.patchEmbed = 'unified': nothing loads once
  const w = wordsSpanned(0, s.dim * s.inCh * s.patch * s.patch, t.patchWeight.lanes);
  const b = wordsSpanned(0, s.dim, t.bias.lanes);
  if (w + b !== patchEmbedLoadTrips({ dim: s.dim, inCh: s.inCh, patch: s.patch, gridH: s.gridH, gridW: s.gridW, actLanes: s.actLanes, pePatches: s.pePatches, peDims: s.peDims, wLanes: t.patchWeight.lanes, bLanes: t.bias.lanes })) {
    throw new Error('estimate: reload model disagrees with patchEmbedLoadTrips');
  }
  const d = new Map(plan.loops.map((l) => [l.label, l]));
  const wl = d.get('pe_wload_rows')!.live ? 'pe_wload_rows' : 'pe_wload_words';
  const mk = (loop: string, what: string, trips: number, stage: number): LoopNest => ({ what, loop, trips, entries: 1, ii: 1, depth: d.get(loop)!.depth, access: 'read', ticks: true, load: true, stage, proc: 'load' });
  return { nests: [mk(wl, 'patch weights', w, 0), mk('pe_bload_words', 'patch bias', b, 1)], words: w + b };
}
