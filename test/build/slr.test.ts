// U280 SLRs: the kernel is pinned beside the HBM (SLR0) when the resource estimate fits that SLR with the shell's share
// taken; a config pinning it (hardware.slr) that does not fit is refused by validate with the numbers; HDL keywords
// cannot name a bundle (HLS would rename the port under link.cfg's feet).
import assert from 'node:assert/strict';
import { resolveConfig } from '../../generator/config/index.ts';
import { slrFitViolations } from '../../generator/config/rules.ts';
import { kernelSlr, slrViolations } from '../../generator/build/slr.ts';
import { estimateResources } from '../../generator/estimate/resources.ts';
import { buildPlan } from '../../generator/plan/index.ts';
import { runCli } from '../helpers/cli.ts';

const U280 = ['hardware.platform=u280', 'hardware.part=xcu280-fsvh2892-2L-e', 'hardware.clockMHz=250'];

describe('U280 per-SLR fit', function () {
  this.timeout(120000);

  it('the rule: every resource over what the SLR offers beside the shell, with the numbers; nothing when it fits', () => {
    const per = { DSP: 3008, BRAM36: 672, URAM: 320, LUT: 434560, FF: 869120 };
    const shell = { DSP: 4, BRAM36: 196, URAM: 0, LUT: 107629, FF: 136086 };
    const use = { DSP: 1616, BRAM36: 972.5, URAM: 0, LUT: 330000, FF: 72804 };
    const v = slrFitViolations('SLR0', use, per, shell);
    assert.equal(v.length, 1);
    assert.equal(v[0]!.path, 'hardware.slr');
    assert.match(v[0]!.rule, /BRAM36 973 > 476 \(672 in SLR0 − 196 shell\), LUT 330,000 > 326,931 \(434,560 in SLR0 − 107,629 shell\)/);
    assert.doesNotMatch(v[0]!.rule, /DSP|URAM|FF/);
    assert.deepEqual(slrFitViolations('SLR0', { ...use, BRAM36: 476, LUT: 326931 }, per, shell), []);
  });

  it('the estimate decides: tiny fits SLR0 (pinned), ViT-S does not (left unpinned); an explicit SLR other than SLR0 has no shell', () => {
    const tiny = buildPlan(resolveConfig({ preset: 'tiny', sets: U280 }));
    assert.equal(kernelSlr(tiny), 'SLR0');
    // Unpinned, ViT-S puts its weight buffers in URAM across the device: more than one SLR has.
    const vits = buildPlan(resolveConfig({ preset: 'm3vit-s-pascal' }));
    const uram = estimateResources(vits).total.URAM;
    assert.ok(uram > 320, `ViT-S estimate ${uram} URAM`);
    assert.equal(kernelSlr(vits), undefined);
    assert.match(slrViolations(vits, 'SLR2')[0]!.rule, new RegExp(`URAM ${uram} > 320 in SLR2`));
    // Pinned to SLR2, the plan keeps its URAM within that SLR; the block RAM then overflows it.
    const pinned = buildPlan(resolveConfig({ preset: 'm3vit-s-pascal', sets: ['hardware.slr=SLR2'] }));
    const r = estimateResources(pinned).total;
    assert.ok(r.URAM <= 320 && r.BRAM36 > 672, `pinned ViT-S: ${r.URAM} URAM, ${r.BRAM36} BRAM36`);
    assert.match(slrViolations(pinned, 'SLR2')[0]!.rule, new RegExp(`BRAM36 ${Math.round(r.BRAM36).toLocaleString('en-US')} > 672 in SLR2`));
    assert.doesNotMatch(slrViolations(pinned, 'SLR2')[0]!.rule, /URAM/);
    assert.equal(kernelSlr(buildPlan(resolveConfig({ preset: 'tiny' }))), undefined, 'ZCU102 is one die: no SLR');
  });

  it('validate refuses a U280 design pinned to an SLR it does not fit (exit 2, the numbers); accepts one that fits', async () => {
    const r = await runCli(['validate', '-p', 'm3vit-s-pascal', '-s', 'hardware.slr=SLR0']);
    assert.equal(r.exitCode, 2, r.stdout);
    const bram = Math.round(estimateResources(buildPlan(resolveConfig({ preset: 'm3vit-s-pascal', sets: ['hardware.slr=SLR0'] }))).total.BRAM36).toLocaleString('en-US');
    assert.match(r.stderr, new RegExp(`^edgemoe: error: invalid config \\(preset m3vit-s-pascal\\) \\(1 problem\\):\n {2}hardware\\.slr: the estimate does not fit SLR0, where the kernel is pinned: BRAM36 ${bram} > 476 \\(672 in SLR0 − 196 shell\\)`));
    const ok = await runCli(['validate', '-p', 'tiny', ...U280.flatMap((s) => ['-s', s]), '-s', 'hardware.slr=SLR0']);
    assert.equal(ok.exitCode, 0, ok.stderr);
    const unpinned = await runCli(['validate', '-p', 'm3vit-s-pascal']);
    assert.equal(unpinned.exitCode, 0, 'not pinned: v++ may spread the kernel, so no per-SLR refusal');
    const zcu = await runCli(['validate', '-p', 'tiny', '-s', 'hardware.slr=SLR0', '--json']);
    assert.equal(zcu.exitCode, 2);
    assert.deepEqual(JSON.parse(zcu.stdout).violations, [{ path: 'hardware.slr', rule: 'slr applies to the multi-SLR U280 only (platform is zcu102)' }]);
  });

  it('an HDL keyword as a bundle name is refused (HLS would rename the port, link.cfg would miss it)', () => {
    const bundles = { input: ['images', 'tmp1', 'attn'], inout2: ['tmp2', 'x'], inout3: ['tmp3'], inout4: ['hidden', 'softmaxInfo'], weights: ['weights'] };
    assert.throws(() => resolveConfig({ preset: 'tiny', sets: [`hardware.bundles=${JSON.stringify(bundles)}`] }), /hardware\.bundles\.input: bundle name 'input' is an HDL keyword: HLS would rename the port to 'input_r'/);
  });
});
