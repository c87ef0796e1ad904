// Parsing the real Vivado HLS 2020.1 reports of test/fixtures/vitis-reports (numbers from its README), a
// Vitis-HLS-spelled variant of them, and the XML reader's strictness.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectReports, topReport } from '../../generator/report/collect.ts';
import { parseCsynthXml, reportNumber } from '../../generator/report/csynth.ts';
import { parseCsynthRpt } from '../../generator/report/rpt.ts';
import { parseXml, textAt } from '../../generator/report/xml.ts';
import { runCli } from '../helpers/cli.ts';
import { REPORTS, scratch } from '../helpers/paths.ts';

const FIX = join(REPORTS, 'Vivado');
const XML = readFileSync(join(FIX, 'myproject_csynth.xml'), 'utf8');
const RPT = readFileSync(join(FIX, 'myproject_csynth.rpt'), 'utf8');

/** hls4ml's project tree around the fixture files. */
function fixtureTree(): string {
  const out = scratch('edgemoe-report-');
  const rep = join(out, 'myproject_prj', 'solution1', 'syn', 'report');
  mkdirSync(rep, { recursive: true });
  cpSync(join(FIX, 'myproject_csynth.xml'), join(rep, 'myproject_csynth.xml'));
  cpSync(join(FIX, 'myproject_csynth.rpt'), join(rep, 'myproject_csynth.rpt'));
  cpSync(join(FIX, 'vivado_hls.app'), join(out, 'myproject_prj', 'vivado_hls.app'));
  return out;
}

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
  });

  it('reads used and available resources (DSP48E normalised to DSP)', () => {
    assert.deepEqual(r.module.resources, { BRAM_18K: 0, DSP: 73, FF: 7969, LUT: 2532, URAM: 0 });
    assert.deepEqual(r.module.available, { BRAM_18K: 280, DSP: 220, FF: 106400, LUT: 53200, URAM: 0 });
    assert.deepEqual(r.subModules, []);
  });

  it('accepts the Vitis HLS spelling (DSP, undef latency, a listed sub-module)', () => {
    const vitis = XML.replace(/DSP48E>/g, 'DSP>')
      .replace('<Worst-caseLatency>10</Worst-caseLatency>', '<Worst-caseLatency>undef</Worst-caseLatency>')
      .replace(
        '</profile>',
        '<ModuleInformation><Module><Name>myproject</Name></Module><Module><Name>sub_fn</Name><PerformanceEstimates><SummaryOfOverallLatency><Best-caseLatency>3</Best-caseLatency><Worst-caseLatency>4</Worst-caseLatency><Interval-min>1</Interval-min><Interval-max>1</Interval-max></SummaryOfOverallLatency></PerformanceEstimates><AreaEstimates><Resources><DSP>2</DSP><FF>30</FF><LUT>40</LUT><BRAM_18K>1</BRAM_18K><URAM>0</URAM></Resources></AreaEstimates></Module></ModuleInformation></profile>',
      );
    const v = parseCsynthXml(vitis, 'v.xml');
    assert.equal(v.tool, 'Vitis HLS');
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

describe('collectReports / edgemoe report', () => {
  it('finds the report in an HLS project tree and its top from vivado_hls.app', () => {
    const set = collectReports(fixtureTree());
    assert.equal(set.projectTop, 'myproject');
    assert.equal(set.reports.length, 1);
    const top = topReport(set);
    assert.equal(top.path, join('myproject_prj', 'solution1', 'syn', 'report', 'myproject_csynth.xml'));
    assert.equal(top.rpt?.instances.length, 2);
  });

  it('prints the figures as text and JSON', async () => {
    const dir = fixtureTree();
    const t = await runCli(['report', dir]);
    assert.equal(t.exitCode, 0, t.stderr);
    assert.match(t.stdout, /Vivado HLS 2020\.1 C-synthesis report of 'myproject'/);
    assert.match(t.stdout, /target 5 ns \(200\.00 MHz\), estimated 4\.049 ns \(246\.97 MHz\)/);
    assert.match(t.stdout, /latency: min 10 \/ max 10 cycles \(50\.000 ns \/ 50\.000 ns\); interval \(II\) min 8 \/ max 8; pipeline dataflow/);
    assert.match(t.stdout, /^DSP\s+73\s+220\s+33\.2%$/m);
    assert.match(t.stdout, /relu_array_array_ap_fixed_5u_relu_config3_U0\s+relu_array_array_ap_fixed_5u_relu_config3_s\s+2\s+2\s+1\s+1\s+function/);
    const j = await runCli(['report', dir, '--json']);
    assert.equal(j.exitCode, 0, j.stderr);
    const o = JSON.parse(j.stdout) as { top: { module: { resources: { LUT: number } }; estimatedClockNs: number } };
    assert.equal(o.top.module.resources.LUT, 2532);
    assert.equal(o.top.estimatedClockNs, 4.049);
  });

  it('a folder without reports is a one-line error, exit 2', async () => {
    const r = await runCli(['report', scratch()]);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /^edgemoe: error: report: no C-synthesis report/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /not a design dir either \(no design\.json\)/);
  });

  it('a design dir without reports names that dir in the build command to run (no placeholder)', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'design.json'), '{}');
    assert.throws(
      () => collectReports(dir),
      (e: Error) => e.message.includes(`run \`edgemoe build --design ${dir} --target hls\` first`) && !/DIR/.test(e.message),
    );
  });
});

describe('XML reader', () => {
  it('parses attributes, entities, CDATA, comments and self-closing tags', () => {
    const e = parseXml(`<?xml version="1.0"?>\n<!-- c --><a x="1 &amp; 2" y='&lt;'><b>t&#65;&#x42;</b><c/><d><![CDATA[<raw>]]></d></a>`);
    assert.equal(e.name, 'a');
    assert.deepEqual(e.attrs, { x: '1 & 2', y: '<' });
    assert.equal(textAt(e, 'b'), 'tAB');
    assert.equal(e.children[1]!.name, 'c');
    assert.equal(textAt(e, 'd'), '<raw>');
  });

  it('reads a namespaced project file (Vitis hls.app style)', () => {
    const e = parseXml('<project xmlns="com.autoesl.autopilot.project" name="p" top="edgemoe_top"><solutions><solution name="s"/></solutions></project>');
    assert.equal(e.attrs.top, 'edgemoe_top');
  });

  it('rejects malformed documents with the line number', () => {
    assert.throws(() => parseXml('<a>\n<b></a>', 'f.xml'), /f\.xml:2: closing tag <\/a> does not match <b>/);
    assert.throws(() => parseXml('<a>', 'f.xml'), /<a> is never closed/);
    assert.throws(() => parseXml('<a>&bogus;</a>', 'f.xml'), /unknown entity &bogus;/);
    assert.throws(() => parseXml('<a x=1/>', 'f.xml'), /expected a quoted value/);
    assert.throws(() => parseXml('<a/><b/>', 'f.xml'), /content after the root element/);
    assert.throws(() => parseXml('<a x="1" x="2"/>', 'f.xml'), /duplicate attribute x/);
  });

  it('report numbers: undef, ?, - and n/a are unknown', () => {
    assert.equal(reportNumber('undef'), null);
    assert.equal(reportNumber('?'), null);
    assert.equal(reportNumber(' 12 '), 12);
    assert.equal(reportNumber('4.049'), 4.049);
  });
});

