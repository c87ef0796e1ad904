// The estimate as `edgemoe estimate` prints it (formatEstimate, in process), and the command line itself: --json,
// --design, MoE options, bad input.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { emitDesign } from '../../generator/emit/emit.ts';
import { estimatePlan } from '../../generator/estimate/estimate.ts';
import { formatEstimate } from '../../generator/estimate/format.ts';
import { buildPlan } from '../../generator/plan/index.ts';
import { runCli } from '../helpers/cli.ts';
import { scratch } from '../helpers/paths.ts';

describe('edgemoe estimate', function () {
  this.timeout(60000);

  it('prints the Edge-MoE figures for the default preset: cycles, ms at 300 MHz, bandwidth bound, resources', () => {
    const e = estimatePlan(buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes' })));
    const r = { stdout: formatEstimate(e) }; // what `edgemoe estimate` prints
    const fmt = (v: number) => Math.round(v).toLocaleString('en-US');
    assert.match(r.stdout, /on ZCU102 .* @ 300 MHz/);
    assert.match(r.stdout, /256-bit bundles on 128-bit ports = 16\.0 B\/cycle each/);
    assert.match(r.stdout, new RegExp(`compute, weight loads hidden .*\\s${fmt(e.totals.computeTicks)}\\s+${(e.totals.computeTicks / 3e5).toFixed(2)}`));
    assert.match(r.stdout, new RegExp(`bandwidth-bound \\(memory ports alone\\)\\s+${fmt(e.totals.bandwidthBound)}\\s+${(e.totals.bandwidthBound / 3e5).toFixed(2)}`));
    assert.match(r.stdout, /^qk_softmax\s+12\s+1,226,016/m);
    assert.match(r.stdout, /^DSP\s+[\d,]+\s+2,520\s+[\d.]+%$/m);
    assert.match(r.stdout, /258 token-expert pairs and 16 active experts per block/);
    // Every weight is read once per image (perf-anchors.md §4: 35.7 MB at 16 bit with all experts streamed).
    assert.match(r.stdout, /^weights\s+HP0\s+35\.[67]\d\s+0\.00\s/m);
  });

  it('--ops lists every op; --json carries the per-op figures', async () => {
    const plan = buildPlan(resolveConfig({ preset: 'tiny' }));
    assert.match(formatEstimate(estimatePlan(plan), true), /^5 block0\.qk_softmax\s+1\s+108\s/m);
    const j = await runCli(['estimate', '--preset', 'tiny', '--json']);
    assert.equal(j.exitCode, 0, j.stderr);
    const o = JSON.parse(j.stdout) as { ops: Array<{ id: number; ticks: number }>; platform: { vppPlatform: string } };
    assert.equal(o.ops.length, plan.ops.length);
    assert.equal(o.platform.vppPlatform, 'xilinx_zcu102_base_202210_1');
    for (const op of plan.ops) if (op.kind !== 'moe_experts') assert.equal(o.ops.find((x) => x.id === op.id)!.ticks, op.trips);
  });

  it('--design estimates a generated design; --pairs / --active-experts change the MoE ops only', async () => {
    const dir = emitDesign(resolveConfig({ preset: 'tiny' }), join(scratch(), 'tiny')).dir;
    const [a, b] = await Promise.all([runCli(['estimate', '--design', dir, '--json']), runCli(['estimate', '--design', dir, '--json', '--active-experts', '2'])]);
    assert.equal(a.exitCode, 0, a.stderr);
    assert.equal(b.exitCode, 0, b.stderr);
    const ea = JSON.parse(a.stdout) as { ops: Array<{ kind: string; ticks: number }> };
    const eb = JSON.parse(b.stdout) as { ops: Array<{ kind: string; ticks: number }> };
    ea.ops.forEach((o, i) => (o.kind === 'moe_experts' ? assert.ok(eb.ops[i]!.ticks < o.ticks) : assert.equal(eb.ops[i]!.ticks, o.ticks)));
    const [bad, neg] = await Promise.all([runCli(['estimate', '--design', dir, '--preset', 'tiny']), runCli(['estimate', '--preset', 'tiny', '--pairs', '-3'])]);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /--design takes the config of the design/);
    assert.equal(neg.exitCode, 2);
  });
});
