// renderKernelSources: a plan's src/params.h, src/kernel.cpp and the kernel library headers, as relative path → text.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { cppType } from '../fixed.ts';
import { ON_CHIP_ARRAYS, patchIndexBits } from './build.ts';
import { attnStepWords, softmaxInfoWords } from './dram.ts';
import { linLoaderWrites, loaderShiftBits, planBanks } from './loops.ts';
import { routeLayout } from './route.ts';
import { STEP, OP_PATCH_EMBED } from './schedule.ts';
import { KERNEL_CPP, KERNEL_HEADERS, PARAMS_H } from './sources.ts';
import { URAM_CANDIDATES, linWeightBankings } from './storage.ts';
import { linMinIn, patchInputs } from './sizes.ts';
import type { Plan } from './types.ts';
import { GATE_ZERO_BIAS } from './weights.ts';

const TEMPLATES = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates');

/** Per-block tensor roles that get a WO_<ROLE>[DEPTH] table in params.h (state-dict suffix after 'blocks.{i}.'). */
export const BLOCK_ROLES = [
  'norm1.weight',
  'norm1.bias',
  'attn.q.weight',
  'attn.q.bias',
  'attn.k.weight',
  'attn.k.bias',
  'attn.v.weight',
  'attn.v.bias',
  'attn.proj.weight',
  'attn.proj.bias',
  'norm2.weight',
  'norm2.bias',
  'mlp.fc1.weight',
  'mlp.fc1.bias',
  'mlp.fc2.weight',
  'mlp.fc2.bias',
  'mlp.experts.htoh4.weight',
  'mlp.experts.htoh4.bias',
  'mlp.experts.h4toh.weight',
  'mlp.experts.h4toh.bias',
] as const;

/** C identifier of a per-block role or a global tensor: 'attn.q.weight' → 'WO_ATTN_Q_WEIGHT'. */
export function weightCName(role: string): string {
  return 'WO_' + role.replace(/^mlp\.experts\./, 'exp.').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

/** The view model params.h.hbs renders. */
export function paramsView(plan: Plan): Record<string, unknown> {
  const s = plan.sizes;
  const t = plan.types;
  const byName = new Map(plan.weights.map((w) => [w.name, w]));
  const size = (name: string, value: number, what: string) => ({ name, value, what });
  const loopII = (label: string) => plan.loops.find((l) => l.label === label)!.ii!;
  const banks = planBanks(s, t);
  const sizes = [
    size('DIM', s.dim, 'embedding dim D'),
    size('HEADS', s.heads, 'attention heads'),
    size('HEAD_DIM', s.headDim, 'D / HEADS'),
    size('TOKENS', s.tokens, 'tokens N including cls'),
    size('GRID_H', s.gridH, 'patch grid rows'),
    size('GRID_W', s.gridW, 'patch grid columns'),
    size('PATCH', s.patch, 'patch size p'),
    size('IN_CH', s.inCh, 'image channels C'),
    size('IMG_H', s.imgH, 'image height'),
    size('IMG_W', s.imgW, 'image width'),
    size('DEPTH', s.depth, 'transformer blocks'),
    size('MLP_HIDDEN', s.mlpHidden, 'dense MLP hidden size'),
    size('EXPERTS', s.experts, 'experts per MoE block'),
    size('TOP_K', s.topK, 'experts per token'),
    size('EXPERT_HIDDEN', s.expertHidden, 'expert hidden size'),
    size('TASKS', s.tasks, 'tasks (gates per MoE block)'),
    size('TILE_IN', s.tileIn, 'unified linear tile: inputs per cycle'),
    size('TILE_OUT', s.tileOut, 'unified linear tile: outputs per cycle'),
    size('ATTN_P', s.attnP, 'attention parallelism P (query rows in flight)'),
    size('Q_BLOCKS', s.qBlocks, 'query blocks ceil((N+P-1)/P)'),
    size('MAX_IMAGES', s.maxImages, 'images per kernel call (images and x regions)'),
    size('ACT_BITS', t.activation.containerBits, 'activation container bits in DRAM'),
    size('ACT_LANES', s.actLanes, 'activations per AXI word'),
    size('DIM_WORDS', s.dim / s.actLanes, 'AXI words per token of DIM activations'),
    size('TOKEN_BUF_WORDS', s.tokens * (s.dim / s.actLanes), 'AXI words of one [TOKENS][DIM] buffer'),
    size('IMAGE_WORDS', plan.regions.images.words / s.maxImages, 'AXI words per image'),
    size('LIN_MAX_IN', s.linMaxIn, 'widest linear input (row cache)'),
    size('LIN_MAX_OUT', s.linMaxOut, 'widest linear output (bias tile buffer)'),
    size('LIN_MIN_IN', linMinIn(s), 'narrowest linear input (row cache reuse distance)'),
    size('ATTN_FIN_II', loopII('qk_fin_slots'), 'II of attention finalize: ceil(rescale latency / P) (plan.loops)'),
    size('ATTN_AV_II', loopII('av_blocks'), 'II of softmax·V: ceil(accumulator RMW latency / (DIM/ACT_LANES)) (plan.loops)'),
    size('LIN_WLOAD_PORTS_II', loopII('lin_wload_ports'), 'II of the weight-port loader: its writes per weight bank over the bank\'s write ports (plan.loops)'),
    size('LIN_TILES_II', loopII('lin_tiles'), 'II of the linear compute loop: ceil(row cache RMW latency / fewest input tiles) (plan.loops)'),
    size('PE_MAC_II', loopII('pe_macs'), 'II of the patch MAC loop: ceil(sum RMW latency / its update distance) (plan.loops)'),
    size('GATE_W_BANKS', banks.gateW, 'gate weight column banks: lcm(ACT_LANES, WLIN_LANES)'),
    size('LN_PARAM_BANKS', banks.lnParam, 'LayerNorm gamma / beta banks: lcm(ACT_LANES, WBIAS_LANES)'),
    size('PE_B_BANKS', banks.peBias, 'patch bias banks: lcm(PE_DIMS, WBIAS_LANES)'),
    size('LIN_B_BANKS', banks.linBias, 'linear bias banks: lcm(TILE_OUT, WATTNB_LANES, WBIAS_LANES)'),
    size('GATE_SOFTMAX_II', loopII('gate_softmax_topk'), 'II of the gate online softmax: its rescale latency (plan.loops)'),
    size('LIN_WBUF_TILES', s.linWeightTiles, 'TILE_OUT x TILE_IN tiles of one ping or pong weight buffer'),
    size('LIN_WLOAD_MAX_WORDS', (s.linWeightTiles * s.tileIn * s.tileOut) / t.linearWeight.lanes + 1, 'most words one weight load reads (loop tripcount)'),
    size('LIN_BLOAD_MAX_WORDS', Math.ceil(s.linMaxOut / Math.min(t.attnBias.lanes, t.bias.lanes)) + 1, 'most words one bias load reads (loop tripcount)'),
    size('LIN_OUT_TILES_MAX', s.linMaxOut / s.tileOut, 'most output tiles of a linear layer (loop tripcount)'),
    size('LIN_IN_TILES_MAX', s.linMaxIn / s.tileIn, 'most input tiles of a linear layer (loop tripcount)'),
    size('HIDDEN_WIDTH', s.hiddenWidth, 'widest hidden row'),
    size('PE_PATCHES', s.pePatches, 'patch embed: patches per cycle'),
    size('PE_DIMS', s.peDims, 'patch embed: output dims per cycle'),
    size('CLS_FOLDED', plan.config.model.cls === 'folded' ? 1 : 0, '1: cls_token is folded into pos_embed row 0'),
    size('ATTN_STEP_WORDS', attnStepWords(s), 'attn region words per (query block, key) step'),
    size('SOFTMAX_INFO_WORDS', softmaxInfoWords(s), 'softmaxInfo words per token'),
    size('MOE_ROUTE_ROW_WORDS', routeLayout(s).rowWords, 'words per token of the MoE routing record (trace builds only, trace_hook.h)'),
  ];
  // Per-tensor types: each tensor's left shift into its class's on-chip union type (precision.ts); 0 without overrides.
  // A tensor with per-channel scales also carries its scale table's word offset (from the tensor's start) above bit 8.
  const shiftOf = (name: string) => {
    const w = byName.get(name);
    return w ? w.shift + (w.scale ? w.scale.wordOffset * 256 : 0) : 0;
  };
  const wsc = t.linearWeight.scale;
  // hardware.patchEmbed = 'unified' (absent for 'own', so those params.h stay as they were).
  if (s.patchUnified) {
    sizes.push(
      size('PATCH_UNIFIED', 1, "1: the patch embedding runs on the unified linear unit (hardware.patchEmbed 'unified')"),
      size('PE_K', patchInputs(s), 'inputs per patch C·p·p: the patch matrix [DIM][PE_K] on the linear unit'),
    );
  }
  // hardware.gate = 'unified' (absent for 'own').
  if (s.gateUnified) {
    sizes.push(
      size('GATE_LOGIT_WORDS', s.experts / s.actLanes, "words per token of the gate logits the linear unit writes (hardware.gate 'unified')"),
    );
  }
  sizes.push(
    ...(s.weightPorts > 1 ? [size('WEIGHT_PORTS', s.weightPorts, 'weight ports of the linear loader: matrix rows alternate over the weights regions (hardware.weightPorts)')] : []),
    size('WLIN_SCALED', wsc ? 1 : 0, '1: linear / expert / gate rows carry their own scale (a 16-bit table after each matrix)'),
    size('WLIN_SCALE_BITS', wsc?.scaleBits ?? 0, 'mantissa bits of a row scale (0: a power of two, no product)'),
    size('WLIN_SCALE_LANES', s.axiBits / 16, '16-bit row-scale entries per AXI word'),
    size('LIN_SLOAD_MAX_WORDS', Math.ceil(Math.max(s.linMaxOut, s.experts) / (s.axiBits / 16)) + 1, 'most words one row-scale load reads (loop tripcount)'),
  );
  // Bits of each loader class's largest shift (0: every shift 0, so its lanes get no shifter at all).
  const sb = loaderShiftBits(plan.weights);
  const shiftBits = (cls: keyof typeof sb) => sb[cls];
  sizes.push(
    size('WS_BITS_WLIN', shiftBits('linearWeight'), 'bits of the largest linear / gate weight shift (0: no loader shifter)'),
    size('WS_BITS_WATTNB', shiftBits('attnBias'), 'bits of the largest attention-bias shift (0: no loader shifter)'),
    size('WS_BITS_WBIAS', shiftBits('bias'), 'bits of the largest bias / LayerNorm parameter shift (0: no loader shifter)'),
    size('WS_BITS_WPATCH', shiftBits('patchWeight'), 'bits of the largest patch weight shift (0: no loader shifter)'),
  );
  const globalShifts = ['patch_embed.proj.weight', 'patch_embed.proj.bias'].map((name) => ({ cname: weightCName(name).replace(/^WO_/, 'WS_'), name, value: shiftOf(name) }));
  const blockShifts = BLOCK_ROLES.map((role) => ({
    cname: weightCName(role).replace(/^WO_/, 'WS_'),
    values: Array.from({ length: s.depth }, (_, i) => shiftOf(`blocks.${i}.${role}`)).join(', '),
  }));
  const gateShiftRows = Array.from({ length: s.depth }, (_, i) => '{' + Array.from({ length: s.tasks }, (_, k) => shiftOf(`blocks.${i}.mlp.gate.${k}.w_gate`)).join(', ') + '}').join(', ');
  const ownTypes = plan.weights
    .filter((w) => w.ctype !== cppType(plan.config.precision[w.cls]))
    .map((w) => ({ name: w.name, ctype: w.ctype, typeName: w.typeName, shift: w.shift }));
  const lanes = [
    { name: 'WLIN', bits: t.linearWeight.containerBits, lanes: t.linearWeight.lanes, w: t.linearWeight.storedW },
    { name: 'WATTNB', bits: t.attnBias.containerBits, lanes: t.attnBias.lanes, w: t.attnBias.storedW },
    { name: 'WBIAS', bits: t.bias.containerBits, lanes: t.bias.lanes, w: t.bias.storedW },
    { name: 'WPATCH', bits: t.patchWeight.containerBits, lanes: t.patchWeight.lanes, w: t.patchWeight.storedW },
    { name: 'PIXEL', bits: t.pixel.containerBits, lanes: t.pixel.lanes, w: t.pixel.storedW },
  ];
  const globals = ['patch_embed.proj.weight', 'patch_embed.proj.bias', 'pos_embed', 'cls_token', ...(s.gateUnified ? [GATE_ZERO_BIAS] : [])];
  const globalWeights = globals.map((name) => {
    const w = byName.get(name);
    return { cname: weightCName(name), name, wordOffset: w ? w.wordOffset : -1, shapeText: w ? `[${w.shape.join(',')}]` : '(absent)' };
  });
  const blockWeights = BLOCK_ROLES.map((role) => ({
    cname: weightCName(role),
    values: Array.from({ length: s.depth }, (_, i) => byName.get(`blocks.${i}.${role}`)?.wordOffset ?? -1).join(', '),
  }));
  const gateRows = Array.from(
    { length: s.depth },
    (_, i) => '{' + Array.from({ length: s.tasks }, (_, k) => byName.get(`blocks.${i}.mlp.gate.${k}.w_gate`)?.wordOffset ?? -1).join(', ') + '}',
  ).join(', ');
  const moe = new Set(plan.moeBlocks);
  return {
    configs: [...instanceConfigs(plan), ...contractConfigs(plan, [...sizes, ...lanes.flatMap(laneSizes)])],
    name: plan.name,
    types: Object.values(t).map((x) => ({ name: x.name, cpp: x.cpp, cls: x.cls, containerBits: x.cls === 'accumulator' ? 0 : x.containerBits })),
    axiBits: s.axiBits,
    pidxBits: patchIndexBits(s.tokens),
    lanes,
    sizes,
    regions: Object.values(plan.regions).map((r) => ({ ...r, onChip: r.onChip === true, cname: r.name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() })),
    globalWeights,
    blockWeights,
    depth: s.depth,
    gateRows,
    globalShifts,
    blockShifts,
    gateShiftRows,
    ownTypes,
    isMoe: Array.from({ length: s.depth }, (_, i) => (moe.has(i) ? 'true' : 'false')).join(', '),
    constants: plan.constants,
    opPatchEmbed: OP_PATCH_EMBED,
    opsPerBlock: plan.opsPerBlock,
    numOps: plan.ops.length,
    steps: Object.entries(STEP).map(([k, v]) => ({ name: k.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase(), value: v })),
  };
}

/** A per-instance config struct of params.h (hls4ml's CONFIG_T): the types and sizes one library call site is
 *  instantiated with, so the headers read nothing from params.h. */
interface InstanceConfig {
  name: string;
  what: string;
  types: Array<{ name: string; cpp: string }>;
  ints: Array<{ name: string; ctype: 'int' | 'long long'; value: number | string; what: string }>;
}

/** The config structs kernel.cpp instantiates the library with, from the plan. */
export function instanceConfigs(plan: Plan): InstanceConfig[] {
  const s = plan.sizes;
  const t = plan.types;
  const word = { name: 'word_t', cpp: '::word_t' };
  const act = { name: 'act_t', cpp: `::${t.activation.name}` };
  const int = (name: string, value: number | string, what: string) => ({ name, ctype: 'int' as const, value, what });
  const tokenBuf = [int('N', s.tokens, 'tokens'), int('DIM', s.dim, 'features per token'), int('ACT_LANES', s.actLanes, 'activations per word')];
  const eps = plan.constants.find((c) => c.name === 'LN_EPS_Q48')!;
  const loopII = (label: string) => plan.loops.find((l) => l.label === label)!.ii!;
  const sb = loaderShiftBits(plan.weights);
  return [
    {
      name: 'attn_config',
      what: plan.attnFifos ? "reordered_attention.h: attention_fused of every block (hardware.attention 'fused')" : 'reordered_attention.h: attention_qk and attention_av of every block',
      types: [act, { name: 'acc_t', cpp: `::${t.accumulator.name}` }, word],
      ints: [
        int('N', s.tokens, 'tokens'),
        int('DIM', s.dim, 'features per token'),
        int('HEADS', s.heads, 'attention heads'),
        int('P', s.attnP, 'query rows in flight'),
        int('ACT_LANES', s.actLanes, 'activations per word'),
        int('FIN_II', loopII('qk_fin_slots'), 'II of attention finalize: ceil(rescale latency / P) (plan.loops)'),
        int('AV_II', loopII('av_blocks'), 'II of softmax·V: ceil(accumulator RMW latency / (DIM/ACT_LANES)) (plan.loops)'),
        ...(plan.attnFifos
          ? [
              int('SCORE_DEPTH', plan.attnFifos.scoreDepth, 'attention_fused scores FIFO (steps): N-1 + 2 x finalize steps in flight + 1 (kernels/attention.ts), rounded up to what its block RAM holds'),
              int('INFO_DEPTH', plan.attnFifos.infoDepth, 'attention_fused (1/s, m) FIFO (rows)'),
            ]
          : []),
      ],
    },
    {
      name: 'pe_config',
      what: 'patch_embed.h: the patch embedding and its one-time weight load',
      types: [
        act,
        { name: 'acc_t', cpp: `::${t.accumulator.name}` },
        { name: 'wpatch_t', cpp: `::${t.patchWeight.name}` },
        { name: 'wbias_t', cpp: `::${t.bias.name}` },
        { name: 'pixel_t', cpp: `::${t.pixel.name}` },
        word,
      ],
      ints: [
        int('DIM', s.dim, 'features per token'),
        int('IN_CH', s.inCh, 'image channels'),
        int('PATCH', s.patch, 'patch size'),
        int('GRID_H', s.gridH, 'patch grid rows'),
        int('GRID_W', s.gridW, 'patch grid columns'),
        int('IMG_H', s.imgH, 'image height'),
        int('IMG_W', s.imgW, 'image width'),
        int('ACT_LANES', s.actLanes, 'activations per word'),
        int('CLS_FOLDED', plan.config.model.cls === 'folded' ? 1 : 0, '1: cls_token is folded into pos_embed row 0'),
        int('PE_PATCHES', s.pePatches, 'patches per MAC cycle'),
        int('PE_DIMS', s.peDims, 'output dims per MAC cycle'),
        int('WPATCH_BITS', t.patchWeight.containerBits, 'container bits of a stored patch weight'),
        int('WPATCH_W', t.patchWeight.storedW, 'stored raw bits per patch weight'),
        int('WBIAS_BITS', t.bias.containerBits, 'container bits of a stored bias element'),
        int('WBIAS_W', t.bias.storedW, 'stored raw bits per bias element'),
        int('PIXEL_BITS', t.pixel.containerBits, 'container bits of a pixel'),
        int('MAC_II', loopII('pe_macs'), 'II of the patch MAC loop: ceil(sum RMW latency / its update distance) (plan.loops)'),
        int('WS_BITS_WPATCH', sb.patchWeight, 'bits of the largest patch weight shift (0: no loader shifter)'),
        int('WS_BITS_WBIAS', sb.bias, 'bits of the largest bias shift (0: no loader shifter)'),
      ],
    },
    { name: 'residual_config', what: 'residual_add.h: both residual adds of a block', types: [act, word], ints: tokenBuf },
    {
      name: 'ln_config',
      what: 'layernorm.h: LN1 and LN2 of every block',
      types: [act, { name: 'wbias_t', cpp: `::${t.bias.name}` }, word],
      ints: [
        ...tokenBuf,
        int('WBIAS_BITS', t.bias.containerBits, 'container bits of a stored gamma / beta element'),
        int('WBIAS_W', t.bias.storedW, 'stored raw bits per gamma / beta element'),
        int('PARAM_BANKS', planBanks(s, t).lnParam, 'gamma / beta banks: lcm(ACT_LANES, WBIAS_LANES)'),
        int('WS_BITS_WBIAS', sb.bias, 'bits of the largest gamma / beta shift (0: no loader shifter)'),
        { name: 'EPS_Q48', ctype: 'long long', value: eps.raw, what: eps.what },
      ],
    },
  ];
}

/** A packed type's three params.h sizes (<NAME>_BITS, _LANES, _W). */
function laneSizes(l: { name: string; bits: number; lanes: number; w: number }): Array<{ name: string; value: number; what: string }> {
  return [
    { name: `${l.name}_BITS`, value: l.bits, what: 'container bits of a stored element' },
    { name: `${l.name}_LANES`, value: l.lanes, what: 'elements per word' },
    { name: `${l.name}_W`, value: l.w, what: 'stored raw bits per element' },
  ];
}

/** The configs of unified_linear.h (linear_config) and patch_reordering.h (moe_config): their members keep the
 *  params.h names of the kernel contract, with the same values (taken from the same size list). */
function contractConfigs(plan: Plan, sizes: Array<{ name: string; value: number; what: string }>): InstanceConfig[] {
  const t = plan.types;
  const byName = new Map(sizes.map((x) => [x.name, x]));
  const pick = (names: string[]) =>
    names.map((n) => {
      const x = byName.get(n);
      if (!x) throw new Error(`contractConfigs: no params.h size ${n}`);
      return { name: n, ctype: 'int' as const, value: x.value, what: x.what };
    });
  const ty = (name: string, cpp: string) => ({ name, cpp });
  const act = ty('act_t', `::${t.activation.name}`);
  const acc = ty('acc_t', `::${t.accumulator.name}`);
  const wlin = ty('wlin_t', `::${t.linearWeight.name}`);
  const word = ty('word_t', '::word_t');
  const pidx = ty('pidx_t', '::pidx_t');
  const wlinInts = ['WLIN_BITS', 'WLIN_LANES', 'WLIN_W', 'WLIN_SCALED', 'WLIN_SCALE_BITS', 'WLIN_SCALE_LANES', 'WS_BITS_WLIN', 'LIN_SLOAD_MAX_WORDS'];
  return [
    {
      name: 'linear_config',
      what: 'unified_linear.h: the one linear unit (Q, K, V, proj, dense MLP, experts)',
      types: [act, acc, wlin, ty('wattnb_t', `::${t.attnBias.name}`), ty('wbias_t', `::${t.bias.name}`), word, pidx, ...(plan.sizes.patchUnified ? [ty('pixel_t', `::${t.pixel.name}`)] : [])],
      ints: pick([
        'TOKENS', 'EXPERTS', 'DIM', 'MLP_HIDDEN', 'EXPERT_HIDDEN', 'ACT_LANES', 'ACT_BITS', 'TILE_IN', 'TILE_OUT',
        'LIN_WBUF_TILES', 'LIN_MAX_IN', 'LIN_MAX_OUT', 'LIN_MIN_IN', 'LIN_IN_TILES_MAX', 'LIN_OUT_TILES_MAX', 'LIN_TILES_II', 'LIN_WLOAD_PORTS_II',
        'LIN_WLOAD_MAX_WORDS', 'LIN_BLOAD_MAX_WORDS', ...wlinInts, ...(plan.sizes.weightPorts > 1 ? ['WEIGHT_PORTS'] : []),
        ...(plan.sizes.patchUnified ? ['PATCH_UNIFIED', 'IN_CH', 'PATCH', 'GRID_H', 'GRID_W', 'IMG_H', 'IMG_W', 'PIXEL_BITS'] : []),
        'WATTNB_BITS', 'WATTNB_LANES', 'WATTNB_W', 'WBIAS_BITS', 'WBIAS_LANES', 'WBIAS_W', 'WS_BITS_WATTNB', 'WS_BITS_WBIAS',
      ]),
    },
    {
      name: 'moe_config',
      what: 'patch_reordering.h: the MoE gate and the expert loop (on the linear unit of lin_config)',
      types: [act, acc, wlin, word, pidx, ty('lin_config', '::linear_config')],
      ints: pick([
        'TOKENS', 'EXPERTS', 'TOP_K', 'DIM', 'DIM_WORDS', 'TOKEN_BUF_WORDS', 'EXPERT_HIDDEN', 'ACT_LANES', 'ACT_BITS', 'GATE_SOFTMAX_II', ...wlinInts,
        ...(plan.sizes.gateUnified ? ['GATE_LOGIT_WORDS'] : []),
      ]),
    },
  ];
}

/** The lin_wbuf banking fields kernel.cpp.hbs reads (all false / empty without a packing). */
function linBankingView(plan: Plan): Record<string, unknown> {
  const k = plan.buffers.find((b) => b.name === 'lin_wbuf')?.banking;
  const lanes = linWeightBankings(plan.sizes, plan.types)[0]!;
  return {
    rowWords: k?.kind === 'row-words',
    rowPairs: k?.kind === 'row-pairs',
    rowBanks: plan.sizes.tileOut / 2,
    why: k?.why ?? '',
    ramb18: k?.ramb18 ?? lanes.ramb18,
    lanesRamb18: lanes.ramb18,
    ramType: k?.tdp ? 'ram_t2p' : 'ram_2p',
    portWhy: k?.tdp ? 'the loader writes two words of a bank per cycle: true dual-port' : 'one word written (the loader) or read (the engine) per cycle: simple dual-port, 512 x 36 aspect per RAMB18',
    // Who writes a row-pair bank per cycle (storage.ts linLoaderWrites): one row with one port, both rows of the pair
    // with several (the port loader fills weightPorts rows of a tile per cycle).
    pairLoader:
      plan.sizes.weightPorts > 1
        ? `The ${plan.sizes.weightPorts}-port loader writes ${plan.sizes.weightPorts} tile rows per cycle, both rows of a pair`
        : 'The loader writes one tile row per cycle',
    pairWrites: k?.kind === 'row-pairs' ? linLoaderWrites(plan.sizes, plan.types, 'row-pairs') : 0,
  };
}

/** The view model kernel.cpp.hbs renders. */
export function kernelView(plan: Plan): Record<string, unknown> {
  // hardware.weightPorts > 1: the extra weight regions' pointers (wmem1 …) beside wmem on every weight load.
  const n = plan.sizes.weightPorts;
  const wx = Array.from({ length: n - 1 }, (_, i) => ({ k: i + 1 }));
  const moePart = (tensor: string) => [1, 2, 3].map((k) => (k < n ? `wmem${k} + ${tensor}[i]` : '0')).join(', ');
  return {
    weightPorts: n,
    wx,
    // hardware.patchEmbed = 'unified': the patch embedding on linear_unit_step (its use_patch argument), and the
    // zero pointers that fill linear_step's unused weight-port arguments before it.
    peUnified: plan.sizes.patchUnified === true,
    // hardware.gate = 'unified': the gate's logits on linear_unit_step (its weights prefetched during proj), then moe_route.
    gateUnified: plan.sizes.gateUnified === true,
    // hardware.attention = 'fused': V into hidden, then attention_fused (one DATAFLOW region, scores on chip).
    attnFused: plan.sizes.attnFused === true,
    wxArgs: wx.map(({ k }) => `, wmem${k}`).join(''),
    // linear_step's three port pointers, always real ones (no null m_axi pointer through a non-inlined function):
    // a design with fewer ports repeats wmem_next (one port) or wmem_next1 (two).
    stepPorts: [1, 2, 3].map((k) => `, wmem_next${k < n ? k : n > 1 ? 1 : ''}`).join(''),
    moeArgs: n > 1 ? `, ${moePart('WO_EXP_HTOH4_WEIGHT')}, ${moePart('WO_EXP_H4TOH_WEIGHT')}` : '',
    name: plan.name,
    kernel: plan.kernelName,
    axiBits: plan.sizes.axiBits,
    bundles: plan.bundles.map((b) => ({
      name: b.name,
      depth: b.bytes / (plan.sizes.axiBits / 8),
      // An empty region (attn / softmaxInfo under hardware.attention 'fused') gets no pointer: nothing uses it.
      regions: b.regions.map((r) => ({ name: r.name, cname: r.name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase(), used: r.words > 0 })),
    })),
    scalars: plan.scalars,
    // Buffers the plan bound to UltraRAM (generator/plan/storage.ts): one bind_storage pragma each.
    uram: Object.fromEntries(URAM_CANDIDATES.map((n) => [n, plan.buffers.some((b) => b.name === n && b.storage === 'uram')])),
    // lin_wping / lin_wpong packing (generator/plan/storage.ts linWeightBanking), if any.
    linBanking: linBankingView(plan),
    // hardware.activations = 'onchip': the activation arrays (generator/plan/build.ts ON_CHIP_ARRAYS), their storage
    // (generator/plan/storage.ts) and the region pointers that name them.
    onchip: plan.sizes.actOnChip === true,
    onchipArrays: ON_CHIP_ARRAYS.filter(({ array }) => plan.buffers.some((b) => b.name === array)).map(({ array }) => {
      const b = plan.buffers.find((x) => x.name === array)!;
      return { array, words: b.elems, what: b.what, impl: b.storage === 'uram' ? 'uram' : 'bram' };
    }),
    onchipRegions: ON_CHIP_ARRAYS.filter(({ region }) => region !== 'x' && plan.regions[region].onChip && plan.regions[region].words > 0).map(({ array, region }) => ({ name: region, array, words: plan.regions[region].words })),
  };
}

function render(file: string, view: Record<string, unknown>): string {
  const tpl = Handlebars.compile(readFileSync(join(TEMPLATES, 'design', file), 'utf8'), { noEscape: true, strict: true });
  return tpl(view);
}

/** src/params.h, src/kernel.cpp and src/<kernel library headers> of a plan (deterministic). */
export function renderKernelSources(plan: Plan): Map<string, string> {
  const out = new Map<string, string>();
  out.set(PARAMS_H, render('params.h.hbs', paramsView(plan)));
  out.set(KERNEL_CPP, render('kernel.cpp.hbs', kernelView(plan)));
  for (const h of KERNEL_HEADERS) out.set(`src/${h}`, readFileSync(join(TEMPLATES, 'kernel', h), 'utf8'));
  return out;
}
