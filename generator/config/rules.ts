// Hardware rules a schema-valid config must also satisfy; each violation names its field path.
import { isHdlKeyword } from '../build/hdl-keywords.ts';
import { platformInfo } from '../build/platforms.ts';
import { GATE_ROUTE_LATENCY } from '../plan/loops.ts';
import { DRAM_REGIONS, LIMITS, PRECISION_CLASSES, WEIGHT_PART_REGIONS, activationsOnChip, dramRegionsOf, type Config, type FixedType, type PrecisionClass } from './schema.ts';

/** One broken rule: the config path (e.g. `model.heads`) and what was expected. */
export interface Violation {
  path: string;
  rule: string;
}

/** AXI data widths Vitis accepts for an m_axi port. */
export const AXI_WIDTHS = [32, 64, 128, 256, 512, 1024] as const;

/** Widest fixed-point type our csim headers handle on their fast (64-bit) path. */
export const MAX_FIXED_W = 64;

/**
 * Widest type stored in DRAM per precision class. Stored values sit in an 8/16/32-bit container (containerBits):
 * pixels are bytes (images are uint8 in DRAM), weights/biases and activations fit a 32-bit container.
 * The accumulator never leaves the chip, so it may use the full csim width.
 */
export const MAX_STORED_W: Record<PrecisionClass, number> = {
  activation: 32,
  accumulator: MAX_FIXED_W,
  linearWeight: 32,
  attnBias: 32,
  bias: 32,
  patchWeight: 32,
  pixel: 8,
};

/** Part-number prefix each platform's FPGA has. */
export const PLATFORM_PART_PREFIX: Record<Config['hardware']['platform'], string> = {
  zcu102: 'xczu9eg',
  u50: 'xcu50',
  u280: 'xcu280',
};

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The smallest 8/16/32-bit container holding a W-bit stored value (0 when W > 32). */
export function containerBits(W: number): number {
  return W <= 8 ? 8 : W <= 16 ? 16 : W <= 32 ? 32 : 0;
}

/** Elements of the activation type per AXI word (the "lane count" every feature dimension must be a multiple of). */
export function axiLanes(c: Config): number {
  return c.hardware.axiBits / c.precision.activation.W;
}

const isPow2 = (n: number) => Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
const isPosInt = (n: number) => Number.isInteger(n) && n >= 1;

export function checkFixedType(cls: PrecisionClass, t: FixedType, bad: (path: string, rule: string) => void): void {
  const p = `precision.${cls}`;
  if (t.W < 1 || t.W > MAX_FIXED_W) bad(`${p}.W`, `W must be in 1..${MAX_FIXED_W}`);
  else if (t.W > MAX_STORED_W[cls]) {
    const why = cls === 'pixel' ? 'pixels are stored as bytes' : 'stored values use an 8/16/32-bit container';
    bad(`${p}.W`, `W must be at most ${MAX_STORED_W[cls]} for ${cls} (${why})`);
  }
  if (cls !== 'pixel' && !t.signed) bad(`${p}.signed`, `${cls} must be signed (ap_fixed); only pixel may be ap_ufixed`);
  if (!t.signed && t.o === 'AP_WRAP_SM') bad(`${p}.o`, 'ap_ufixed with AP_WRAP_SM is invalid (Vitis exits at construction)');
  if (t.n < 0 || t.n > t.W) bad(`${p}.n`, `n (saturation bits) must be in 0..W (${t.W})`);
  else if (t.n !== 0 && t.o !== 'AP_WRAP' && t.o !== 'AP_WRAP_SM') bad(`${p}.n`, `n only applies to AP_WRAP / AP_WRAP_SM (o is ${t.o}); use n = 0`);
  checkChannelFields(cls, t, bad);
}

/** Per-channel scale fields: linearWeight only (the one loader that reads a scale table), in their ranges. */
function checkChannelFields(cls: PrecisionClass, t: FixedType, bad: (path: string, rule: string) => void): void {
  const p = `precision.${cls}`;
  const set = (['granularity', 'scaleBits', 'scaleShift', 'gptq'] as const).filter((k) => t[k] !== undefined);
  if (set.length === 0) return;
  if (cls !== 'linearWeight') {
    bad(`${p}.${set[0]}`, `per-channel scales exist for linearWeight only (the linear, expert and gate matrices, one scale per row); remove ${set.join(', ')}`);
    return;
  }
  const channel = t.granularity === 'channel';
  if (!channel && (t.scaleBits !== undefined || t.scaleShift !== undefined)) bad(`${p}.granularity`, 'scaleBits / scaleShift need granularity "channel"');
  if (!channel && t.gptq) bad(`${p}.gptq`, 'GPTQ rounding needs granularity "channel" (pack rounds each scaled matrix row on its own grid)');
  if (t.scaleBits !== undefined && (t.scaleBits < 0 || t.scaleBits > MAX_SCALE_BITS)) bad(`${p}.scaleBits`, `scaleBits (mantissa bits of a channel scale) must be in 0..${MAX_SCALE_BITS}`);
  if (t.scaleShift !== undefined && (t.scaleShift < 0 || t.scaleShift > MAX_SCALE_SHIFT)) bad(`${p}.scaleShift`, `scaleShift (most bits a channel scale shifts down) must be in 0..${MAX_SCALE_SHIFT}`);
}

/** Per-channel scale entries are 16 bits: the shift in the low byte, the mantissa in the high byte. */
export const MAX_SCALE_BITS = 7;
export const MAX_SCALE_SHIFT = 15;

function checkModel(c: Config, bad: (path: string, rule: string) => void): void {
  const m = c.model;
  // Lane-count rules only make sense once axiBits itself is valid (otherwise that one violation says it all).
  const axiOk = (AXI_WIDTHS as readonly number[]).includes(c.hardware.axiBits) && c.precision.activation.W >= 1;
  const lanes = axiOk ? axiLanes(c) : NaN;
  const tile = c.hardware.linearTile;
  const [C, H, W] = m.image;
  if (!isPosInt(C)) bad('model.image', `image channels (${C}) must be ≥ 1`);
  if (!isPosInt(H) || !isPosInt(W)) bad('model.image', `image height and width must be ≥ 1 (got ${H}x${W})`);
  if (!isPosInt(m.patch)) bad('model.patch', 'patch must be ≥ 1');
  else {
    if (isPosInt(H) && H % m.patch !== 0) bad('model.image', `patch (${m.patch}) must divide the image height (${H})`);
    if (isPosInt(W) && W % m.patch !== 0) bad('model.image', `patch (${m.patch}) must divide the image width (${W})`);
  }
  if (isPosInt(H) && isPosInt(W) && isPosInt(m.patch) && Math.floor(H / m.patch) * Math.floor(W / m.patch) > LIMITS.patches) {
    bad('model.image', `${Math.floor(H / m.patch) * Math.floor(W / m.patch)} patches per image (image / patch): at most ${LIMITS.patches} (edgemoe's limit)`);
  }
  if (!isPosInt(m.depth)) bad('model.depth', 'depth must be ≥ 1');
  if (!isPosInt(m.dim)) bad('model.dim', 'dim must be ≥ 1');
  if (!isPosInt(m.heads)) bad('model.heads', 'heads must be ≥ 1');
  else if (isPosInt(m.dim)) {
    if (m.dim % m.heads !== 0) bad('model.heads', `heads must divide dim (${m.dim})`);
    else if (Number.isInteger(lanes) && (m.dim / m.heads) % lanes !== 0)
      bad('model.heads', `head dim dim/heads (${m.dim / m.heads}) must be a multiple of the AXI lane count ${lanes} (hardware.axiBits / precision.activation.W)`);
  }
  // Every feature width the linear unit and the AXI streams see: whole AXI words, whole tiles.
  const mlpHidden = m.dim * m.mlpRatio;
  if (!(m.mlpRatio > 0) || !Number.isInteger(mlpHidden)) bad('model.mlpRatio', `dim · mlpRatio (${m.dim} · ${m.mlpRatio}) must be a positive integer (the dense MLP hidden size)`);
  const widths: Array<[string, string, number]> = [
    ['model.dim', 'dim', m.dim],
    ['model.mlpRatio', 'the MLP hidden size dim · mlpRatio', mlpHidden],
    ['model.moe.expertHidden', 'expertHidden', m.moe.expertHidden],
  ];
  for (const [path, what, n] of widths) {
    if (!isPosInt(n)) {
      if (path === 'model.moe.expertHidden') bad(path, 'expertHidden must be ≥ 1');
      continue;
    }
    if (Number.isInteger(lanes) && n % lanes !== 0) bad(path, `${what} (${n}) must be a multiple of the AXI lane count ${lanes} (hardware.axiBits / precision.activation.W)`);
    if (isPow2(tile.in) && n % tile.in !== 0) bad(path, `${what} (${n}) must be a multiple of hardware.linearTile.in (${tile.in})`);
    if (isPow2(tile.out) && n % tile.out !== 0) bad(path, `${what} (${n}) must be a multiple of hardware.linearTile.out (${tile.out})`);
  }
  if (!(m.lnEps > 0) || !Number.isFinite(m.lnEps)) bad('model.lnEps', 'lnEps must be a finite number > 0');
  else {
    // The kernel holds eps in the accumulator type: it must not truncate to 0 nor overflow there.
    const acc = c.precision.accumulator;
    const lsb = 2 ** -(acc.W - acc.I);
    const max = acc.signed ? 2 ** (acc.I - 1) - lsb : 2 ** acc.I - lsb;
    if (m.lnEps < lsb) bad('model.lnEps', `lnEps (${m.lnEps}) is below one LSB of the accumulator type (2^-${acc.W - acc.I}) and would become 0`);
    else if (m.lnEps > max) bad('model.lnEps', `lnEps (${m.lnEps}) exceeds the accumulator type's range (max ${max})`);
  }

  const moe = m.moe;
  if (!isPosInt(moe.experts)) bad('model.moe.experts', 'experts must be ≥ 1');
  if (!Number.isInteger(moe.topK) || moe.topK < 1 || moe.topK > moe.experts) bad('model.moe.topK', `topK must be in 1..experts (${moe.experts})`);
  if (Array.isArray(moe.blocks)) {
    const seen = new Set<number>();
    moe.blocks.forEach((b, i) => {
      if (b < 0 || b >= m.depth) bad(`model.moe.blocks.${i}`, `block index ${b} must be in 0..depth-1 (0..${m.depth - 1})`);
      else if (seen.has(b)) bad(`model.moe.blocks.${i}`, `block index ${b} is listed twice`);
      seen.add(b);
    });
  }

  if (m.tasks.length < 1) bad('model.tasks', 'at least one task is required');
  const names = new Set<string>();
  m.tasks.forEach((t, i) => {
    if (!IDENT.test(t)) bad(`model.tasks.${i}`, `task name '${t}' must be identifier-like (letters, digits, _; not starting with a digit)`);
    else if (names.has(t)) bad(`model.tasks.${i}`, `task name '${t}' is listed twice`);
    names.add(t);
  });
}

function checkHardware(c: Config, bad: (path: string, rule: string) => void): void {
  const hw = c.hardware;
  const pr = c.precision;
  const prefix = PLATFORM_PART_PREFIX[hw.platform];
  if (!hw.part.toLowerCase().startsWith(prefix)) bad('hardware.part', `part '${hw.part}' does not match platform ${hw.platform} (expected ${prefix}*)`);
  if (!(hw.clockMHz > 0 && hw.clockMHz <= 1000)) bad('hardware.clockMHz', 'clockMHz must be in (0, 1000]');
  if (!(AXI_WIDTHS as readonly number[]).includes(hw.axiBits)) bad('hardware.axiBits', `axiBits must be one of ${AXI_WIDTHS.join(', ')}`);
  else {
    const packed: Array<[PrecisionClass, string]> = [['activation', 'activation'], ['linearWeight', 'linear weight'], ['pixel', 'pixel']];
    for (const [cls, what] of packed) {
      const w = pr[cls].W;
      if (w >= 1 && hw.axiBits % w !== 0) bad('hardware.axiBits', `axiBits (${hw.axiBits}) must be a multiple of the ${what} W (precision.${cls}.W = ${w}) so a word packs whole elements`);
    }
  }
  for (const side of ['in', 'out'] as const) {
    if (!isPow2(hw.linearTile[side])) bad(`hardware.linearTile.${side}`, `linearTile.${side} must be a power of two ≥ 1`);
  }
  // A tile narrower than an AXI word makes the linear reader / writer move a word every few tiles under a condition:
  // no burst, about 4 cycles a word, which the estimator (a burst) would not see.
  if ((AXI_WIDTHS as readonly number[]).includes(hw.axiBits) && pr.activation.W >= 1) {
    const lanes = axiLanes(c);
    for (const [side, mover] of [['in', 'reader'], ['out', 'writer']] as const) {
      const t = hw.linearTile[side];
      if (isPow2(t) && t < lanes) bad(`hardware.linearTile.${side}`, `linearTile.${side} (${t}) must be at least the AXI lane count ${lanes} (hardware.axiBits / precision.activation.W): a narrower tile leaves the linear ${mover} without bursts`);
    }
  }
  const m = c.model;
  const tokens = isPosInt(m.patch) ? 1 + Math.floor(m.image[1] / m.patch) * Math.floor(m.image[2] / m.patch) : NaN;
  if (!isPosInt(hw.attnParallel)) bad('hardware.attnParallel', 'attnParallel must be ≥ 1');
  else if (Number.isFinite(tokens) && hw.attnParallel > tokens) bad('hardware.attnParallel', `attnParallel must be ≤ tokens (${tokens})`);

  const seen = new Map<string, string>();
  for (const [bundle, regions] of Object.entries(hw.bundles)) {
    if (!IDENT.test(bundle)) bad(`hardware.bundles.${bundle}`, `bundle name '${bundle}' must be identifier-like (it becomes an m_axi port name)`);
    else if (isHdlKeyword(bundle)) bad(`hardware.bundles.${bundle}`, `bundle name '${bundle}' is an HDL keyword: HLS would rename the port to '${bundle}_r' and link.cfg would miss it; choose another name`);
    if (regions.length === 0) bad(`hardware.bundles.${bundle}`, 'a bundle must carry at least one region');
    for (const r of regions) {
      if (!(DRAM_REGIONS as readonly string[]).includes(r)) bad(`hardware.bundles.${bundle}`, `unknown region '${r}' (known: ${DRAM_REGIONS.join(', ')})`);
      else if (seen.has(r)) bad(`hardware.bundles.${bundle}`, `region '${r}' is already on bundle ${seen.get(r)}`);
      else seen.set(r, bundle);
    }
  }
  for (const r of DRAM_REGIONS) if (!seen.has(r)) bad('hardware.bundles', `region '${r}' is on no bundle`);
  checkWeightPorts(c, bad);
  checkPatchEmbed(c, bad);
  if (activationsOnChip(c) && hw.patchEmbed === 'unified')
    bad('hardware.activations', "activations 'onchip' with patchEmbed 'unified' is not supported: the one linear unit's reader argument would be bound to the image's m_axi port at the patch call and to on-chip token arrays at every other call, which HLS cannot give one argument; use patchEmbed 'own' or activations 'dram'");
  checkAttention(c, bad);
  checkGate(c, bad);
  if (hw.slr !== undefined && hw.platform !== 'u280') bad('hardware.slr', `slr applies to the multi-SLR U280 only (platform is ${hw.platform})`);
}

/** hardware.attention 'fused': V is written into the hidden region (tmp2 still holds Q while V is computed), so a
 *  hidden row must hold a token's DIM activations; and the Q (tmp2), K (tmp3) and V (hidden) readers run in one
 *  DATAFLOW region, the V reader held back a q-block at the start, so each needs an m_axi bundle of its own (on a
 *  shared read channel the held-back words would block the others': head-of-line deadlock, or half the rate). */
function checkAttention(c: Config, bad: (path: string, rule: string) => void): void {
  if (c.hardware.attention !== 'fused') return;
  const m = c.model;
  const hidden = Math.max(Math.round(m.dim * m.mlpRatio), m.moe.expertHidden);
  if (Number.isFinite(hidden) && hidden < m.dim)
    bad('hardware.attention', `attention 'fused' writes V into the hidden region, whose rows (max of model.dim × model.mlpRatio and model.moe.expertHidden = ${hidden}) must hold model.dim (${m.dim}) activations`);
  if (activationsOnChip(c)) return; // Q, K and V are separate on-chip arrays: no shared read channel
  const bundleOf = (r: string) => Object.entries(c.hardware.bundles).find(([, rs]) => rs.includes(r))?.[0];
  const readers: Array<[string, string]> = [['tmp2', 'Q'], ['tmp3', 'K'], ['hidden', 'V']];
  for (let i = 0; i < readers.length; i++)
    for (let j = i + 1; j < readers.length; j++) {
      const [a, b] = [readers[i]!, readers[j]!];
      const ba = bundleOf(a[0]);
      if (ba !== undefined && ba === bundleOf(b[0]))
        bad('hardware.attention', `attention 'fused' reads ${a[1]} (${a[0]}) and ${b[1]} (${b[0]}) concurrently: put them on different bundles of hardware.bundles (both are on ${ba})`);
    }
}

/** WEIGHT_PORTS values the loader has a form for (a power of two, so rows alternate evenly over a TILE_OUT tile). */
export const WEIGHT_PORTS = [1, 2, 4] as const;

/** hardware.weightPorts: a loader form exists, every matrix splits into whole rows per port, and the board has a free
 *  memory port for each extra weight bundle. */
function checkWeightPorts(c: Config, bad: (path: string, rule: string) => void): void {
  const hw = c.hardware;
  const n = hw.weightPorts;
  if (n === undefined || n === 1) return;
  const path = 'hardware.weightPorts';
  if (!(WEIGHT_PORTS as readonly number[]).includes(n)) return bad(path, `weightPorts must be one of ${WEIGHT_PORTS.join(', ')} (got ${n})`);
  if (isPow2(hw.linearTile.out) && hw.linearTile.out % n !== 0) bad(path, `weightPorts (${n}) must divide hardware.linearTile.out (${hw.linearTile.out}): each port loads every ${n}th row of a tile`);
  const lanes = hw.axiBits / c.precision.linearWeight.W;
  const m = c.model;
  const widths: Array<[string, number]> = [['model.dim', m.dim], ['model.dim × model.mlpRatio', Math.round(m.dim * m.mlpRatio)], ['model.moe.expertHidden', m.moe.expertHidden]];
  for (const [what, w] of widths) {
    if (Number.isInteger(lanes) && lanes >= 1 && w % lanes !== 0)
      bad(path, `weightPorts > 1 needs whole weight words per matrix row: ${what} (${w}) is not a multiple of ${lanes} weights per word (hardware.axiBits / precision.linearWeight.W)`);
  }
  for (const r of WEIGHT_PART_REGIONS) if (r in hw.bundles) bad(`hardware.bundles.${r}`, `bundle name '${r}' is taken by the extra weight port of hardware.weightPorts; rename the bundle`);
  const p = platformInfo(hw.platform);
  // hardware.activations = 'onchip': a bundle whose regions are all on chip gets no m_axi port.
  const bundles = Object.values(hw.bundles).filter((rs) => dramRegionsOf(c, rs).length > 0).length;
  const ports = p.memory.banks.length;
  if (bundles + n - 1 > ports) {
    bad(path, `weightPorts ${n} needs ${n - 1} free memory port${n > 2 ? 's' : ''} beside the ${bundles} ${activationsOnChip(c) ? 'DRAM ' : ''}bundles of hardware.bundles, but the ${p.board.split(' (')[0]!} has ${ports} (${p.memory.banks.length <= 8 ? p.memory.banks.join(', ') : `${p.memory.banks[0]} … ${p.memory.banks[ports - 1]}`}): ${Math.max(0, ports - bundles)} free; merge bundles or lower weightPorts`);
  }
}

/** hardware.patchEmbed = 'unified': the patch matrix [dim][C·p·p] must tile the linear unit, and the patch reader's
 *  pixel groups (min(pixels per word, p) pixels of one image row) must lie inside one AXI word. */
function checkPatchEmbed(c: Config, bad: (path: string, rule: string) => void): void {
  const hw = c.hardware;
  const mode = hw.patchEmbed;
  if (mode === undefined || mode === 'own') return;
  const path = 'hardware.patchEmbed';
  const m = c.model;
  const K = m.image[0] * m.patch * m.patch;
  if (isPow2(hw.linearTile.in) && K % hw.linearTile.in !== 0)
    bad(path, `patchEmbed 'unified' needs C·p·p (${K}) to be a multiple of hardware.linearTile.in (${hw.linearTile.in}): the patch matrix is a linear layer of C·p·p inputs`);
  const pb = containerBits(c.precision.pixel.W);
  if (pb > 0 && (AXI_WIDTHS as readonly number[]).includes(hw.axiBits) && isPosInt(m.patch)) {
    const lanes = hw.axiBits / pb;
    const g = Math.min(lanes, m.patch);
    if (m.patch % g !== 0 || lanes % g !== 0)
      bad(path, `patchEmbed 'unified' reads min(pixels per word, p) = ${g} pixels of one image row per step: model.patch (${m.patch}) and the ${lanes} pixels per AXI word must both be multiples of it`);
  }
  const wb = containerBits(c.precision.linearWeight.W);
  const wl = wb > 0 ? hw.axiBits / wb : 0;
  if (Number.isInteger(wl) && wl >= 1 && K % wl !== 0)
    bad(path, `patchEmbed 'unified' needs whole weight words per patch-matrix row (the loader's word-aligned form): C·p·p (${K}) is not a multiple of ${wl} weights per word (hardware.axiBits / the linear weight container)`);
}

/** hardware.gate = 'unified': the gate [experts][dim] must tile the linear unit (whole output tiles, hence whole rows
 *  per weight port, which divide linearTile.out; whole activation words per logit row), its logit rows must fit the
 *  hidden region's rows, the routing needs enough tokens for II 1, and the accumulator must wrap: the unit sums TILE_IN products per step where the own array sums ACT_LANES, and only
 *  wrap-around sums are the same in any order (so the logits stay bit-exact to the own gate's). */
function checkGate(c: Config, bad: (path: string, rule: string) => void): void {
  const hw = c.hardware;
  if (hw.gate === undefined || hw.gate === 'own') return;
  const path = 'hardware.gate';
  const m = c.model;
  const E = m.moe.experts;
  if (!isPosInt(E)) return;
  if (isPow2(hw.linearTile.out) && E % hw.linearTile.out !== 0)
    bad(path, `gate 'unified' needs model.moe.experts (${E}) to be a multiple of hardware.linearTile.out (${hw.linearTile.out}): the gate is a linear layer of ${E} outputs`);
  if ((AXI_WIDTHS as readonly number[]).includes(hw.axiBits) && c.precision.activation.W >= 1) {
    const lanes = axiLanes(c);
    if (Number.isInteger(lanes) && E % lanes !== 0)
      bad(path, `gate 'unified' writes each token's ${E} logits as whole activation words: model.moe.experts (${E}) must be a multiple of the AXI lane count ${lanes} (hardware.axiBits / precision.activation.W)`);
  }
  const hidden = Math.max(Math.round(m.dim * m.mlpRatio), m.moe.expertHidden);
  if (E > hidden) bad(path, `gate 'unified' writes the logits into the hidden region's rows: model.moe.experts (${E}) must be at most the hidden width (${hidden})`);
  const tokens = isPosInt(m.patch) ? 1 + Math.floor(m.image[1] / m.patch) * Math.floor(m.image[2] / m.patch) : NaN;
  if (tokens < GATE_ROUTE_LATENCY)
    bad(path, `gate 'unified' routes expert-major over all tokens at II 1, which needs at least ${GATE_ROUTE_LATENCY} tokens (the softmax state's update latency); the model has ${tokens}`);
  if (c.precision.accumulator.o !== 'AP_WRAP')
    bad(path, `gate 'unified' needs precision.accumulator.o = AP_WRAP (got ${c.precision.accumulator.o}): the unit adds the logit's products in another grouping than the own gate, which gives the same sum only when the accumulator wraps`);
}

/** Resource counts compared by the per-SLR fit rule (as in build/platforms.ts, kept local to avoid an import cycle). */
type SlrCounts = Record<'DSP' | 'BRAM36' | 'URAM' | 'LUT' | 'FF', number>;

/**
 * U280 per-SLR fit: the kernel pinned to one SLR must fit what that SLR offers once the shell's share is taken;
 * one violation on hardware.slr listing every resource over, with the numbers.
 */
export function slrFitViolations(slr: string, usage: SlrCounts, perSlr: SlrCounts, shell: SlrCounts): Violation[] {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const over = (Object.keys(usage) as Array<keyof SlrCounts>).filter((k) => usage[k] > perSlr[k] - shell[k]);
  if (!over.length) return [];
  const what = over.map((k) => `${k} ${fmt(usage[k])} > ${fmt(perSlr[k] - shell[k])}${shell[k] ? ` (${fmt(perSlr[k])} in ${slr} − ${fmt(shell[k])} shell)` : ` in ${slr}`}`).join(', ');
  return [{ path: 'hardware.slr', rule: `the estimate does not fit ${slr}, where the kernel is pinned: ${what}; pick a smaller hardware setting or leave hardware.slr unset` }];
}

/** Every rule the generated hardware relies on; returns all violations (empty when the config is usable). */
export function checkRules(c: Config): Violation[] {
  const v: Violation[] = [];
  const bad = (path: string, rule: string) => v.push({ path, rule });
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(c.name)) bad('name', `name '${c.name}' must be non-empty and use only letters, digits, '_', '-', '.' (it names files and directories)`);
  for (const cls of PRECISION_CLASSES) checkFixedType(cls, c.precision[cls], bad);
  const act = c.precision.activation;
  const acc = c.precision.accumulator;
  if (acc.W < act.W) bad('precision.accumulator.W', `accumulator W (${acc.W}) must be ≥ activation W (${act.W})`);
  if (acc.I < act.I) bad('precision.accumulator.I', `accumulator I (${acc.I}) must be ≥ activation I (${act.I})`);
  checkModel(c, bad);
  checkHardware(c, bad);
  return v;
}
