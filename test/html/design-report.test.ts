// The HTML report end to end: `csim --html` and `report --html` on the tiny design (a real g++ csim run), the
// sections that have no data naming their command, a corrupt run record (exit 2, the file named), and the page
// opened in a real headless browser (no console error, no request, every chart drawn).
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { resolveConfig } from '../../generator/config/index.ts';
import { RUNS_DIR } from '../../generator/csim/record.ts';
import { emitDesign } from '../../generator/emit/emit.ts';
import { startBrowser, checkPage } from '../helpers/browser.ts';
import { runCli } from '../helpers/cli.ts';
import { REPORTS, scratch, TINY } from '../helpers/paths.ts';

const charts = (html: string) => (html.match(/<figure class="chart"><svg/g) ?? []).length;

describe('html: the report of a design (report --html, csim --html)', function () {
  this.timeout(600_000);
  const root = scratch('edgemoe-html-');
  const dir = join(root, 'tiny');
  const weights = join(TINY, 'weights.safetensors');
  const image = join(TINY, 'image.png');
  const record = join(dir, RUNS_DIR, 'image.task1.json');
  before(() => emitDesign(resolveConfig({ preset: 'tiny' }), dir));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('a design with no csim run and no synthesis report still renders; each empty section names its command', async () => {
    const out = join(root, 'empty.html');
    const r = await runCli(['report', dir, '--html', out]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, `wrote ${out}`);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /No MoE routing \(from a traced csim run\) here: <code>edgemoe csim -d \S+ -w WEIGHTS --trace -t TASK IMAGE<\/code>/);
    assert.match(html, /No per-op error \(from a traced csim run\) here: <code>edgemoe csim [^<]*--trace/);
    assert.match(html, /No csim cycle counts here: <code>edgemoe csim [^<]*--cycles/);
    assert.match(html, /No C-synthesis report \(\*_csynth\.xml\) here: <code>edgemoe build -d \S+ --target hls<\/code>/);
    // The estimate is always there: cycles per op and resources against the board.
    assert.equal(charts(html), 2);
  });

  it('csim --trace --cycles --html: one page for the run, and the run kept for report --html', async () => {
    const out = join(root, 'csim.html');
    const r = await runCli(['csim', '-d', dir, '-w', weights, '-t', '1', '--trace', '--cycles', '--html', out, image]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^recorded ${record.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    assert.match(r.stdout, new RegExp(`^wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    const html = readFileSync(out, 'utf8');
    // tiny: 1 MoE block × 1 run → a map and a load chart; error: MSE/var and cosine; cycles: estimate and counted;
    // resources. The image (9 tokens: cls + a 2×4 grid) is inlined in the map.
    assert.equal(charts(html), 7);
    assert.match(html, /block 1 · image · task1/);
    assert.match(html, /<image [^>]*href="data:image\/png;base64,/);
    assert.match(html, /Every op counts exactly what the estimate predicts/);
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);
  });

  it('report --html over the kept run and a C-synthesis report: synthesis beside the estimate; same bytes twice', async () => {
    cpSync(join(REPORTS, 'Vivado'), join(dir, 'hls_prj'), { recursive: true });
    const a = join(root, 'a.html');
    const b = join(root, 'b.html');
    for (const out of [a, b]) {
      const r = await runCli(['report', dir, '--html', out]);
      assert.equal(r.exitCode, 0, r.stderr);
    }
    const html = readFileSync(a, 'utf8');
    assert.equal(html, readFileSync(b, 'utf8'));
    assert.match(html, /top <code>myproject<\/code>/);
    assert.doesNotMatch(html, /No C-synthesis report/);
    assert.equal(charts(html), 8);
  });

  it('opens in a real headless browser: no console error, no network request, every chart drawn', async function () {
    const got = await startBrowser();
    if (typeof got === 'string') {
      console.log(`      skipped: ${got}`);
      this.skip();
    }
    const browser = got as Browser;
    try {
      const seen = await checkPage(browser, join(root, 'a.html'));
      assert.deepEqual(seen.errors, []);
      assert.deepEqual(seen.requests, []);
      assert.equal(seen.charts, 8);
      assert.equal(seen.chartsVisible, 8);
      assert.deepEqual(seen.sections, ['runs', 'routing', 'error', 'cycles', 'resources', 'synthesis']);
      assert.deepEqual(seen.missing, []);
    } finally {
      await browser.close();
    }
  });

  it('report --html with profile.json and explore.json in the design dir (or named by --profile / --explore): their pictures added', async () => {
    const p = await runCli(['profile', '-p', 'tiny', '-w', weights, '--images', image, '-o', join(dir, 'profile.json')]);
    assert.equal(p.exitCode, 0, p.stderr);
    const x = await runCli(['explore', '-p', 'tiny', '--top', '0', '-o', join(root, 'explore-out'), '--json']);
    assert.equal(x.exitCode, 0, x.stderr);
    writeFileSync(join(dir, 'explore.json'), x.stdout);
    const out = join(root, 'c.html');
    const r = await runCli(['report', dir, '--html', out]);
    assert.equal(r.exitCode, 0, r.stderr);
    const html = readFileSync(out, 'utf8');
    // The 8 of a.html, the weights' and the activations' profile boxes, the Pareto picture.
    assert.equal(charts(html), 11);
    assert.match(html, /id="profile"/);
    assert.match(html, /id="explore"/);
    assert.match(html, new RegExp(`${JSON.parse(x.stdout).front.length} on the Pareto front`));
    // Named by options instead (moved out of the dir): the same page apart from the file names.
    cpSync(join(dir, 'profile.json'), join(root, 'p.json'));
    cpSync(join(dir, 'explore.json'), join(root, 'x.json'));
    rmSync(join(dir, 'profile.json'));
    rmSync(join(dir, 'explore.json'));
    const d = join(root, 'd.html');
    const r2 = await runCli(['report', dir, '--html', d, '--profile', join(root, 'p.json'), '--explore', join(root, 'x.json')]);
    assert.equal(r2.exitCode, 0, r2.stderr);
    assert.equal(charts(readFileSync(d, 'utf8')), 11);
    const got = await startBrowser();
    if (typeof got === 'string') return;
    try {
      const seen = await checkPage(got, d);
      assert.deepEqual(seen.errors, []);
      assert.deepEqual(seen.requests, []);
      assert.equal(seen.chartsVisible, 11);
      assert.deepEqual(seen.sections, ['runs', 'routing', 'error', 'cycles', 'resources', 'synthesis', 'profile', 'explore']);
    } finally {
      await got.close();
    }
  });

  it('a corrupt explore or profile JSON: exit 2 naming the file and the field, no page written', async () => {
    const out = join(root, 'bad.html');
    const bad = join(root, 'bad.json');
    writeFileSync(bad, '{"name": "tiny", "platform": "zcu102", "ranked": [{"id": "t1"}]');
    const r = await runCli(['report', dir, '--html', out, '--explore', bad]);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: corrupt explore JSON \\(edgemoe explore --json\\) \\(not JSON\\)`));
    writeFileSync(bad, JSON.stringify({ name: 'tiny', platform: 'zcu102', ranked: [{ id: 't1', latency: null, resources: { DSP: 1 } }], front: [], checks: [], chosen: null }));
    const r2 = await runCli(['report', dir, '--html', out, '--explore', bad]);
    assert.equal(r2.exitCode, 2);
    assert.match(r2.stderr, /corrupt explore JSON \(edgemoe explore --json\) \(ranked\[0\]\.latency\.ms: expected a number\)/);
    writeFileSync(bad, JSON.stringify({ config: 'tiny', images: [], tasks: [], gates: [], weights: [{ name: 'w', ctype: 'x' }], activations: [] }));
    const r3 = await runCli(['report', dir, '--html', out, '--profile', bad]);
    assert.equal(r3.exitCode, 2);
    assert.match(r3.stderr, /corrupt profile JSON \(edgemoe profile -o\) \(weights\[0\]\.lsb: expected a number\)/);
    const r4 = await runCli(['report', dir, '--html', out, '--profile', join(root, 'none.json')]);
    assert.equal(r4.exitCode, 2);
    assert.match(r4.stderr, /--profile \S+none\.json: no such file/);
    assert.ok(!existsSync(out));
  });

  it('a corrupt run record: exit 2 naming the file, the existing page left as it was', async () => {
    const out = join(root, 'a.html');
    const before = readFileSync(out, 'utf8');
    writeFileSync(record, readFileSync(record, 'utf8').slice(0, 200));
    const r = await runCli(['report', dir, '--html', out]);
    assert.equal(r.exitCode, 2);
    assert.equal(r.stderr.split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^edgemoe: error: ${record.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: corrupt csim trace record \\(not JSON`));
    assert.equal(readFileSync(out, 'utf8'), before);
    // Well-formed JSON of the wrong shape is named the same way, with the field.
    writeFileSync(record, JSON.stringify({ format: 'edgemoe-csim-run/1', configHash: 'x' }));
    const r2 = await runCli(['report', dir, '--html', out]);
    assert.equal(r2.exitCode, 2);
    assert.match(r2.stderr, /corrupt csim trace record \(image: /);
    assert.ok(!existsSync(`${out}.tmp-${process.pid}`));
  });
});
