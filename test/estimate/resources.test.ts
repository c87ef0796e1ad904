// The resource model: the storage rule per bank, FIFOs, and the buffer partitioning it assumes checked against the
// array_partition / stream pragmas of the kernel headers (so a kernel change that the model does not know fails here).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { estimatePlan } from '../../generator/estimate/estimate.ts';
import { bankCost, bufferLayout, conversionLogic, estimateResources, fifoCost, fifoFreeDepth, planFifos, ramb18, ROUND_LUT_EXTRA, SAT_LUT_EXTRA } from '../../generator/estimate/resources.ts';
import { buildPlan, planBanks, type Plan } from '../../generator/plan/index.ts';
import { renderKernelSources } from '../../generator/plan/render-kernel.ts';
import { runCli } from '../helpers/cli.ts';
import { ROOT } from '../helpers/paths.ts';

const header = (f: string) => readFileSync(join(ROOT, 'templates', 'kernel', f), 'utf8');

/** Values of the size symbols the kernel headers use in declarations and pragmas. */
function symbols(plan: Plan): Record<string, number> {
  const s = plan.sizes;
  const pb = planBanks(s, plan.types);
  return {
    LIN_B_BANKS: pb.linBias,
    PE_B_BANKS: pb.peBias,
    GATE_W_BANKS: pb.gateW,
    LN_PARAM_BANKS: pb.lnParam,
    TILE_IN: s.tileIn,
    TILE_OUT: s.tileOut,
    LIN_WBUF_TILES: s.linWeightTiles,
    LIN_MAX_IN: s.linMaxIn,
    LIN_MAX_OUT: s.linMaxOut,
    LIN_XS_DEPTH: s.linMaxIn / s.tileIn,
    EXPERTS: s.experts,
    TOKENS: s.tokens,
    DIM: s.dim,
    T_DIM: s.dim,
    ACT_LANES: s.actLanes,
    PE_DIMS: s.peDims,
    PE_PATCHES: s.pePatches,
    PATCH: s.patch,
    PE_K: s.inCh * s.patch * s.patch,
    GRID_W: s.gridW,
    T_P: s.attnP,
    T_HEADS: s.heads,
    B: s.dim / s.actLanes,
    T_XS_DEPTH: 2 * (s.dim / s.actLanes),
    DIM_WORDS: s.dim / s.actLanes,
    // Template parameters that carry a config-struct member into a pragma (pragma values are single names).
    T_PARAM_BANKS: pb.lnParam,
    T_PE_PATCHES: s.pePatches,
    T_PE_DIMS: s.peDims,
    T_DIM_WORDS: s.dim / s.actLanes,
  };
}

/** Banks HLS makes of `variable` declared in `src`: the product over its array_partition pragmas. */
function pragmaBanks(src: string, variable: string, sym: Record<string, number>): number {
  // A config-struct member (CONFIG_T::ACT_LANES) takes the value of the params.h size of the same name.
  const val = (x: string) => (/^\d+$/.test(x) ? Number(x) : sym[x.replace(/^\w+::/, '')] ?? assert.fail(`unknown symbol ${x}`));
  const decl = new RegExp(`\\b${variable}((?:\\[[\\w:]+\\])+)\\s*[;,]`).exec(src);
  assert.ok(decl, `declaration of ${variable}`);
  const dims = [...decl[1]!.matchAll(/\[([\w:]+)\]/g)].map((m) => val(m[1]!));
  let banks = 1;
  const re = new RegExp(`#pragma HLS array_partition variable ?= ?${variable} (complete|(?:cyclic|block) factor ?= ?(\\w+))(?: dim ?= ?(\\d+))?`, 'g');
  for (const m of src.matchAll(re)) {
    const dim = m[3] === undefined ? 1 : Number(m[3]);
    if (m[1] === 'complete') banks *= dim === 0 ? dims.reduce((a, d) => a * d, 1) : dims[dim - 1]!;
    else banks *= val(m[2]!);
  }
  return banks;
}

/** Depth of the hls::stream `variable` from its stream pragma in `src`. */
function pragmaDepth(src: string, variable: string, sym: Record<string, number>): number {
  const m = new RegExp(`#pragma HLS stream variable ?= ?${variable} depth ?= ?(\\w+)`).exec(src);
  assert.ok(m, `stream pragma of ${variable}`);
  return /^\d+$/.test(m[1]!) ? Number(m[1]) : sym[m[1]!]!;
}

const PLANS = [
  { what: 'm3vit-t-cityscapes', plan: buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes' })) },
  { what: 'tiny, tile 8×4, P 3, 128-bit AXI', plan: buildPlan(resolveConfig({ preset: 'tiny', sets: ['hardware.linearTile.in=8', 'hardware.linearTile.out=4', 'hardware.attnParallel=3', 'hardware.axiBits=128'] })) },
  // lin_wbuf packed two tile rows per lane bank (block partition; generator/plan/storage.ts)
  { what: 'm3vit-t-cityscapes, tile 8×64, P 16, 128-bit AXI', plan: buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes', sets: ['hardware.linearTile.in=8', 'hardware.linearTile.out=64', 'hardware.attnParallel=16', 'hardware.axiBits=128'] })) },
];

describe('resource estimate', () => {
  it('storage rule per bank: ≤ 64 bits registers, ≤ 1 Kbit LUTRAM, else the cheapest RAMB18 aspect', () => {
    assert.deepEqual(bankCost(2, 32), { kind: 'registers', ramb18: 0, LUT: 0, FF: 64 });
    assert.deepEqual(bankCost(32, 32), { kind: 'LUTRAM', ramb18: 0, LUT: 32, FF: 0 });
    assert.equal(bankCost(33, 32).kind, 'BRAM');
    assert.equal(ramb18(1152, 16), 2); // 2K×9 × 2 (or 1K×18 × 2)
    assert.equal(ramb18(512, 36), 1);
    assert.equal(ramb18(96, 32), 1);
    assert.equal(ramb18(2064, 32), 5); // 512×36: 5 deep
    assert.equal(ramb18(16384, 1), 1);
    assert.equal(ramb18(48, 512), 15); // wide: 15 × 36 bits
  });

  it('FIFOs: SRL at depth ≤ 2 and ≤ 1 Kbit (Vitis autosrl), shallow ones in LUTRAM, deep ones in RAMB18', () => {
    assert.equal(fifoCost(2, 120).kind, 'SRL');
    assert.equal(fifoCost(2, 1024).kind, 'LUTRAM');
    assert.deepEqual(fifoCost(4, 512), { kind: 'LUTRAM', ramb18: 0, LUT: 512, FF: 512 });
    assert.deepEqual(fifoCost(48, 512), { kind: 'BRAM', ramb18: 15, LUT: 0, FF: 512 });
  });

  it('the free depth of a FIFO: rounded up to what its RAMB18 column or LUTRAM holds, at the same cost', () => {
    assert.equal(fifoFreeDepth(132, 1248), 512); // 35 RAMB18 of 512×36 either way
    assert.deepEqual(fifoCost(512, 1248), fifoCost(132, 1248));
    assert.notDeepEqual(fifoCost(513, 1248), fifoCost(132, 1248));
    assert.equal(fifoFreeDepth(600, 1248), 1024); // two 512-deep columns
    assert.equal(fifoFreeDepth(700, 9), 2048); // one 2K×9
    assert.equal(fifoFreeDepth(20, 32), 32); // LUTRAM to 1 Kbit (64 deep would be block RAM)
    assert.equal(fifoFreeDepth(2, 120), 2); // an SRL stays an SRL
    assert.equal(fifoFreeDepth(16, 512), 16); // shallow LUTRAM: deeper would be block RAM
  });

  for (const { what, plan } of PLANS) {
    it(`${what}: the banks of every partitioned buffer and the FIFO depths are those of the kernel headers' pragmas`, () => {
      const sym = symbols(plan);
      const lin = header('unified_linear.h');
      const gate = header('patch_reordering.h');
      const pe = header('patch_embed.h');
      const ln = header('layernorm.h');
      const attn = header('reordered_attention.h');
      // The rendered top function: its lin_wping / lin_wpong pragmas follow the plan's banking (plan/storage.ts).
      const top = renderKernelSources(plan).get('src/kernel.cpp')!;
      const buf = (n: string) => bufferLayout(plan, plan.buffers.find((b) => b.name === n)!);
      const expect: Array<[string, number]> = [
        // The state arrays are declared in the top function (kernel.cpp) with their typedefs' shapes.
        ['lin_wbuf', pragmaBanks(top + 'static wlin_t lin_wping[LIN_WBUF_TILES][TILE_OUT][TILE_IN];', 'lin_wping', sym) + pragmaBanks(top + 'static wlin_t lin_wpong[LIN_WBUF_TILES][TILE_OUT][TILE_IN];', 'lin_wpong', sym)],
        ['lin_bias', pragmaBanks(top + 'acc_t lin_bbuf[LIN_MAX_OUT];', 'lin_bbuf', sym)],
        ['lin_xrow', pragmaBanks(lin, 'xrow', sym)],
        ['gate_w', pragmaBanks(top + 'wlin_t gate_w[EXPERTS][DIM];', 'gate_w', sym)],
        ['expert_queue_idx', pragmaBanks(top + 'pidx_t expert_queue_idx[EXPERTS][TOKENS];', 'expert_queue_idx', sym)],
        ['expert_queue_p', pragmaBanks(top + 'act_t expert_queue_p[EXPERTS][TOKENS];', 'expert_queue_p', sym)],
        ['patch_w', pragmaBanks(top + 'wpatch_t patch_w[DIM][PE_K];', 'patch_w', sym)],
        ['patch_b', pragmaBanks(top + 'acc_t patch_b[DIM];', 'patch_b', sym)],
        ['patch_acc', pragmaBanks(pe, 'acc', sym)],
        ['ln_params', pragmaBanks(ln, 'g', sym) + pragmaBanks(ln, 'bt', sym)],
        ['q_rows', pragmaBanks(attn, 'q_slot', sym)],
        ['attn_acc', pragmaBanks(attn, 'acc', sym)],
      ];
      for (const [name, banks] of expect) assert.equal(buf(name).banks, banks, name);
      assert.match(header('gelu_approx.h'), /array_partition variable = GELU_DELTA_RAW complete/);
      assert.equal(buf('gelu_rom').romReads, 2 * plan.sizes.tileOut);
      const fifo = (n: string) => planFifos(plan).find((f) => f.name === n)!;
      assert.equal(fifo('lin xs').depth, pragmaDepth(lin, 'xs', sym));
      assert.equal(fifo('lin ys').depth, pragmaDepth(lin, 'ys', sym));
      assert.equal(fifo('lin row info').depth, pragmaDepth(lin, 'info_rc', sym));
      assert.equal(fifo('lin row info').depth, pragmaDepth(lin, 'info_cw', sym));
      assert.equal(fifo('attn steps').depth, pragmaDepth(attn, 'steps', sym));
      assert.equal(fifo('attn steps').depth, pragmaDepth(attn, 'probs', sym));
      assert.equal(fifo('attn steps').depth, pragmaDepth(attn, 'scores', sym));
      assert.equal(fifo('attn words').depth, pragmaDepth(attn, 'ks', sym));
      assert.equal(fifo('attn info').depth, pragmaDepth(attn, 'infos', sym));
      assert.equal(fifo('ln words').depth, pragmaDepth(ln, 'xr', sym));
      assert.equal(fifo('gate words').depth, pragmaDepth(gate, 'us', sym));
      assert.equal(fifo('patch pos').depth, pragmaDepth(pe, 'ps', sym));
      assert.equal(fifo('patch groups').depth, pragmaDepth(pe, 'groups', sym));
      // exp / reciprocal ROMs: completely partitioned in fixed_math.h, one LUT copy per unit of the description.
      assert.match(header('fixed_math.h'), /array_partition variable = FXM_EXP2_RAW complete/);
      assert.match(header('fixed_math.h'), /array_partition variable = FXM_RECIP_SEED_RAW complete/);
      assert.equal(buf('exp2_rom').romReads, plan.loops.filter((l) => l.live).reduce((a, l) => a + l.exp, 0));
      assert.equal(fifo('ln stats').depth, pragmaDepth(ln, 'stats', sym));
      assert.match(ln, /int T_XS_DEPTH = 2 \* \(CONFIG_T::DIM \/ CONFIG_T::ACT_LANES\)/);
      assert.equal(fifo('ln xs').depth, sym.T_XS_DEPTH);
      assert.equal(fifo('lin xs').width, plan.sizes.tileIn * plan.types.activation.W);
    });
  }

  it('m3vit-t-cityscapes: BRAM36 per buffer from its banks; totals are the sum of the items', () => {
    const plan = PLANS[0]!.plan;
    const r = estimateResources(plan);
    const item = (u: string) => r.items.find((i) => i.unit === u)!;
    // Ping and pong: 2 × 256 banks (16×16 tile) of 576 tiles × 16 bit = 9 Kbit: 1 RAMB18 each.
    assert.equal(item('buffer lin_wbuf').BRAM36, 256);
    // One buffer: 16 banks of 768 / 16 = 48 words × 32 bit: one RAMB18 each.
    assert.equal(item('buffer lin_bias').BRAM36, 8);
    // 8 × 16 banks of 192 × 768 / 128 = 1152 × 16 bit: 2 RAMB18 each.
    assert.equal(item('buffer patch_w').BRAM36, 128);
    // 16 × 16 banks (the loader's 16 lanes per word) of 12 × 16 bit = 192 bits: LUTRAM, no block RAM.
    assert.equal(item('buffer gate_w').BRAM36, 0);
    assert.equal(item('buffer gate_w').storage, 'LUTRAM');
    // GELU ROM fully partitioned: logic, 32 reads × 22 bits × 3 LUT6.
    assert.deepEqual([item('buffer gelu_rom').BRAM36, item('buffer gelu_rom').LUT], [0, 32 * 22 * 3]);
    // The reader → compute FIFO holds a whole input row: 48 tiles × 512 bits in 15 RAMB18.
    assert.equal(item('fifo lin xs').BRAM36, 7.5);
    for (const k of ['DSP', 'BRAM36', 'LUT', 'FF'] as const) assert.equal(r.total[k], r.items.reduce((a, i) => a + i[k], 0), k);
    // UbiMoE-E's published ZCU102 figures for a similar M³ViT-T design (perf-anchors.md: 1850 DSP / 458 BRAM): a
    // first-order model must land in the same range, not match.
    assert.ok(r.total.BRAM36 > 0.5 * 458 && r.total.BRAM36 < 1.5 * 458, `BRAM36 ${r.total.BRAM36}`);
    assert.ok(r.total.DSP > 0.5 * 1850 && r.total.DSP < 1.5 * 1850, `DSP ${r.total.DSP}`);
  });

  it('loader lane shifters: none when every per-tensor shift of a class is 0, else counted at the class\'s shift bits', () => {
    const lutOf = (plan: Plan, label: string) => estimateResources(plan).items.find((i) => i.unit === `loop ${label}`);
    const dflt = PLANS[0]!.plan;
    assert.ok(dflt.loops.every((l) => l.shifters.length === 0), 'default preset: every shift is 0');
    assert.ok(estimateResources(dflt).items.every((i) => !/shifter/.test(i.what)));
    const acc = buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes-accurate' }));
    const maxShift = (cls: string) => Math.max(...acc.weights.filter((w) => w.cls === cls).map((w) => w.shift));
    assert.ok(maxShift('bias') > 0 && maxShift('linearWeight') > 0 && maxShift('patchWeight') === 0, 'the accurate preset shifts biases and linear weights');
    const ln = acc.loops.find((l) => l.label === 'ln_load_words')!;
    assert.deepEqual(ln.shifters.map((x) => [x.count, x.bits]), [[2 * acc.types.bias.lanes, Math.floor(Math.log2(maxShift('bias'))) + 1]]);
    assert.equal(acc.loops.find((l) => l.label === 'pe_wload_rows')!.shifters.length, 0);
    const wl = acc.loops.find((l) => l.label === 'lin_wload_rows')!;
    const noShift = { ...wl, shifters: [] };
    const withItem = lutOf({ ...acc, loops: [wl] }, 'lin_wload_rows')!;
    const without = estimateResources({ ...acc, loops: [noShift] }).items.find((i) => i.unit === 'loop lin_wload_rows');
    const s0 = wl.shifters[0]!;
    assert.equal(withItem.LUT - (without?.LUT ?? 0), s0.count * s0.width * Math.ceil(s0.bits / 2));
    assert.match(withItem.what, /left shifter/);
  });

  it("the accurate preset's 18-bit on-chip weights (row scales sh ≤ 2) keep the default's block RAM; sh ≤ 4 would not", () => {
    const bram = (plan: Plan, unit: string) => estimateResources(plan).items.find((i) => i.unit === unit)!.BRAM36;
    const dflt = PLANS[0]!.plan;
    const acc = buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes-accurate' }));
    assert.equal(acc.types.linearWeight.W, 18);
    for (const unit of ['buffer lin_wbuf', 'buffer patch_w']) assert.equal(bram(acc, unit), bram(dflt, unit), unit);
    assert.equal(estimateResources(acc).total.BRAM36, estimateResources(dflt).total.BRAM36);
    // Two more shift bits make the rows 20 bits wide, past a RAMB18's 18-bit port: the tile banks need more block RAM.
    const wide = buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes-accurate', sets: ['precision.linearWeight.scaleShift=4'] }));
    assert.equal(wide.types.linearWeight.W, 20);
    assert.ok(bram(wide, 'buffer lin_wbuf') > bram(dflt, 'buffer lin_wbuf'), `${bram(wide, 'buffer lin_wbuf')} vs ${bram(dflt, 'buffer lin_wbuf')}`);
  });

  it('partitioning follows the config: an 8×4 tile has 2 × 16 lin_wbuf banks (ping and pong, two tile rows per lane bank: 256 tiles of 16 bit per lane are over a LUTRAM) and 8 lin_bias banks (one buffer; lcm of TILE_OUT 4 and the 8 bias lanes a 128-bit load writes per cycle)', () => {
    const plan = PLANS[1]!.plan;
    const r = estimateResources(plan);
    assert.match(r.items.find((i) => i.unit === 'buffer lin_wbuf')!.what, /, 32 banks of 256 \(true dual-port\)/);
    assert.match(r.items.find((i) => i.unit === 'buffer lin_bias')!.what, /, 8 banks of /);
  });

  it('CLI: estimate --resources prints every buffer and FIFO with its storage, and the totals', async () => {
    const e = estimatePlan(PLANS[0]!.plan);
    const r = await runCli(['estimate', '--resources']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^unit +storage +DSP +BRAM36 +LUT +FF +what$/m);
    assert.match(r.stdout, /^buffer lin_wbuf +512 × 1 RAMB18 +0 +256 +0 +0 +294912 × 16 bit, 512 banks of 576 /m);
    assert.match(r.stdout, /^loop qk_fin_slots +126 +0 /m);
    assert.match(r.stdout, /^fifo lin xs +1 × 15 RAMB18 +0 +7\.5 /m);
    assert.match(r.stdout, /^fifo ln stats +SRL /m);
    const t = e.resources.total;
    assert.match(r.stdout, new RegExp(`^total +${t.DSP.toLocaleString('en-US')} +${t.BRAM36} +${t.LUT.toLocaleString('en-US')} +${t.FF.toLocaleString('en-US')}$`, 'm'));
    assert.match(r.stdout, /^ZCU102 +2,520 +912 +274,080 +548,160$/m);
  });
});

describe('resource estimate: conversions into a rounding or saturating activation type', () => {
  it('conversionLogic: AP_TRN/AP_WRAP is wiring; rounding costs an incrementer, saturation a clamp', () => {
    assert.deepEqual(conversionLogic('ap_fixed<32,10>'), { LUT: 0, FF: 0, what: '' });
    assert.deepEqual(conversionLogic('ap_fixed<16,5,AP_TRN,AP_WRAP,0>'), { LUT: 0, FF: 0, what: '' });
    assert.deepEqual(conversionLogic('ap_fixed<16,5,AP_RND_CONV,AP_WRAP,0>'), { LUT: 16 + ROUND_LUT_EXTRA, FF: 16, what: 'AP_RND_CONV' });
    assert.deepEqual(conversionLogic('ap_fixed<16,5,AP_TRN,AP_SAT,0>'), { LUT: 16 + SAT_LUT_EXTRA, FF: 16, what: 'AP_SAT' });
    assert.deepEqual(conversionLogic('ap_fixed<16,5,AP_RND_CONV,AP_SAT>'), { LUT: 32 + ROUND_LUT_EXTRA + SAT_LUT_EXTRA, FF: 16, what: 'AP_RND_CONV + AP_SAT' });
  });

  it('16-bit rounded activations: every described conversion is charged, the default preset (AP_TRN) none', () => {
    const base = buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes' }));
    const act16 = buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes', sets: ['precision.activation.W=16', 'precision.activation.I=5', 'precision.activation.q=AP_RND_CONV', 'hardware.axiBits=128'] }));
    assert.ok(!estimateResources(base).items.some((i) => /conversion into/.test(i.what)));
    const items = estimateResources(act16).items.filter((i) => /conversion into/.test(i.what));
    const n = act16.loops.filter((l) => l.live).reduce((a, l) => a + l.roundings, 0);
    const s = act16.sizes;
    // qk_emit P·HEADS, finalize and prepare HEADS each, softmax·V ACT_LANES (the finishing slot only), lin_finish
    // TILE_OUT, the gathered writer, patch emit and LayerNorm ACT_LANES each, the gate three.
    assert.equal(n, s.attnP * s.heads + 2 * s.heads + 4 * s.actLanes + s.tileOut + 3);
    const counted = items.reduce((a, i) => a + Number(/(\d+)× conversion into/.exec(i.what)![1]), 0);
    assert.equal(counted, n);
    assert.match(items.find((i) => i.unit === 'loop av_blocks')!.what, new RegExp(`${s.actLanes}× conversion into`));
  });

  it('saturating 16-bit activations (explore\'s act16): the residual and pos sums get a clamp each, no rounder', () => {
    const sets = ['precision.activation.W=16', 'precision.activation.I=5', 'precision.activation.q=AP_RND_CONV', 'hardware.axiBits=128'];
    const wrap = estimateResources(buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes', sets })));
    const sat = estimateResources(buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes', sets: [...sets, 'precision.activation.o=AP_SAT'] })));
    const res = (r: typeof sat) => r.items.find((i) => i.unit === 'loop residual_sum_words');
    assert.equal(res(wrap), undefined, 'a wrapping sum is wiring');
    const L = 128 / 16;
    assert.equal(res(sat)!.LUT, L * (16 + SAT_LUT_EXTRA));
    assert.match(res(sat)!.what, /8× sum clamped to ap_fixed<16,5,AP_RND_CONV,AP_SAT/);
    assert.ok(sat.total.LUT > wrap.total.LUT);
  });
});
