// `edgemoe explore` and `edgemoe sweep gather` as a user runs them, on the tiny preset (fast): the Pareto front, the
// csim check of the best point against the float reference, the chosen config, the HTML page, the sweep dir, bad input.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { runCli } from '../helpers/cli.ts';
import { longIt } from '../helpers/long.ts';
import { TINY, scratch } from '../helpers/paths.ts';

const IMAGE = join(TINY, 'image.png');

describe('commands: explore and sweep gather (CLI)', function () {
  this.timeout(300_000);
  const root = scratch('edgemoe-explore-');
  after(() => rmSync(root, { recursive: true, force: true }));

  it('explore -p tiny --top 1 --json: the best point C-simulated within tolerance, its config written and estimated the same', async () => {
    const out = join(root, 'x1');
    const r = await runCli(['explore', '-p', 'tiny', '--top', '1', '--images', IMAGE, '-o', out, '--json']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /explore: estimated \d+\/\d+/, 'progress on stderr');
    const j = JSON.parse(r.stdout);
    assert.equal(j.platform, 'zcu102');
    assert.equal(j.chosen.id, j.ranked[0].id, 'the fastest point, which passed its check, is chosen');
    // --top 1 plus the best point of each other precision: the fastest is a w8 point (8-bit weights, 16-bit
    // activations), the best of the act16 profile and of tiny's own precision are checked beside it, in rank order.
    type P = { id: string; knobs: { precision: string; patchEmbed?: string } };
    const bestOf = (prof: string) => j.ranked.find((p: P) => p.knobs.precision === prof) as P;
    assert.equal(j.ranked[0].knobs.precision, 'w8');
    const rank = (p: P) => j.ranked.findIndex((q: P) => q.id === p.id);
    const checked = [bestOf('w8'), bestOf('act16'), bestOf('own')].sort((a, b) => rank(a) - rank(b));
    assert.deepEqual(j.checks.map((c: { id: string }) => c.id), checked.map((p) => p.id));
    assert.ok(!j.ranked.some((p: P) => p.knobs.precision === 'w8' && p.knobs.patchEmbed === 'unified'), 'w8 never with the patch embedding on the unit');
    const own = j.checks.find((c: { id: string }) => c.id === bestOf('own').id);
    // The w8 point was packed as `pack` packs its config: GPTQ on the shipped calibration set (the sidecar names it).
    const w8 = bestOf('w8');
    const meta = JSON.parse(readFileSync(join(out, 'designs', w8.id, 'weights.bin.meta.json'), 'utf8'));
    assert.deepEqual(meta.calibration, ['chelsea-256x128.png', 'hubble-256x128.png', 'retina-256x128.png', 'rocket-256x128.png']);
    assert.match(r.stderr, /GPTQ statistics of tiny on the shipped calibration set/);
    // tiny's csim vs the float reference: MSE/var ≈ 3e-5 (README); every token routed to the reference's experts.
    assert.ok(own.relMse < 1e-4 && own.cosine > 0.9999 && own.topkAgreement === 1 && own.passed, JSON.stringify(own));
    // ap_fixed<16,5> activations rounded: within the 1e-3 bound, every token routed alike.
    const a16 = j.checks.find((c: { id: string }) => c.id === bestOf('act16').id);
    assert.ok(a16.relMse > own.relMse && a16.relMse < 1e-3 && a16.topkAgreement === 1 && a16.passed, JSON.stringify(a16));
    // 8-bit weights: coarser again, still within the bound with every token routed alike.
    const w8c = j.checks.find((c: { id: string }) => c.id === w8.id);
    assert.ok(w8c.relMse > a16.relMse && w8c.relMse < 1e-3 && w8c.topkAgreement === 1 && w8c.passed, JSON.stringify(w8c));
    for (const p of j.front) for (const q of j.front) if (p !== q) assert.ok(!(q.latency.cycles <= p.latency.cycles && q.resources.DSP < p.resources.DSP), `${q.id} dominates ${p.id}`);
    // The chosen config extends the preset and gives back the chosen knobs; estimate agrees with explore.
    const file = join(out, `tiny-${j.chosen.id}.json`);
    const chosen = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(chosen.extends, 'tiny');
    const cfg = resolveConfig({ file });
    assert.deepEqual(cfg.hardware.linearTile, { in: j.chosen.knobs.tileIn, out: j.chosen.knobs.tileOut });
    assert.equal(cfg.hardware.attnParallel, j.chosen.knobs.attnParallel);
    // The chosen point's precision profile is written out (it is not the preset's): the -w8 preset's precision.
    assert.deepEqual(cfg.precision, resolveConfig({ preset: 'm3vit-t-cityscapes-w8' }).precision);
    assert.equal(cfg.hardware.activations === 'onchip', j.chosen.knobs.activations === 'onchip');
    assert.equal(cfg.hardware.attention === 'fused', j.chosen.knobs.attention === 'fused');
    assert.equal(cfg.hardware.gate === 'unified', j.chosen.knobs.gate === 'unified');
    // Four weight ports merge the activation bundles only where they live in DRAM.
    assert.deepEqual(cfg.hardware.bundles, j.chosen.knobs.weightPorts === 4 && !j.chosen.knobs.activations ? { inout1: cfg.hardware.bundles.inout1, inout2: cfg.hardware.bundles.inout2, weights: ['weights'] } : resolveConfig({ preset: 'tiny' }).hardware.bundles);
    const e = await runCli(['estimate', '-c', file, '--json']);
    assert.equal(e.exitCode, 0, e.stderr);
    assert.equal(JSON.parse(e.stdout).totals.bound, j.chosen.latency.cycles);
    const html = readFileSync(join(out, 'explore.html'), 'utf8');
    assert.equal((html.match(/<figure class="chart"><svg/g) ?? []).length, 1, 'one chart, inline SVG');
    assert.ok(!/<script|https?:\/\/(?!www\.w3\.org|vega\.github\.io)/.test(html.replace(/xmlns(:\w+)?="[^"]*"/g, '')), 'self-contained');
    assert.ok(html.includes(j.chosen.id));
    assert.ok(existsSync(join(out, 'designs', j.chosen.id, 'design.json')), 'the checked design is kept');
  });

  // Long: two explores (30 s); the pool itself is in the fast set (test/host/pool/map.test.ts).
  longIt('explore --top 1 with two images: -j 2 (images on two worker processes) checks exactly as -j 1', async () => {
    const images = [IMAGE, join(TINY, 'image.npy')];
    const run = (jobs: string, out: string) => runCli(['explore', '-p', 'tiny', '--top', '1', '--images', ...images, '-j', jobs, '-o', join(root, out), '--json']);
    const one = await run('1', 'j1');
    const two = await run('2', 'j2');
    assert.equal(one.exitCode, 0, one.stderr);
    assert.equal(two.exitCode, 0, two.stderr);
    assert.match(one.stderr, /two points at a time/);
    assert.match(two.stderr, /one point at a time, its images on 2 processes/);
    const c1 = JSON.parse(one.stdout).checks, c2 = JSON.parse(two.stdout).checks;
    assert.equal(c2[0].images.length, 2);
    assert.deepEqual(c2, c1);
  });

  it('explore --top 0 prints the Pareto front table and the chosen point; same input, same chosen config', async () => {
    const runs = await Promise.all(['a', 'b'].map((d) => runCli(['explore', '-p', 'tiny', '--top', '0', '--objective', 'dsp', '-o', join(root, d)])));
    for (const r of runs) assert.equal(r.exitCode, 0, r.stderr);
    const t = runs[0]!.stdout;
    assert.match(t, /^tiny on ZCU102 .*: \d+ grid points, \d+ rejected by the config rules, \d+ skipped \(w8 with the patch embedding on the linear unit .*\), \d+ estimated, \d+ fit under 90% of every resource$/m);
    assert.match(t, /^point\s+tile, P, AXI\s+ms \(high\)\s+ms \(low\)\s+limited by\s+DSP\s+BRAM36\s+URAM\s+LUT\s+FF\s+highest util\s+MSE\/var\s+cosine\s+top-k$/m);
    const star = t.split('\n').filter((l) => l.startsWith('*'));
    assert.equal(star.length, 1, 'one chosen row');
    // Ranked by DSP: the chosen point is the cheapest, the first row of the front (sorted by DSP).
    const rows = t.split('\n').filter((l) => /^[* +]t\d/.test(l));
    assert.equal(rows[0], star[0]);
    const id = star[0]!.slice(1).split(/\s+/)[0]!;
    assert.match(t, new RegExp(`^chosen: ${id}, [\\d.]+ ms modelled`, 'm'));
    assert.equal(readFileSync(join(root, 'a', `tiny-${id}.json`), 'utf8'), readFileSync(join(root, 'b', `tiny-${id}.json`), 'utf8'));
    assert.equal(readFileSync(join(root, 'a', 'explore.html'), 'utf8').replace(/-o \S+/, ''), readFileSync(join(root, 'b', 'explore.html'), 'utf8').replace(/-o \S+/, ''));
  });

  it('explore --emit-jobs writes a sweep of the Pareto front; sweep gather lists every point as not run yet', async () => {
    const jobs = join(root, 'jobs');
    const r = await runCli(['explore', '-p', 'tiny', '--top', '0', '-o', join(root, 'x3'), '--emit-jobs', jobs, '--slurm-time', '1:00:00', '--slurm-mem', '8G', '--vitis-settings', '/opt/Xilinx/Vitis/2023.2/settings64.sh', '--json']);
    assert.equal(r.exitCode, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    const sweep = JSON.parse(readFileSync(join(jobs, 'sweep.json'), 'utf8'));
    assert.deepEqual(sweep.points.map((p: { id: string }) => p.id), j.front.map((p: { id: string }) => p.id));
    const sb = readFileSync(join(jobs, 'sweep.sbatch'), 'utf8');
    assert.match(sb, new RegExp(`^#SBATCH --array=0-${j.front.length - 1}$`, 'm'));
    assert.match(sb, /^#SBATCH --time=1:00:00$/m);
    assert.match(sb, /^#SBATCH --mem=8G$/m);
    assert.match(sb, /VITIS_SETTINGS:-\/opt\/Xilinx\/Vitis\/2023\.2\/settings64\.sh/);
    assert.match(readFileSync(join(jobs, 'Makefile'), 'utf8'), /^VITIS_SETTINGS \?= \/opt\/Xilinx\/Vitis\/2023\.2\/settings64\.sh$/m);
    const g = await runCli(['sweep', 'gather', jobs]);
    assert.equal(g.exitCode, 0, g.stderr);
    assert.match(g.stdout, new RegExp(`${j.front.length} points — 0 synthesised, 0 failed, ${j.front.length} not run`));
    const gj = await runCli(['sweep', 'gather', jobs, '--json']);
    assert.equal(JSON.parse(gj.stdout).points.length, j.front.length);
    // edgemoe report on a sweep dir gives the same table.
    const rep = await runCli(['report', jobs]);
    assert.equal(rep.exitCode, 0, rep.stderr);
    assert.equal(rep.stdout, g.stdout);
  });

  it('bad input: one line naming the option or resource, exit 2, nothing written', async () => {
    const out = join(root, 'bad');
    const cases: Array<[string[], RegExp]> = [
      [['--max-util', '1.5'], /--max-util '1\.5': expected a number in \(0, 1\]/],
      [['--objective', 'power'], /--objective.*power.*(latency|choices)/],
      [['--platform', 'vck190'], /--platform.*vck190/],
      [['--top', '1', '--images', join(root, 'nope.png')], /--images: cannot read .*nope\.png/],
      [['--top', '2'], /no shipped photograph of the model's input size 64x32 .*--images/],
      [['--slurm-mem', 'lots'], /--slurm-mem 'lots'/],
      // tiny needs more than 252 DSPs in every point (kernel v2 counts every exp/recip unit): under 10 % of 2,520 nothing fits.
      [['--max-util', '0.1', '--top', '0'], /^edgemoe: error: explore: no point of tiny fits the ZCU102 .* under 10% utilisation: every one of the \d+ points is over on DSP \(the least any point needs is [\d,]+, the cap 252 of 2,520\)/],
    ];
    // Independent spawns, started together.
    const runs = await Promise.all(cases.map(([args]) => runCli(['explore', '-p', 'tiny', '-o', out, ...args])));
    for (const [i, [args, want]] of cases.entries()) {
      const r = runs[i]!;
      assert.equal(r.exitCode, 2, `${args.join(' ')}: ${r.stderr}`);
      // Progress lines may come before the error line, commander's usage after it.
      const line = r.stderr.split('\n').find((l) => /error:/.test(l));
      assert.match(`${line}\n`, want, args.join(' '));
      assert.ok(!existsSync(out), `${args.join(' ')}: nothing written`);
    }
    writeFileSync(join(root, 'plain.txt'), 'x');
    const g = await runCli(['sweep', 'gather', root]);
    assert.equal(g.exitCode, 2);
    assert.match(g.stderr, /is not a sweep dir \(no sweep\.json/);
  });

  // ViT-S's whole grid (tens of thousands of points) takes a minute or two of CPU: a long test.
  longIt('no point fits: ViT-S on the ZCU102 under 60 % names every resource some point breaks, exit 2, nothing written', async function (this: Mocha.Context) {
    this.timeout(1_200_000);
    const out = join(root, 'bad-vits');
    // A board that holds no point under the cap (ViT-S on the ZCU102 at 60 %: with the patch embedding on the linear
    // unit (no 384 × 768 patch_w) ViT-S fits it at 75 %; at 60 % most points break DSP and BRAM, the rest LUT or FF):
    // every resource some point breaks is named with its count, the most frequent first; the input config, made for a
    // U280, is not refused for the ZCU102.
    const vits = await runCli(['explore', '-p', 'm3vit-s-pascal', '--platform', 'zcu102', '--top', '0', '--max-util', '0.6', '-o', out]);
    assert.equal(vits.exitCode, 2, vits.stderr);
    const line = vits.stderr.split('\n').find((l) => /error:/.test(l))!;
    const m = /^edgemoe: error: explore: no point of m3vit-s-pascal fits the ZCU102 .* under 60% utilisation(?:: every one of the (\d+) points is over on (\w+)|; no single resource binds them all, each point is over on one or more of: (\w+) \(the least any point needs is [\d,]+, the cap [\d,]+ of [\d,]+\) in (\d+)\/(\d+))/.exec(line);
    assert.ok(m, line);
    assert.ok(/BRAM36/.test(line), `block RAM is among what binds: ${line}`);
    assert.ok(!existsSync(out), 'nothing written');
  });
});
