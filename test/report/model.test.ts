// The report model of each report set: modules in hierarchy order with their II and pipeline type, the instance
// table, solutions kept apart — on the real sets (numbers from PROVENANCE.md) and the two hand-written ones.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { collectReports, selectSolutions } from '../../generator/report/collect.ts';
import { formatReport } from '../../generator/report/format.ts';
import { reportModel, type ReportModel } from '../../generator/report/model.ts';
import { REPORTS } from '../helpers/paths.ts';

/** The model of a report folder that is no design dir. */
function modelOf(dir: string, solution?: string): ReportModel {
  const set = collectReports(dir);
  return reportModel(set.dir, selectSolutions(set, solution), null, null);
}

const rowsOf = (m: ReportModel, i = 0) => m.solutions[i]!.modules.map((r) => [r.depth, r.module, r.parent, r.figures?.interval.min ?? null, r.figures?.interval.max ?? null, r.figures?.pipelineType ?? null]);

describe('edgemoe report: the model of each report set', () => {
  it('Vitis HLS 2023.2: modules in hierarchy order with their II and pipeline type; instances from streamhls_csynth.rpt', () => {
    const m = modelOf(join(REPORTS, 'vitis-hls-2023.2-u55c-dataflow-kernel-flow'));
    const s = m.solutions[0]!;
    assert.deepEqual([s.top, s.flowTarget, s.module.dataflowThroughput, s.hierarchy], ['streamhls', 'vitis', 91, 'xml']);
    assert.deepEqual(rowsOf(m), [
      [1, 'entry_proc', 'streamhls', 0, 0, 'no'],
      [1, 'fetch_from_hbm', 'streamhls', 90, 90, 'no'],
      [1, 'process_kernel', 'streamhls', 21, 21, 'no'],
      [1, 'write_to_output', 'streamhls', 90, 90, 'no'],
      [2, 'write_to_output_Pipeline_VITIS_LOOP_44_1', 'write_to_output', 19, 19, 'no'],
    ]);
    assert.equal(s.instancesFile, join('hls', 'solution1', 'syn', 'report', 'streamhls_csynth.rpt'));
    assert.deepEqual(s.instances.slice(0, 4).map((i) => i.instance), ['entry_proc_U0', 'fetch_from_hbm_U0', 'process_kernel_U0', 'write_to_output_U0']);
    assert.deepEqual(s.modules[0]!.figures!.available, { BRAM_18K: 4032, DSP: 9024, FF: 2607360, LUT: 1303680, URAM: 960 });
  });

  it('Vitis HLS 2020.2: no sub-module left with an unknown II when the XML gives one; the 18 instances', () => {
    const m = modelOf(join(REPORTS, 'vitis-hls-2020.2-osqp-undef'));
    const s = m.solutions[0]!;
    assert.equal(s.top, 'myFunction');
    const dual = s.modules.find((r) => r.module === 'is_dual_infeasible')!;
    assert.deepEqual([dual.depth, dual.parent, dual.instance, dual.figures!.interval], [3, 'check_termination', 'grp_is_dual_infeasible_fu_337', { min: 93, max: 278 }]);
    assert.ok(s.modules.every((r) => r.figures?.pipelineType === 'none'));
    assert.equal(s.instances.length, 18);
  });

  it('Vivado HLS 2019.1: top `test`, its four processes listed flat (no hierarchy in the reports)', () => {
    const m = modelOf(join(REPORTS, 'vivado-hls-2019.1-heterocl-stages'));
    const s = m.solutions[0]!;
    assert.deepEqual([s.top, s.hierarchy, s.module.interval.min, s.module.pipelineType], ['test', 'none', 3138, 'dataflow']);
    assert.deepEqual(s.modules.map((r) => [r.depth, r.module, r.parent]), [
      [1, 'Loop_B_i_proc4', null],
      [1, 'Loop_D_i1_proc5', null],
      [1, 'Loop_E_i2_proc6', null],
      [1, 'Loop_F_i3_proc7', null],
    ]);
    assert.match(formatReport(m), /solution 'stages_report' \(stages_report\): top 'test' \(from csynth\.xml\)/);
  });

  it('Vivado HLS 2020.1 (hls4ml): the hierarchy and the module figures from the rpt instance table', () => {
    const s = modelOf(join(REPORTS, 'Vivado')).solutions[0]!;
    assert.equal(s.hierarchy, 'rpt');
    assert.deepEqual(s.modules.map((r) => [r.module, r.instance, r.figures!.interval.min, r.figures!.pipelineType]), [
      ['dense_array_array_ap_fixed_16_6_5_3_0_5u_config2_s', 'dense_array_array_ap_fixed_16_6_5_3_0_5u_config2_U0', 7, 'none'],
      ['relu_array_array_ap_fixed_5u_relu_config3_s', 'relu_array_array_ap_fixed_5u_relu_config3_U0', 1, 'function'],
    ]);
  });

  it('hand-written Vitis IDE 2024.1 component: top mac_top with every module as its README lists', () => {
    const m = modelOf(join(REPORTS, 'handwritten-vitis-2024.1-ide-component'));
    const s = m.solutions[0]!;
    assert.deepEqual([s.top, s.version, s.flowTarget, s.part, s.targetClockNs, s.estimatedClockNs], ['mac_top', '2024.1', 'vitis', 'xczu9eg-ffvb1156-2-e', 4, 2.912]);
    assert.deepEqual([s.module.latency.best, s.module.latency.worst, s.module.interval.min, s.module.interval.max, s.module.pipelineType, s.module.dataflowThroughput], [140, 140, 135, 135, 'dataflow', 135]);
    assert.deepEqual(s.module.resources, { BRAM_18K: 6, DSP: 8, FF: 2410, LUT: 2105, URAM: 0 });
    assert.deepEqual(s.module.available, { BRAM_18K: 1824, DSP: 2520, FF: 548160, LUT: 274080, URAM: 0 });
    assert.deepEqual(rowsOf(m), [
      [1, 'load', 'mac_top', 70, 70, 'no'],
      [2, 'load_Pipeline_VITIS_LOOP_14_1', 'load', 66, 66, 'no'],
      [1, 'compute', 'mac_top', 134, 134, 'no'],
      [2, 'compute_Pipeline_VITIS_LOOP_22_1', 'compute', 128, 128, 'pipeline'],
      [1, 'store', 'mac_top', null, null, 'no'],
    ]);
    const res = (name: string) => s.modules.find((r) => r.module === name)!.figures!.resources;
    assert.deepEqual(res('compute'), { BRAM_18K: 2, DSP: 8, FF: 1010, LUT: 720, URAM: 0 });
    assert.deepEqual(res('compute_Pipeline_VITIS_LOOP_22_1'), { BRAM_18K: 0, DSP: 8, FF: 940, LUT: 610, URAM: 0 });
  });

  it('hand-written two solutions: one section each, never mixed; --solution shows one', () => {
    const dir = join(REPORTS, 'handwritten-two-solutions');
    const m = modelOf(dir);
    assert.deepEqual(m.solutions.map((s) => [s.name, s.top, s.targetClockNs, s.module.latency.worst, s.module.resources.DSP]), [
      ['solution1', 'fir', 10, 2052, 2],
      ['solution2', 'fir', 5, 262, 4],
    ]);
    assert.deepEqual(rowsOf(m, 0), [[1, 'fir_Pipeline_MAC', 'fir', 2049, 2049, 'no']]);
    assert.deepEqual(rowsOf(m, 1), [[1, 'fir_Pipeline_MAC', 'fir', 1, 1, 'pipeline']]);
    const text = formatReport(m);
    assert.match(text, /^2 solutions under .*: fir_prj\/solution1, fir_prj\/solution2 \(--solution NAME shows one\)/);
    assert.equal(text.match(/^solution '/gm)?.length, 2);
    const one = modelOf(dir, 'solution2');
    assert.deepEqual(one.solutions.map((s) => s.name), ['solution2']);
    assert.doesNotMatch(formatReport(one), /solution1/);
  });
});

