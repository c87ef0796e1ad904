// A sweep dir end to end under local make: emit 4 points of tiny, `make -j 2` with the stand-in vitis_hls (one point's
// exits 1), then gather: three synthesised points beside their estimates and the failed one reported, not dropped.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { formatGathered, gatherSweep } from '../../generator/explore/gather.ts';
import { emitSweep } from '../../generator/explore/jobs.ts';
import { isUserError } from '../../generator/errors.ts';
import { scratch } from '../helpers/paths.ts';
import { emitFourPointSweep, fourPoints, installStandIn } from './sweep-fixture.ts';

describe('explore/jobs: a sweep dir run with make -j 2', function () {
  this.timeout(180_000);
  const root = scratch('edgemoe-sweep-');
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes one design per point, a Makefile target and a Slurm array task per point, sweep.json; deterministic', () => {
    const a = emitFourPointSweep(join(root, 'a'));
    const b = emitFourPointSweep(join(root, 'b'));
    assert.equal(a.points.length, 4);
    for (const p of a.points) assert.ok(existsSync(join(root, 'a', p.dir, 'design.json')), p.id);
    for (const f of ['Makefile', 'sweep.json', 'points/t8x8-p2-a128/src/kernel.cpp', 'points/t8x8-p2-a128/Makefile']) {
      assert.equal(readFileSync(join(root, 'a', f), 'utf8'), readFileSync(join(root, 'b', f), 'utf8'), f);
    }
    const mk = readFileSync(join(root, 'a', 'Makefile'), 'utf8');
    assert.match(mk, new RegExp(`^POINTS := ${a.points.map((p) => p.id).join(' ')}$`, 'm'));
    const sb = readFileSync(join(root, 'a', 'sweep.sbatch'), 'utf8');
    assert.match(sb, /^#SBATCH --array=0-3$/m);
    assert.match(sb, /^#SBATCH --time=0:05:00$/m);
    assert.match(sb, /^#SBATCH --mem=500M$/m);
    assert.match(sb, new RegExp(`^#SBATCH --chdir=${join(root, 'a')}$`, 'm'));
    assert.match(sb, new RegExp(`^POINTS=\\(${a.points.map((p) => p.id).join(' ')}\\)$`, 'm'));
    // Before any run every point is listed as not run.
    const g = gatherSweep(join(root, 'a'));
    assert.deepEqual(g.points.map((p) => p.status), ['not run', 'not run', 'not run', 'not run']);
  });

  it('refuses to write into a non-empty dir that is not a sweep, leaving it as it was', () => {
    const dir = join(root, 'user');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    assert.throws(() => emitSweep(dir, 'tiny', 'zcu102', fourPoints(), { time: '1:00:00', mem: '1G', cpus: 1, settings: '' }), (e) => isUserError(e) && /not a sweep dir/.test((e as Error).message));
    assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine');
    assert.ok(!existsSync(join(dir, 'points')));
  });

  it('make -j 2 synthesises every point through the settings script; the failed point is in the gathered table', async () => {
    const dir = join(root, 'run');
    const tools = installStandIn(join(root, 'tools'));
    // The settings script is what puts vitis_hls on PATH (as Vitis's settings64.sh does).
    const settings = join(root, 'settings.sh');
    writeFileSync(settings, `export PATH=${join(root, 'tools', 'bin')}:$PATH\n`);
    const m = emitFourPointSweep(dir, settings);
    const failing = m.points[2]!.id;
    const r = await execa('make', ['-j', '2'], { cwd: dir, reject: false, env: { PATH: tools.path.split(':').slice(1).join(':'), EDGEMOE_FAKE_FAIL: failing } });
    assert.notEqual(r.exitCode, 0, 'make reports the failed point');
    assert.match(String(r.stdout), new RegExp(`\\[sweep\\] ${failing}: FAILED \\(exit 2`), "make reports the sub-make's exit");
    const calls = tools.calls();
    assert.deepEqual(calls.map((c) => c.cwd).sort(), m.points.filter((p) => p.id !== failing).map((p) => join(dir, p.dir)).sort(), 'each other point ran vitis_hls once in its design dir');
    for (const c of calls) assert.deepEqual(c.args, ['-f', 'run_hls.tcl']);
    const g = gatherSweep(dir);
    assert.deepEqual(g.points.map((p) => p.id), m.points.map((p) => p.id), 'every point, in sweep order');
    for (const p of g.points) {
      if (p.id === failing) {
        assert.equal(p.status, 'failed');
        assert.equal(p.exitCode, 1);
        assert.match(readFileSync(join(dir, p.log!), 'utf8'), /stand-in vitis_hls: synthesis failed/);
      } else {
        assert.equal(p.status, 'synthesised', p.id);
        assert.equal(p.hls!.latencyWorst, 165);
        assert.equal(p.hls!.resources.DSP, 48);
      }
    }
    const text = formatGathered(g);
    assert.match(text, /4 points — 3 synthesised, 1 failed, 0 not run/);
    const row = text.split('\n').find((l) => l.startsWith(failing))!;
    assert.match(row, /FAILED \(exit 1\)/);
    assert.ok(row.includes(Math.round(m.points[2]!.estimate.resources.DSP).toLocaleString('en-US')), 'the failed row keeps its estimate');
  });
});
