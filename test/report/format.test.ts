// The text of `edgemoe report`: the figures as the reports give them, unknowns as '?', times with a unit that keeps
// small latencies visible, and the same figures in --json.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReport } from '../../generator/commands/report.ts';
import { formatNs, formatReport } from '../../generator/report/format.ts';
import type { ReportModel } from '../../generator/report/model.ts';
import { runCli } from '../helpers/cli.ts';
import { REPORTS, scratch } from '../helpers/paths.ts';

describe('report text', () => {
  it('formatNs keeps four significant digits in ns, µs or ms (no 0.00 ms for small latencies)', () => {
    assert.equal(formatNs(50), '50 ns');
    assert.equal(formatNs(825), '825 ns');
    assert.equal(formatNs(3138 * 10), '31.38 µs');
    assert.equal(formatNs(18.03e6), '18.03 ms');
    assert.equal(formatNs(null), '?');
  });

  it('an undef latency prints ? for cycles and time alike', () => {
    const t = formatReport(buildReport(join(REPORTS, 'vitis-hls-2020.2-osqp-undef')));
    assert.match(t, /^latency: min \? \/ max \? cycles \(\? \/ \?\); interval \(II\) min \? \/ max \?; pipeline none$/m);
    assert.doesNotMatch(t, /undef/);
    assert.match(t, /^part xc7z020-clg484-1 \(zynq\); flow target vivado \(Vivado IP flow\)$/m);
    assert.match(t, /^ {4}is_dual_infeasible\s+grp_is_dual_infeasible_fu_337\s+93\s+278\s+93\s+278\s+none\s+0\s+0\s+552\s+1,314\s+0$/m);
  });

  it('an estimated clock of 0 is no estimate, not "0 ns (?)"', () => {
    const dir = scratch('edgemoe-report-');
    try {
      cpSync(join(REPORTS, 'vivado-hls-2019.1-heterocl-stages', 'stages_report'), dir, { recursive: true });
      const f = join(dir, 'csynth.xml');
      writeFileSync(f, readFileSync(f, 'utf8').replace('<EstimatedClockPeriod>6.186</EstimatedClockPeriod>', '<EstimatedClockPeriod>0.000</EstimatedClockPeriod>'));
      assert.match(formatReport(buildReport(dir)), /^clock: target 10 ns \(100\.00 MHz\), estimated none \(0 in the report: no timed path\), uncertainty 1\.25 ns$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('dataflow throughput, flow target and the nested module rows (2023.2)', () => {
    const t = formatReport(buildReport(join(REPORTS, 'vitis-hls-2023.2-u55c-dataflow-kernel-flow')));
    assert.match(t, /^dataflow throughput: a new start every 91 cycles$/m);
    assert.match(t, /flow target vitis \(Vitis kernel flow\)/);
    assert.match(t, /^modules \(hierarchy from RTLDesignHierarchy;/m);
    assert.match(t, /^ {2}write_to_output_Pipeline_VITIS_LOOP_44_1\s+grp_write_to_output_Pipeline_VITIS_LOOP_44_1_fu_64\s+19\s+19\s+19\s+19\s+no\b/m);
    assert.match(t, /^instances of 'streamhls' \(hls\/solution1\/syn\/report\/streamhls_csynth\.rpt\):$/m);
  });

  it('the hls4ml set as text and as JSON: the same figures (CLI)', async () => {
    const dir = join(REPORTS, 'Vivado');
    const t = await runCli(['report', dir]);
    assert.equal(t.exitCode, 0, t.stderr);
    assert.match(t.stdout, /^solution 'Vivado' \(\.\): top 'myproject' \(from its project file vivado_hls\.app\)$/m);
    assert.match(t.stdout, /Vivado HLS 2020\.1 C-synthesis report of 'myproject'/);
    assert.match(t.stdout, /target 5 ns \(200\.00 MHz\), estimated 4\.049 ns \(246\.97 MHz\)/);
    assert.match(t.stdout, /latency: min 10 \/ max 10 cycles \(50\.000 ns \/ 50\.000 ns\); interval \(II\) min 8 \/ max 8; pipeline dataflow/);
    assert.match(t.stdout, /^DSP\s+73\s+220\s+33\.2%$/m);
    assert.match(t.stdout, /relu_array_array_ap_fixed_5u_relu_config3_U0\s+relu_array_array_ap_fixed_5u_relu_config3_s\s+2\s+2\s+1\s+1\s+function/);
    const j = await runCli(['report', dir, '--json']);
    assert.equal(j.exitCode, 0, j.stderr);
    const o = JSON.parse(j.stdout) as ReportModel;
    const s = o.solutions[0]!;
    assert.deepEqual([s.top, s.estimatedClockNs, s.module.resources.LUT, s.module.resources.DSP, s.module.available?.DSP, s.module.dataflowThroughput], ['myproject', 4.049, 2532, 73, 220, 8]);
    assert.equal(s.instances.length, 2);
    assert.equal(s.modules.length, 2);
    assert.equal(o.design, null);
  });
});
