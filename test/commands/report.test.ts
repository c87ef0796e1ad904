// `edgemoe report` on a design dir: reports of another kernel or part (a warning, no ratio) or of its own kernel and
// part (beside the estimate); --solution errors. The model of each report set is tested in test/report/model.test.ts.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReport } from '../../generator/commands/report.ts';
import { resolveConfig } from '../../generator/config/index.ts';
import { emitDesign } from '../../generator/emit/emit.ts';
import { formatReport } from '../../generator/report/format.ts';
import type { ReportModel } from '../../generator/report/model.ts';
import { runCli } from '../helpers/cli.ts';
import { REPORTS, scratch } from '../helpers/paths.ts';

/** A generated tiny design whose hls_prj/ holds the given report tree. */
function designWith(reports: string, edit?: (xml: string) => string): { root: string; dir: string } {
  const root = scratch('edgemoe-report-design-');
  const dir = join(root, 'd');
  emitDesign(resolveConfig({ preset: 'tiny' }), dir);
  cpSync(reports, join(dir, 'hls_prj'), { recursive: true });
  if (edit) {
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.xml') || e.name.endsWith('.cfg')) writeFileSync(p, edit(readFileSync(p, 'utf8')));
      }
    };
    walk(join(dir, 'hls_prj'));
  }
  return { root, dir };
}

describe('edgemoe report on a design dir', () => {
  const part = resolveConfig({ preset: 'tiny' }).hardware.part;

  it('reports of another kernel: a warning on stderr and in the text, no ratio; --json says why (CLI)', async () => {
    const { root, dir } = designWith(join(REPORTS, 'vitis-hls-2023.2-u55c-dataflow-kernel-flow', 'hls'));
    try {
      const t = await runCli(['report', dir]);
      assert.equal(t.exitCode, 0, t.stderr);
      assert.match(t.stderr, /^edgemoe: warning: reports in hls_prj\/solution1 do not belong to design 'tiny': its top is 'streamhls', not the design's kernel 'edgemoe_top'; it was synthesised for part xcu55c-fsvh2892-2L-e, the design targets /m);
      assert.match(t.stdout, /^warning: these reports do not belong to design 'tiny': its top is 'streamhls'/m);
      assert.doesNotMatch(t.stdout, /HLS \/ est\.|×/);
      const j = await runCli(['report', dir, '--json']);
      assert.equal(j.exitCode, 0, j.stderr);
      const o = JSON.parse(j.stdout) as ReportModel;
      assert.equal(o.design?.kernel, 'edgemoe_top');
      assert.equal(o.solutions[0]!.comparison, null);
      assert.equal(o.solutions[0]!.foreign.length, 2);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reports of the design\'s kernel on another part: warns about the part alone, no ratio', () => {
    const { root, dir } = designWith(join(REPORTS, 'handwritten-vitis-2024.1-ide-component', 'mac_comp'), (x) => x.replaceAll('mac_top', 'edgemoe_top').replaceAll('xczu9eg-ffvb1156-2-e', 'xcu50-fsvh2104-2-e'));
    try {
      const s = buildReport(dir).solutions[0]!;
      assert.equal(s.top, 'edgemoe_top');
      assert.deepEqual(s.foreign, [`it was synthesised for part xcu50-fsvh2104-2-e, the design targets ${part}`]);
      assert.equal(s.comparison, null);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reports of the design\'s kernel and part: beside the estimate, with ratios', () => {
    const { root, dir } = designWith(join(REPORTS, 'handwritten-vitis-2024.1-ide-component', 'mac_comp'), (x) => x.replaceAll('mac_top', 'edgemoe_top').replaceAll('xczu9eg-ffvb1156-2-e', part));
    try {
      const m = buildReport(dir);
      const s = m.solutions[0]!;
      assert.deepEqual(s.foreign, []);
      const dsp = s.comparison!.find((r) => r.figure === 'DSP')!;
      assert.equal(dsp.hls, 8);
      assert.ok(dsp.estimate! > 0 && Math.abs(dsp.ratio! - 8 / dsp.estimate!) < 1e-12);
      const lat = s.comparison!.find((r) => r.figure === 'latency max')!;
      assert.equal(lat.hls, 140);
      assert.match(formatReport(m), /^synthesis beside the estimate of 'tiny'/m);
      assert.match(formatReport(m), /^DSP\s+8\s+[\d,]+\s+[\d.]+×$/m);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('--solution naming no solution: a one-line error, exit 2 (CLI)', async () => {
    const r = await runCli(['report', join(REPORTS, 'handwritten-two-solutions'), '--solution', 'solution9']);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /^edgemoe: error: report: --solution solution9: no such solution/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });
});
