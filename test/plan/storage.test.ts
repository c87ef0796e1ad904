// URAM placement (generator/plan/storage.ts): only boards with URAM, only buffers whose banks fit 72-bit words and
// free ≥ 1.5 BRAM36 per URAM block, within 90 % of the board's (or the pinned SLR's) URAM; the kernel binds exactly
// those buffers and the estimator counts their URAM instead of their block RAM.
import assert from 'node:assert/strict';
import { resolveConfig } from '../../generator/config/index.ts';
import { estimateResources } from '../../generator/estimate/resources.ts';
import { buildPlan, type Plan } from '../../generator/plan/index.ts';
import { renderKernelSources } from '../../generator/plan/render-kernel.ts';
import { URAM_MIN_SAVING, placeUram, uramBudget, uramCost } from '../../generator/plan/storage.ts';

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
