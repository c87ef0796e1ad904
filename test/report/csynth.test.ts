// Parsing the real C-synthesis reports of test/fixtures/vitis-reports (Vivado HLS 2019.1 and 2020.1, Vitis HLS 2020.2
// and 2023.2): every number asserted here is the one its README / PROVENANCE.md lists from the XML.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { intervalRange, parseCsynthXml, reportNumber, type CsynthReport, type ModuleReport } from '../../generator/report/csynth.ts';
import { parseCsynthRpt } from '../../generator/report/rpt.ts';
import { REPORTS } from '../helpers/paths.ts';

const FIX = join(REPORTS, 'Vivado');
const XML = readFileSync(join(FIX, 'myproject_csynth.xml'), 'utf8');
const RPT = readFileSync(join(FIX, 'myproject_csynth.rpt'), 'utf8');
const read = (rel: string): CsynthReport => parseCsynthXml(readFileSync(join(REPORTS, rel), 'utf8'), rel);

/** [best, worst, II min, II max, pipeline type, DSP, BRAM_18K, FF, LUT, URAM] of a module. */
const row = (m: ModuleReport) => [m.latency.best, m.latency.worst, m.interval.min, m.interval.max, m.pipelineType, m.resources.DSP, m.resources.BRAM_18K, m.resources.FF, m.resources.LUT, m.resources.URAM];
const sub = (r: CsynthReport, name: string) => {
  const m = r.subModules.find((x) => x.name === name);
  assert.ok(m, `${name} in ModuleInformation`);
  return m;
};

describe('csynth XML report (real Vivado HLS 2020.1 fixture)', () => {
  const r = parseCsynthXml(XML, 'myproject_csynth.xml');

  it('reads the user assignments and clocks', () => {
    assert.equal(r.top, 'myproject');
    assert.equal(r.part, 'xc7z020-clg400-1');
    assert.equal(r.family, 'zynq');
    assert.equal(r.version, '2020.1');
    assert.equal(r.tool, 'Vivado HLS');
    assert.equal(r.targetClockNs, 5);
    assert.equal(r.clockUncertaintyNs, 0.62);
    assert.equal(r.estimatedClockNs, 4.049);
  });

  it('reads latency, absolute latency, interval and pipeline type', () => {
    const m = r.module;
    assert.deepEqual([m.latency.best, m.latency.average, m.latency.worst], [10, 10, 10]);
    assert.equal(m.latency.bestTime, '50.000 ns');
    assert.equal(m.latency.worstTime, '50.000 ns');
    assert.deepEqual(m.interval, { min: 8, max: 8 });
    assert.equal(m.pipelineType, 'dataflow');
    assert.equal(m.dataflowThroughput, 8);
    assert.equal(r.flowTarget, null);
    assert.equal(r.hierarchy, null);
  });

  it('reads used and available resources (DSP48E normalised to DSP)', () => {
    assert.deepEqual(r.module.resources, { BRAM_18K: 0, DSP: 73, FF: 7969, LUT: 2532, URAM: 0 });
    assert.deepEqual(r.module.available, { BRAM_18K: 280, DSP: 220, FF: 106400, LUT: 53200, URAM: 0 });
    assert.deepEqual(r.subModules, []);
  });

  it('accepts the Vitis HLS spelling (DSP, undef latency, a listed sub-module with Interval-min/max)', () => {
    const vitis = XML.replace(/DSP48E>/g, 'DSP>')
      .replace('<Worst-caseLatency>10</Worst-caseLatency>', '<Worst-caseLatency>undef</Worst-caseLatency>')
      .replace(
        '</profile>',
        '<ModuleInformation><Module><Name>myproject</Name></Module><Module><Name>sub_fn</Name><PerformanceEstimates><SummaryOfOverallLatency><Best-caseLatency>3</Best-caseLatency><Worst-caseLatency>4</Worst-caseLatency><Interval-min>1</Interval-min><Interval-max>1</Interval-max></SummaryOfOverallLatency></PerformanceEstimates><AreaEstimates><Resources><DSP>2</DSP><FF>30</FF><LUT>40</LUT><BRAM_18K>1</BRAM_18K><URAM>0</URAM></Resources></AreaEstimates></Module></ModuleInformation></profile>',
      );
    const v = parseCsynthXml(vitis.replace('<Version>2020.1</Version>', '<Version>2021.1</Version>'), 'v.xml');
    assert.equal(v.tool, 'Vitis HLS');
    assert.equal(v.module.latency.worstTime, null, 'no time beside an undef latency');
    assert.equal(v.module.resources.DSP, 73);
    assert.equal(v.module.available?.DSP, 220);
    assert.equal(v.module.latency.worst, null);
    assert.equal(v.subModules.length, 1);
    assert.equal(v.subModules[0]!.name, 'sub_fn');
    assert.deepEqual(v.subModules[0]!.resources, { BRAM_18K: 1, DSP: 2, FF: 30, LUT: 40, URAM: 0 });
    assert.deepEqual([v.subModules[0]!.latency.best, v.subModules[0]!.latency.worst], [3, 4]);
  });

  it('rejects a file that is not a csynth report', () => {
    assert.throws(() => parseCsynthXml('<foo/>', 'x.xml'), /x\.xml: not a csynth report/);
    assert.throws(() => parseCsynthXml('<profile><UserAssignments/></profile>', 'y.xml'), /TopModelName/);
  });
});


describe('csynth XML: Vivado HLS 2019.1 (heterocl stages, dataflow, no ModuleInformation)', () => {
  const top = read('vivado-hls-2019.1-heterocl-stages/stages_report/test_csynth.xml');

  it('reads the top as PROVENANCE.md lists it', () => {
    assert.equal(top.top, 'test');
    assert.deepEqual([top.tool, top.version, top.flowTarget, top.part, top.family], ['Vivado HLS', '2019.1.3', null, 'xc7z020-clg484-1', 'zynq']);
    assert.deepEqual([top.targetClockNs, top.clockUncertaintyNs, top.estimatedClockNs], [10, 1.25, 6.186]);
    assert.deepEqual(row(top.module), [3137, 3137, 3138, 3138, 'dataflow', 0, 0, 299, 912, 0]);
    assert.equal(top.module.latency.average, 3137);
    assert.equal(top.module.dataflowThroughput, 3138);
    assert.deepEqual([top.module.latency.bestTime, top.module.latency.worstTime], [null, null]);
    assert.deepEqual(top.module.available, { BRAM_18K: 280, DSP: 220, FF: 106400, LUT: 53200, URAM: 0 });
    assert.deepEqual([top.subModules, top.hierarchy], [[], null]);
  });

  it('reads each process report', () => {
    const expect: Record<string, unknown[]> = {
      Loop_B_i_proc4: [3137, 3137, 3137, 3137, 'none', 0, 0, 69, 183, 0],
      Loop_D_i1_proc5: [2113, 2113, 2113, 2113, 'none', 0, 0, 61, 167, 0],
      Loop_E_i2_proc6: [3137, 3137, 3137, 3137, 'none', 0, 0, 69, 183, 0],
      Loop_F_i3_proc7: [2113, 2113, 2113, 2113, 'none', 0, 0, 79, 179, 0],
    };
    for (const [name, want] of Object.entries(expect)) {
      const r = read(`vivado-hls-2019.1-heterocl-stages/stages_report/${name}_csynth.xml`);
      assert.equal(r.top, name);
      assert.deepEqual(row(r.module), want, name);
    }
  });
});

describe('csynth XML: Vitis HLS 2020.2 (osqp, undef latencies, PipelineInitiationInterval)', () => {
  const r = read('vitis-hls-2020.2-osqp-undef/hls_project/solution1/syn/report/csynth.xml');

  it('reads the top: undef latency, interval and real time are unknown', () => {
    assert.equal(r.top, 'myFunction');
    assert.deepEqual([r.tool, r.version, r.flowTarget, r.part, r.family], ['Vitis HLS', '2020.2', 'vivado', 'xc7z020-clg484-1', 'zynq']);
    assert.deepEqual([r.targetClockNs, r.clockUncertaintyNs, r.estimatedClockNs], [10, 2.7, 14.512]);
    assert.deepEqual(row(r.module), [null, null, null, null, 'none', 43, 11, 17934, 27822, 0]);
    assert.deepEqual([r.module.latency.bestTime, r.module.latency.worstTime, r.module.dataflowThroughput], [null, null, null]);
    assert.deepEqual(r.module.available, { BRAM_18K: 280, DSP: 220, FF: 106400, LUT: 53200, URAM: 0 });
  });

  it('reads every ModuleInformation module: II from PipelineInitiationInterval ("93 ~ 278", undef), pipeline type', () => {
    assert.equal(r.subModules.length, 8);
    const expect: Record<string, unknown[]> = {
      QDLDL_factor: [null, null, null, null, 'none', 5, 0, 1781, 2597, 0],
      atualizar_restricao_v: [null, null, null, null, 'none', 5, 0, 3358, 4617, 0],
      solve_linsys_qdldl: [null, null, null, null, 'none', 0, 3, 1198, 1300, 0],
      compute_dua_res: [null, null, null, null, 'none', 0, 0, 20, 78, 0],
      is_primal_infeasible: [null, null, null, null, 'none', 0, 0, 1567, 2584, 0],
      is_dual_infeasible: [93, 278, 93, 278, 'none', 0, 0, 552, 1314, 0],
      check_termination: [null, null, null, null, 'none', 8, 0, 3296, 7048, 0],
      osqp_solve: [null, null, null, null, 'none', 13, 5, 8174, 12726, 0],
    };
    for (const [name, want] of Object.entries(expect)) assert.deepEqual(row(sub(r, name)), want, name);
  });

  it('reads the RTL hierarchy (osqp_solve > check_termination > is_dual_infeasible)', () => {
    assert.equal(r.hierarchy?.module, 'myFunction');
    const osqp = r.hierarchy!.children.find((c) => c.module === 'osqp_solve')!;
    assert.equal(osqp.instance, 'grp_osqp_solve_fu_1055');
    const check = osqp.children.find((c) => c.module === 'check_termination')!;
    assert.deepEqual(check.children.map((c) => c.module), ['is_primal_infeasible', 'is_dual_infeasible']);
  });

  it('the per-function XML of is_dual_infeasible has Interval-min/max 93 / 278', () => {
    const f = read('vitis-hls-2020.2-osqp-undef/hls_project/solution1/syn/report/is_dual_infeasible_csynth.xml');
    assert.deepEqual(row(f.module), [93, 278, 93, 278, 'none', 0, 0, 552, 1314, 0]);
  });

  it('myFunction_csynth.rpt holds the 18-instance table; csynth.rpt (Synthesis Summary) has none', () => {
    const dir = join(REPORTS, 'vitis-hls-2020.2-osqp-undef/hls_project/solution1/syn/report');
    const inst = parseCsynthRpt(readFileSync(join(dir, 'myFunction_csynth.rpt'), 'utf8')).instances;
    assert.equal(inst.length, 18);
    const o = inst.find((i) => i.instance === 'grp_osqp_solve_fu_1055')!;
    assert.deepEqual([o.module, o.BRAM_18K, o.DSP, o.FF, o.LUT], ['osqp_solve', 5, 13, 8174, 12726]);
    assert.equal(parseCsynthRpt(readFileSync(join(dir, 'csynth.rpt'), 'utf8')).instances.length, 0);
  });
});

describe('csynth XML: Vitis HLS 2023.2 (U55C dataflow kernel, AVAIL_* per module)', () => {
  const DIR = 'vitis-hls-2023.2-u55c-dataflow-kernel-flow/hls/solution1/syn/report';
  const r = read(`${DIR}/csynth.xml`);
  const U55C = { BRAM_18K: 4032, DSP: 9024, FF: 2607360, LUT: 1303680, URAM: 960 };

  it('reads the top: dataflow, throughput 91, kernel flow', () => {
    assert.equal(r.top, 'streamhls');
    assert.deepEqual([r.tool, r.version, r.flowTarget, r.part, r.family], ['Vitis HLS', '2023.2', 'vitis', 'xcu55c-fsvh2892-2L-e', 'virtexuplusHBM']);
    assert.deepEqual([r.targetClockNs, r.clockUncertaintyNs, r.estimatedClockNs], [5, 1.35, 3.65]);
    assert.deepEqual(row(r.module), [165, 165, 91, 91, 'dataflow', 48, 30, 10567, 6800, 0]);
    assert.deepEqual([r.module.latency.bestTime, r.module.latency.worstTime, r.module.dataflowThroughput], ['0.825 us', '0.825 us', 91]);
    assert.deepEqual(r.module.available, U55C);
  });

  it('reads every module with its II, pipeline type and the available resources beside it', () => {
    const expect: Record<string, unknown[]> = {
      entry_proc: [0, 0, 0, 0, 'no', 0, 0, 3, 29, 0],
      fetch_from_hbm: [90, 90, 90, 90, 'no', 0, 0, 799, 136, 0],
      process_kernel: [21, 21, 21, 21, 'no', 48, 0, 2306, 1324, 0],
      write_to_output_Pipeline_VITIS_LOOP_44_1: [19, 19, 19, 19, 'no', 0, 0, 526, 76, 0],
      write_to_output: [90, 90, 90, 90, 'no', 0, 0, 658, 600, 0],
    };
    assert.deepEqual(r.subModules.map((m) => m.name).sort(), Object.keys(expect).sort());
    for (const [name, want] of Object.entries(expect)) {
      assert.deepEqual(row(sub(r, name)), want, name);
      assert.deepEqual(sub(r, name).available, U55C, `${name} AVAIL_*`);
    }
  });

  it('reads the hierarchy: write_to_output contains its pipelined loop', () => {
    assert.deepEqual(r.hierarchy!.children.map((c) => [c.instance, c.module]), [
      ['entry_proc_U0', 'entry_proc'],
      ['fetch_from_hbm_U0', 'fetch_from_hbm'],
      ['process_kernel_U0', 'process_kernel'],
      ['write_to_output_U0', 'write_to_output'],
    ]);
    assert.deepEqual(r.hierarchy!.children[3]!.children.map((c) => c.module), ['write_to_output_Pipeline_VITIS_LOOP_44_1']);
  });

  it('each per-function XML matches PROVENANCE.md', () => {
    const expect: Record<string, unknown[]> = {
      entry_proc: [0, 0, 0, 0, 'no', 0, 0, 3, 29, 0],
      fetch_from_hbm: [90, 90, 90, 90, 'no', 0, 0, 799, 136, 0],
      process_kernel: [21, 21, 21, 21, 'no', 48, 0, 2306, 1324, 0],
      streamhls: [165, 165, 91, 91, 'dataflow', 48, 30, 10567, 6800, 0],
      write_to_output_Pipeline_VITIS_LOOP_44_1: [19, 19, 19, 19, 'no', 0, 0, 526, 76, 0],
      write_to_output: [90, 90, 90, 90, 'no', 0, 0, 658, 600, 0],
    };
    for (const [name, want] of Object.entries(expect)) assert.deepEqual(row(read(`${DIR}/${name}_csynth.xml`).module), want, name);
  });
});

describe('report numbers', () => {
  it('undef, ?, - and n/a are unknown; "a ~ b" is an interval range', () => {
    assert.equal(reportNumber('undef'), null);
    assert.equal(reportNumber('?'), null);
    assert.equal(reportNumber(' 12 '), 12);
    assert.equal(reportNumber('4.049'), 4.049);
    assert.deepEqual(intervalRange('93 ~ 278'), { min: 93, max: 278 });
    assert.deepEqual(intervalRange('66'), { min: 66, max: 66 });
    assert.deepEqual(intervalRange('undef'), { min: null, max: null });
  });
});

describe('csynth rpt report (real fixture)', () => {
  const r = parseCsynthRpt(RPT);

  it('reads the utilisation total and available rows', () => {
    assert.equal(r.top, 'myproject');
    assert.deepEqual(r.total, { BRAM_18K: 0, DSP: 73, FF: 7969, LUT: 2532, URAM: 0 });
    assert.deepEqual(r.available, { BRAM_18K: 280, DSP: 220, FF: 106400, LUT: 53200, URAM: 0 });
  });

  it('reads both instances with latency, II, pipeline and resources', () => {
    assert.equal(r.instances.length, 2);
    const [d, relu] = r.instances;
    assert.equal(d!.instance, 'dense_array_array_ap_fixed_16_6_5_3_0_5u_config2_U0');
    assert.equal(d!.module, 'dense_array_array_ap_fixed_16_6_5_3_0_5u_config2_s');
    assert.deepEqual([d!.latencyMin, d!.latencyMax, d!.intervalMin, d!.intervalMax, d!.pipeline], [7, 7, 7, 7, 'none']);
    assert.deepEqual([d!.DSP, d!.FF, d!.LUT, d!.BRAM_18K], [73, 7860, 2134, 0]);
    assert.equal(relu!.instance, 'relu_array_array_ap_fixed_5u_relu_config3_U0');
    assert.deepEqual([relu!.latencyMin, relu!.latencyMax, relu!.intervalMin, relu!.intervalMax, relu!.pipeline], [2, 2, 1, 1, 'function']);
    assert.deepEqual([relu!.DSP, relu!.FF, relu!.LUT], [0, 84, 256]);
  });
});
