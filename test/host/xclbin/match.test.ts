// Kernel matching between an xclbin (made with the project's writer) and design.json: HLS's documented renaming of
// an argument that collides with an HDL keyword (`task` → `task_r`) is accepted, by matchKernel and by the host's
// XRT path (what `edgemoe run` opens); a truly different argument list is refused as before.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { join } from 'node:path';
import { resolveConfig } from '../../../generator/config/index.ts';
import { readDesign } from '../../../generator/emit/design.ts';
import { emitDesign } from '../../../generator/emit/emit.ts';
import { isHdlKeyword } from '../../../generator/build/hdl-keywords.ts';
import { matchKernel, sameArgName } from '../../../host/xclbin/match.ts';
import { parseXclbin } from '../../../host/xclbin/reader.ts';
import { buildXclbin, specForDesign } from '../../../host/xclbin/writer.ts';
import { noopEmulationEnv } from '../../../host/xrt/noop.ts';
import { ROOT, scratch } from '../../helpers/paths.ts';
import { requireXrt } from '../../helpers/xrt.ts';
import { toyManifest } from '../fixtures/toy-design.ts';

/** The toy design's xclbin with argument `i` renamed. */
function renamed(i: number, name: string) {
  const s = specForDesign(toyManifest());
  return parseXclbin(buildXclbin({ ...s, args: s.args.map((a, k) => (k === i ? { ...a, name } : a)) }), 'k.xclbin');
}

describe('host/xclbin match: HLS keyword renaming', () => {
  const m = toyManifest();
  const taskIndex = m.kernel.args.findIndex((a) => a.name === 'task');

  it('accepts `task_r` for design.json\'s `task` (HLS renames HDL keywords with _r)', () => {
    assert.ok(taskIndex >= 0 && isHdlKeyword('task'));
    assert.equal(matchKernel(renamed(taskIndex, 'task_r'), m.kernel, 'k.xclbin').args[taskIndex]!.name, 'task_r');
    assert.ok(sameArgName('task', 'task') && sameArgName('task_r', 'task'));
    assert.ok(!sameArgName('task', 'task_r') && !sameArgName('task_rr', 'task') && !sameArgName('tusk', 'task'));
  });

  it('still refuses a different name, order or kind at that position', () => {
    assert.throws(() => matchKernel(renamed(taskIndex, 'task_id'), m.kernel, 'k.xclbin'), /argument \d+ \(name\): design\.json has 'task' \(scalar int\), the xclbin has 'task_id' \(scalar int\)/);
    assert.throws(() => matchKernel(renamed(taskIndex, 'reload_r'), m.kernel, 'k.xclbin'), /\(name\): design\.json has 'task'/);
    const s = specForDesign(m);
    const swapped = [...s.args];
    [swapped[taskIndex], swapped[taskIndex + 1]] = [{ ...swapped[taskIndex + 1]!, name: 'reload' }, { ...swapped[taskIndex]!, name: 'task_r' }];
    assert.throws(() => matchKernel(parseXclbin(buildXclbin({ ...s, args: swapped }), 'k.xclbin'), m.kernel, 'k.xclbin'), /does not match design\.json/);
  });

  it('generated designs name no argument after an HDL keyword', () => {
    const plan = resolveConfig({ preset: 'tiny' });
    const dir = scratch();
    try {
      const d = readDesign(emitDesign(plan, join(dir, 'tiny')).dir);
      const names = d.manifest.kernel.args.map((a) => a.name);
      assert.ok(names.includes('task_id'), names.join(', '));
      for (const n of names) assert.ok(!isHdlKeyword(n), `${n} is an HDL keyword`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the host over XRT with an HLS-renamed argument (noop emulation)', function () {
  this.timeout(300_000);
  let root: string;
  before(() => {
    root = scratch();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  /** Opens the toy design (its scalar is `task`) over XRT with `xclbin` and runs one inference, in a child process. */
  async function runToy(xclbin: string): Promise<{ ok?: number; error?: string }> {
    const child = join(root, 'child.mts');
    writeFileSync(child, `
import { Accelerator } from ${JSON.stringify(join(ROOT, 'host', 'accelerator.ts'))};
import { loadDesign } from ${JSON.stringify(join(ROOT, 'host', 'design.ts'))};
import { writeToyDesign, toyWeights, buildToyLibrary } from ${JSON.stringify(join(ROOT, 'test', 'host', 'fixtures', 'toy-design.ts'))};
const dir = process.argv[2];
try {
  const design = loadDesign(writeToyDesign(dir + '/toy'));
  const acc = await Accelerator.open(design, { backend: 'xrt', xclbin: process.argv[3], csimLibrary: await buildToyLibrary(dir) });
  acc.loadWeights({ bytes: toyWeights([256, 512], new Array(12).fill(0)), hash: 'w', origin: 'test' });
  const r = acc.infer([new Uint8Array(24).fill(7)], 'depth');
  console.log(JSON.stringify({ ok: r.outputs.length }));
} catch (e) {
  console.log(JSON.stringify({ error: (e as Error).message }));
}
`);
    const r = await execa(process.execPath, ['--import', 'tsx', child, root, xclbin], { env: { ...process.env, ...noopEmulationEnv(join(root, 'em')) }, reject: false, cwd: ROOT });
    return JSON.parse(String(r.stdout).trim().split('\n').pop() || '{}');
  }

  it('accepts an xclbin naming `task_r` where design.json says `task`; refuses a truly different list', async function () {
    requireXrt(this);
    const spec = specForDesign(toyManifest());
    const good = join(root, 'renamed.xclbin');
    writeFileSync(good, buildXclbin({ ...spec, args: spec.args.map((a) => (a.name === 'task' ? { ...a, name: 'task_r' } : a)) }));
    assert.deepEqual(await runToy(good), { ok: 1 });
    const bad = join(root, 'other.xclbin');
    writeFileSync(bad, buildXclbin({ ...spec, args: spec.args.map((a) => (a.name === 'task' ? { ...a, name: 'gate_sel' } : a)) }));
    const r = await runToy(bad);
    assert.match(r.error ?? '', /kernel 'toy_top' does not match design\.json:\n\s+argument \d+ \(name\): design\.json has 'task' \(scalar int\), the xclbin has 'gate_sel'/);
  });
});
