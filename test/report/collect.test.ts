// Finding the reports under a folder: solutions kept apart, each top from its project file, its component config or
// its csynth.xml — never the first file in path order — on the real sets and the two hand-written layouts.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectReports, configTop, selectSolutions } from '../../generator/report/collect.ts';
import { REPORTS, scratch } from '../helpers/paths.ts';

const only = (dir: string) => {
  const set = collectReports(join(REPORTS, dir));
  assert.equal(set.solutions.length, 1, `${dir}: one solution`);
  return set.solutions[0]!;
};

describe('collectReports: the top of each shipped report set', () => {
  it('Vivado HLS 2020.1 (hls4ml): from vivado_hls.app', () => {
    const s = only('Vivado');
    assert.deepEqual([s.top, s.topSource, s.project?.path, s.topReport.path], ['myproject', 'project', 'vivado_hls.app', 'myproject_csynth.xml']);
    assert.equal(s.topReport.rpt?.instances.length, 2);
  });

  it('Vivado HLS 2019.1 without a project file: `test` from csynth.xml, not Loop_B_i_proc4 (first in path order)', () => {
    const s = only('vivado-hls-2019.1-heterocl-stages');
    assert.equal(s.project, null);
    assert.deepEqual([s.top, s.topSource, s.topReport.path], ['test', 'csynth.xml', join('stages_report', 'csynth.xml')]);
    assert.equal(s.reports.length, 6);
  });

  it('the same set without csynth.xml: the report no other contains, the largest of the roots', () => {
    const dir = scratch('edgemoe-report-');
    try {
      cpSync(join(REPORTS, 'vivado-hls-2019.1-heterocl-stages', 'stages_report'), dir, { recursive: true });
      rmSync(join(dir, 'csynth.xml'));
      const s = collectReports(dir).solutions[0]!;
      assert.deepEqual([s.top, s.topSource], ['test', 'hierarchy']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Vitis HLS 2020.2 and 2023.2: from hls.app; the top figures from csynth.xml (the file with ModuleInformation)', () => {
    const a = only('vitis-hls-2020.2-osqp-undef');
    assert.deepEqual([a.name, a.path, a.top, a.topSource], ['solution1', join('hls_project', 'solution1'), 'myFunction', 'project']);
    assert.equal(a.topReport.path, join('hls_project', 'solution1', 'syn', 'report', 'csynth.xml'));
    assert.equal(a.reports.length, 10);
    const b = only('vitis-hls-2023.2-u55c-dataflow-kernel-flow');
    assert.deepEqual([b.name, b.top, b.topSource, b.project?.path], ['solution1', 'streamhls', 'project', join('hls', 'hls.app')]);
  });

  it('hand-written Vitis IDE 2024.1 component: from hls_config.cfg syn.top=, no hls.app; the work dir is the solution', () => {
    const s = only('handwritten-vitis-2024.1-ide-component');
    assert.deepEqual([s.name, s.path, s.top, s.topSource], ['mac_comp', join('mac_comp', 'mac_comp'), 'mac_top', 'project']);
    assert.equal(s.project?.path, join('mac_comp', 'hls_config.cfg'));
    assert.equal(s.topReport.path, join('mac_comp', 'mac_comp', 'hls', 'syn', 'report', 'csynth.xml'));
  });

  it('the component without its config still gets mac_top (csynth.xml), not a _Pipeline_ loop sorted first', () => {
    const dir = scratch('edgemoe-report-');
    try {
      cpSync(join(REPORTS, 'handwritten-vitis-2024.1-ide-component', 'mac_comp', 'mac_comp'), dir, { recursive: true });
      const s = collectReports(dir).solutions[0]!;
      assert.deepEqual([s.top, s.topSource], ['mac_top', 'csynth.xml']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('collectReports: solutions', () => {
  const set = collectReports(join(REPORTS, 'handwritten-two-solutions'));

  it('keeps the two solutions of one project apart, each with its own figures', () => {
    assert.deepEqual(set.solutions.map((s) => [s.name, s.top, s.reports.length]), [
      ['solution1', 'fir', 3],
      ['solution2', 'fir', 3],
    ]);
    const [a, b] = set.solutions;
    assert.deepEqual([a!.topReport.targetClockNs, a!.topReport.module.latency.worst, a!.topReport.module.interval.min], [10, 2052, 2053]);
    assert.deepEqual([b!.topReport.targetClockNs, b!.topReport.module.latency.worst, b!.topReport.module.interval.min], [5, 262, 263]);
    const mac = (i: number) => set.solutions[i]!.topReport.subModules.find((m) => m.name === 'fir_Pipeline_MAC')!;
    assert.deepEqual([mac(0).interval.min, mac(0).pipelineType, mac(1).interval.min, mac(1).pipelineType], [2049, 'no', 1, 'pipeline']);
  });

  it('--solution picks one by name or path; an unknown one is a UserError listing them', () => {
    assert.deepEqual(selectSolutions(set, 'solution2').map((s) => s.name), ['solution2']);
    assert.deepEqual(selectSolutions(set, join('fir_prj', 'solution1')).map((s) => s.name), ['solution1']);
    assert.equal(selectSolutions(set, undefined).length, 2);
    assert.throws(() => selectSolutions(set, 'solution3'), /--solution solution3: no such solution .*found: fir_prj\/solution1, fir_prj\/solution2/);
  });

  it('a folder holding several projects lists every solution', () => {
    const all = collectReports(REPORTS);
    assert.deepEqual(
      all.solutions.map((s) => [s.path, s.top]),
      [
        ['Vivado', 'myproject'],
        [join('handwritten-two-solutions', 'fir_prj', 'solution1'), 'fir'],
        [join('handwritten-two-solutions', 'fir_prj', 'solution2'), 'fir'],
        [join('handwritten-vitis-2024.1-ide-component', 'mac_comp', 'mac_comp'), 'mac_top'],
        [join('vitis-hls-2020.2-osqp-undef', 'hls_project', 'solution1'), 'myFunction'],
        [join('vitis-hls-2023.2-u55c-dataflow-kernel-flow', 'hls', 'solution1'), 'streamhls'],
        [join('vivado-hls-2019.1-heterocl-stages', 'stages_report'), 'test'],
      ],
    );
  });
});

describe('collectReports: no reports', () => {
  it('a folder without reports (and no design.json) says what to give instead', () => {
    const dir = scratch('edgemoe-report-');
    try {
      assert.throws(() => collectReports(dir), (e: Error) => /^report: no C-synthesis report \(\*_csynth\.xml\) under .*not a design dir either \(no design\.json\)/.test(e.message) && !e.message.includes('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a design dir without reports names that dir in the build command to run (no placeholder)', () => {
    const dir = scratch('edgemoe-report-');
    try {
      writeFileSync(join(dir, 'design.json'), '{}');
      assert.throws(
        () => collectReports(dir),
        (e: Error) => e.message.includes(`run \`edgemoe build --design ${dir} --target hls\` first`) && !/DIR/.test(e.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('configTop', () => {
  it('reads syn.top= (spaces, comments; the last one wins) and nothing else', () => {
    assert.equal(configTop('part=x\n[hls]\nsyn.top = k1 # first\nsyn.file=a.cpp\nsyn.top=k2\n'), 'k2');
    assert.equal(configTop('[hls]\n# syn.top=commented\nsyn.topx=nope\n'), null);
  });

  it('a design dir\'s own link.cfg (no syn.top) is no project file', () => {
    const dir = scratch('edgemoe-report-');
    try {
      const rep = join(dir, 'hls_prj', 'solution1', 'syn', 'report');
      mkdirSync(rep, { recursive: true });
      writeFileSync(join(dir, 'link.cfg'), '[connectivity]\nsp=edgemoe_top_1.m_axi_gmem0:DDR[0]\n');
      cpSync(join(REPORTS, 'vivado-hls-2019.1-heterocl-stages', 'stages_report', 'Loop_B_i_proc4_csynth.xml'), join(rep, 'Loop_B_i_proc4_csynth.xml'));
      const s = collectReports(dir).solutions[0]!;
      assert.deepEqual([s.project, s.top, s.name], [null, 'Loop_B_i_proc4', 'solution1']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
