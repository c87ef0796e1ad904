// URAM placement (generator/plan/storage.ts): only boards with URAM, only buffers whose banks fit 72-bit words and
// free ≥ 1.5 BRAM36 per URAM block, within 90 % of the board's (or the pinned SLR's) URAM; the kernel binds exactly
// those buffers and the estimator counts their URAM instead of their block RAM.
import assert from 'node:assert/strict';
import { resolveConfig } from '../../generator/config/index.ts';
import { estimateResources, ramb18 } from '../../generator/estimate/resources.ts';
import { buildPlan, type Plan } from '../../generator/plan/index.ts';
import { renderKernelSources } from '../../generator/plan/render-kernel.ts';
import { LIN_PACK_MIN_SAVING, URAM_MIN_SAVING, linWeightBanking, linWeightBankings, placeUram, uramBudget, uramCost } from '../../generator/plan/storage.ts';

const onUram = (p: Plan) => p.buffers.filter((b) => b.storage === 'uram').map((b) => b.name).sort();
const bound = (p: Plan) => [...renderKernelSources(p).get('src/kernel.cpp')!.matchAll(/^#pragma HLS bind_storage variable = (\w+) type = ram_2p impl = uram\b/gm)].map((m) => m[1]).sort();
/** The same plan with every buffer back on HLS's default binding. */
const withoutUram = (p: Plan): Plan => ({ ...p, buffers: p.buffers.map(({ storage: _s, ...b }) => b) });

describe('plan: URAM placement', function () {
  this.timeout(60_000);

  it('ZCU102 (XCZU9EG: no URAM): nothing placed, no bind_storage in kernel.cpp, 0 URAM estimated', () => {
    for (const preset of ['m3vit-t-cityscapes', 'tiny', 'm3vit-t-cityscapes-w8']) {
      const p = buildPlan(resolveConfig({ preset }));
      assert.equal(uramBudget(p), 0);
      assert.deepEqual(onUram(p), [], preset);
      assert.doesNotMatch(renderKernelSources(p).get('src/kernel.cpp')!, /bind_storage/, preset);
      assert.equal(estimateResources(p).total.URAM, 0, preset);
    }
  });

  it('ViT-S on U280: the weight buffers and expert queues go to URAM; pragmas name exactly them; URAM counted, their BRAM freed', () => {
    const p = buildPlan(resolveConfig({ preset: 'm3vit-s-pascal' }));
    assert.deepEqual(onUram(p), ['expert_queue_idx', 'expert_queue_p', 'lin_wbuf', 'patch_w']);
    assert.deepEqual(bound(p), ['expert_queue_idx', 'expert_queue_p', 'lin_wping', 'lin_wpong', 'patch_w']);
    const costs = p.buffers.filter((b) => b.storage === 'uram').map((b) => uramCost(p, b));
    for (const c of costs) assert.ok(c.uram > 0 && c.bram36 >= URAM_MIN_SAVING * c.uram, JSON.stringify(c));
    const uram = costs.reduce((a, c) => a + c.uram, 0);
    const freed = costs.reduce((a, c) => a + c.bram36, 0);
    const withU = estimateResources(p).total;
    const without = estimateResources(withoutUram(p)).total;
    assert.equal(withU.URAM, uram);
    assert.ok(uram <= uramBudget(p) && uramBudget(p) === Math.floor(960 * 0.9), `${uram} URAM within ${uramBudget(p)}`);
    assert.equal(without.URAM, 0);
    assert.ok(Math.abs(without.BRAM36 - withU.BRAM36 - freed) < 1e-9, `${without.BRAM36} − ${withU.BRAM36} BRAM36 freed, expected ${freed}`);
    // lin_wbuf: 512 banks of 2304 × 16 bit, 3 RAMB18 each in block RAM, one URAM block each.
    assert.deepEqual(uramCost(p, p.buffers.find((b) => b.name === 'lin_wbuf')!), { uram: 512, bram36: 768 });
  });

  it('pinned to an SLR, the budget is that SLR less the shell: the 512-block weight buffer stays in block RAM, the rest fits', () => {
    const p = buildPlan(resolveConfig({ preset: 'm3vit-s-pascal', sets: ['hardware.slr=SLR0'] }));
    assert.equal(uramBudget(p), Math.floor(320 * 0.9));
    assert.deepEqual(onUram(p), ['expert_queue_idx', 'expert_queue_p', 'patch_w']);
    assert.ok(estimateResources(p).total.URAM <= uramBudget(p));
  });

  it('a buffer that does not pay or whose words are wider than 72 bits stays where it is', () => {
    // tiny on U280: every candidate's banks are shallow (< 1.5 BRAM36 freed per URAM block).
    const tiny = buildPlan(resolveConfig({ preset: 'tiny', sets: ['hardware.platform=u280', 'hardware.part=xcu280-fsvh2892-2L-e', 'hardware.clockMHz=250'] }));
    assert.ok(uramBudget(tiny) > 0);
    assert.deepEqual(onUram(tiny), []);
    assert.deepEqual(bound(tiny), []);
    const vits = buildPlan(resolveConfig({ preset: 'm3vit-s-pascal' }));
    const q = vits.buffers.find((b) => b.name === 'expert_queue_p')!;
    assert.equal(uramCost(vits, { ...q, elemBits: 73 }).uram, 0, 'a 73-bit word takes no URAM');
    const wide = { ...vits, buffers: vits.buffers.map((b) => (b.name === 'expert_queue_p' ? { ...b, elemBits: 73, bits: 73 * b.elems } : b)) };
    assert.ok(!placeUram(wide).has('expert_queue_p'));
  });
});

describe('plan: linear weight banking (lin_wping / lin_wpong lanes packed into fuller block RAMs)', function () {
  this.timeout(60_000);
  const kernel = (p: Plan) => renderKernelSources(p).get('src/kernel.cpp')!;
  const pragmas = (p: Plan) => kernel(p).split('\n').filter((l) => /^#pragma HLS \w+ variable = lin_wp(?:ing|ong)\b/.test(l)).map((l) => l.replace(/\s*\/\/.*$/, ''));
  const item = (p: Plan, unit: string) => estimateResources(p).items.find((i) => i.unit === unit)!;
  const vitT = (sets: string[]) => buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes', sets }));

  it('the default preset keeps a bank per lane: no packing saves 25 % (its pragmas and estimate as before)', () => {
    const p = buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes' }));
    const opts = linWeightBankings(p.sizes, p.types);
    assert.deepEqual(opts.map((o) => [o.kind, o.ramb18]), [['lanes', 256], ['row-words', 240], ['row-pairs', 256]]);
    assert.equal(linWeightBanking(p.sizes, p.types), null);
    assert.equal(p.buffers.find((b) => b.name === 'lin_wbuf')!.banking, undefined);
    assert.deepEqual(pragmas(p), ['#pragma HLS array_partition variable = lin_wping complete dim = 2', '#pragma HLS array_partition variable = lin_wping complete dim = 3', '#pragma HLS array_partition variable = lin_wpong complete dim = 2', '#pragma HLS array_partition variable = lin_wpong complete dim = 3']);
    assert.equal(item(p, 'buffer lin_wbuf').BRAM36, 256);
  });

  it('64×8 tile, 128-bit AXI (ViT-T): two tile rows per lane bank, true dual-port, half the block RAM', () => {
    const p = vitT(['hardware.linearTile.in=8', 'hardware.linearTile.out=64', 'hardware.axiBits=128', 'hardware.attnParallel=16']);
    const k = p.buffers.find((b) => b.name === 'lin_wbuf')!.banking!;
    // 288 tiles per array; a lane bank of 288 × 16 bit is a quarter of a RAMB18, two rows stacked fill half a 1K×18.
    assert.equal(p.sizes.linWeightTiles, 288);
    assert.deepEqual({ kind: k.kind, banks: k.banks, depth: k.depth, width: k.width, tdp: k.tdp, ramb18: k.ramb18 }, { kind: 'row-pairs', banks: 256, depth: 576, width: 16, tdp: true, ramb18: 256 });
    assert.deepEqual(pragmas(p), [
      '#pragma HLS array_partition variable = lin_wping block factor = 32 dim = 2',
      '#pragma HLS array_partition variable = lin_wping complete dim = 3',
      '#pragma HLS array_partition variable = lin_wpong block factor = 32 dim = 2',
      '#pragma HLS array_partition variable = lin_wpong complete dim = 3',
      '#pragma HLS bind_storage variable = lin_wping type = ram_t2p impl = bram',
      '#pragma HLS bind_storage variable = lin_wpong type = ram_t2p impl = bram',
    ]);
    assert.equal(item(p, 'buffer lin_wbuf').BRAM36, 256, 'was 1,024 RAMB18 = 512 BRAM36 with a bank per lane');
    assert.equal(item(p, 'buffer lin_wbuf').storage, '512 × 1 RAMB18');
    // The ping/pong muxes: 256 banks × 2 ports × (16 data + 2 × 10 address + 2 enables).
    assert.equal(item(p, 'mux lin_wping / lin_wpong').LUT, 256 * 2 * (16 + 2 * 10 + 2));
    // Every pragma reason is a comment (the block is rendered with its why).
    assert.match(kernel(p), /Banking chosen by generator\/plan\/storage\.ts: block TILE_OUT\/2 × complete TILE_IN.*;\n  \/\/ 256 RAMB18 per array instead of 512 with a bank per lane/);
  });

  it('8-bit on-chip weights in shallow banks: the row reshaped into one word, simple dual-port 512 × 36', () => {
    const p = vitT(['hardware.linearTile.in=16', 'hardware.linearTile.out=32', 'hardware.axiBits=128', 'precision.linearWeight.W=8', 'precision.linearWeight.I=1']);
    const k = p.buffers.find((b) => b.name === 'lin_wbuf')!.banking!;
    // 16 lanes × 8 bit = 128 bit per 288-deep row bank: 4 RAMB18 at 512×36 for 16 lanes (a bank per lane: 16).
    assert.deepEqual({ kind: k.kind, banks: k.banks, depth: k.depth, width: k.width, tdp: k.tdp, ramb18: k.ramb18 }, { kind: 'row-words', banks: 32, depth: 288, width: 128, tdp: false, ramb18: 128 });
    assert.deepEqual(pragmas(p), [
      '#pragma HLS array_partition variable = lin_wping complete dim = 2',
      '#pragma HLS array_reshape variable = lin_wping complete dim = 3',
      '#pragma HLS array_partition variable = lin_wpong complete dim = 2',
      '#pragma HLS array_reshape variable = lin_wpong complete dim = 3',
      '#pragma HLS bind_storage variable = lin_wping type = ram_2p impl = bram',
      '#pragma HLS bind_storage variable = lin_wpong type = ram_2p impl = bram',
    ]);
    assert.equal(item(p, 'buffer lin_wbuf').BRAM36, 128);
  });

  it('no packing where a loader write would fill part of a word or more than two words of a bank, nor on URAM', () => {
    // 16×16 tile, 128-bit AXI, 16-bit weights: 8 lanes per weight word, half a tile row: row-words not offered.
    const half = vitT(['hardware.axiBits=128']);
    assert.ok(!linWeightBankings(half.sizes, half.types).some((o) => o.kind === 'row-words'));
    // 4-wide tile, 8-bit weights at 128-bit AXI: a weight word is 4 tile rows of a lane bank, beyond two ports.
    const four = vitT(['hardware.linearTile.in=4', 'hardware.linearTile.out=64', 'hardware.axiBits=128', 'precision.linearWeight.W=8', 'precision.linearWeight.I=1']);
    assert.deepEqual(linWeightBankings(four.sizes, four.types).map((o) => o.kind), ['lanes']);
    // ViT-S on U280: lin_wbuf is in URAM, so it keeps its per-lane banks.
    const vits = buildPlan(resolveConfig({ preset: 'm3vit-s-pascal' }));
    assert.equal(vits.buffers.find((b) => b.name === 'lin_wbuf')!.banking, undefined);
  });

  it('every option holds the array: banks × depth × width ≥ tiles × TILE_OUT × TILE_IN × W, the chosen one saves ≥ 25 %', () => {
    for (const sets of [[], ['hardware.axiBits=128'], ['hardware.linearTile.in=8', 'hardware.linearTile.out=32'], ['hardware.axiBits=512', 'hardware.attnParallel=1']]) {
      const p = vitT(sets);
      const need = p.sizes.linWeightTiles * p.sizes.tileOut * p.sizes.tileIn * p.types.linearWeight.W;
      for (const o of linWeightBankings(p.sizes, p.types)) {
        assert.ok(o.banks * o.depth * o.width >= need, `${sets.join(' ')} ${o.kind}`);
        assert.equal(o.ramb18, o.banks * ramb18(o.depth, o.width, o.tdp));
      }
      const chosen = linWeightBanking(p.sizes, p.types);
      if (chosen) assert.ok(chosen.ramb18 <= (1 - LIN_PACK_MIN_SAVING) * linWeightBankings(p.sizes, p.types)[0]!.ramb18);
    }
  });

  it('ramb18: true dual-port banks have no 512×36 aspect', () => {
    assert.equal(ramb18(288, 32), 1);
    assert.equal(ramb18(288, 32, true), 2);
    assert.equal(ramb18(576, 16, true), 1);
    assert.equal(ramb18(288, 128, true), 8);
  });
});
