// The XRT binding against the real Debian XRT 2.13 in noop emulation. Each scenario runs in a child process so that a
// crash inside XRT (abort, segfault, exit()) shows up as a failed test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { noopEmulationEnv } from '../../../host/xrt/noop.ts';
import { ROOT, scratch } from '../../helpers/paths.ts';
import { requireXrt } from '../../helpers/xrt.ts';

const CHILD = join(ROOT, 'test', 'host', 'fixtures', 'xrt-child.ts');

interface Child {
  exitCode: number | undefined;
  signal: string | undefined;
  stderr: string;
  out: Record<string, any>;
}

async function child(scenario: string, env: Record<string, string>, extra: string[] = []): Promise<Child> {
  const dir = scratch('edgemoe-xrt-');
  const base = { ...process.env };
  for (const k of ['XCL_EMULATION_MODE', 'EMCONFIG_PATH', 'XILINX_XRT', 'XRT_INI_PATH', 'EDGEMOE_XRT_LIB_PATH']) delete base[k];
  const r = await execa(process.execPath, ['--import', 'tsx', CHILD, scenario, dir, ...extra], { env: { ...base, ...env }, extendEnv: false, reject: false, cwd: ROOT });
  const line = String(r.stdout).trim().split('\n').pop() ?? '';
  let out: Record<string, any> = {};
  try {
    out = JSON.parse(line);
  } catch {
    // leave empty: the assertions below report exit code, signal and stderr
  }
  return { exitCode: r.exitCode, signal: r.signal, stderr: String(r.stderr), out };
}

function assertClean(c: Child): void {
  assert.equal(c.signal, undefined, `child killed by ${c.signal}; stderr:\n${c.stderr}`);
  assert.equal(c.exitCode, 0, `child exit ${c.exitCode}; stderr:\n${c.stderr}`);
  // XRT's messages go to its log file, never to the user's terminal.
  assert.doesNotMatch(c.stderr, /\[XRT\]/);
}

describe('host/xrt (real XRT 2.13, noop emulation)', function () {
  this.timeout(60_000);
  before(function () {
    requireXrt(this);
  });
  const noop = () => noopEmulationEnv(join(scratch('edgemoe-emconfig-'), 'em'));

  it('opens the device, loads the xclbin, round-trips buffers, sets every argument, runs to COMPLETED, closes, exits 0', async () => {
    const c = await child('flow', noop());
    assertClean(c);
    assert.equal(c.out.roundTrip, true);
    assert.equal(c.out.partial, true);
    assert.match(c.out.badInt.message, /argument 2 'n' \(int\) cannot hold 2147483648/);
    assert.match(c.out.badKind.message, /argument 0 'a' is a pointer; pass a buffer/);
  });

  it('closes handles left open at process exit (XRT would crash otherwise); removes run dirs of dead processes', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const stale = join(tmpdir(), `edgemoe-${userInfo().uid}`, `run-${dead}-test`);
    mkdirSync(stale, { recursive: true });
    const c = await child('leak', noop());
    assertClean(c);
    assert.equal(c.out.leaked, true);
    assert.equal(existsSync(stale), false);
  });

  it('turns every malformed or mismatched xclbin into a JS error; the process lives on and XRT still works', async () => {
    const c = await child('malformed', noop());
    assertClean(c);
    const e = c.out.errors;
    for (const k of ['empty', 'short', 'outside', 'garbage', 'wrongKernel', 'wrongArgs', 'missing']) assert.equal(e[k]?.kind, 'user', `${k}: ${JSON.stringify(e[k])}`);
    assert.match(e.empty.message, /empty\.xclbin: invalid xclbin: the file is empty/);
    assert.match(e.short.message, /shorter than the 496-byte axlf header/);
    assert.match(e.outside.message, /section 0 \(kind 2, 'metadata'\) at offset \d+ with \d+ bytes lies outside the file/);
    assert.match(e.garbage.message, /header length \d+ does not match the file size 4096/);
    assert.match(e.wrongKernel.message, /has no kernel 'vadd' \(design\.json's kernel\); it has 'other'/);
    assert.match(e.wrongArgs.message, /argument 2 \(name, scalar type\): design\.json has 'n' \(scalar int\), the xclbin has 'scale' \(scalar float\)/);
    assert.match(e.missing.message, /cannot read xclbin file .*nope\.xclbin: no such file/);
    assert.equal(c.out.roundTrip, true);
  });

  it('reports a missing device with XRT\'s own message (from its log), without crashing', async () => {
    const c = await child('nodevice', {});
    assertClean(c);
    assert.equal(c.out.error.kind, 'unavailable');
    assert.equal(c.out.error.message, "XRT: no device 0 (Could not open device with index '0')");
  });

  it('reports a missing library (empty search path) as unavailable', async () => {
    const empty = scratch('edgemoe-nolib-');
    mkdirSync(empty, { recursive: true });
    const c = await child('nodevice', { ...noop(), EDGEMOE_XRT_LIB_PATH: empty });
    assertClean(c);
    assert.equal(c.out.error.kind, 'unavailable');
    assert.match(c.out.error.message, /libxrt_coreutil\.so\.2 not found \(searched .* from EDGEMOE_XRT_LIB_PATH\)/);
  });

  it('refuses sw_emu without Vitis instead of letting XRT call exit()', async () => {
    const c = await child('nodevice', { XCL_EMULATION_MODE: 'sw_emu' });
    assertClean(c);
    assert.match(c.out.error.message, /XCL_EMULATION_MODE=sw_emu needs a Vitis install/);
  });
});

describe('host/accelerator over XRT (noop emulation)', function () {
  this.timeout(60_000);
  before(function () {
    requireXrt(this);
  });
  const noop = () => noopEmulationEnv(join(scratch('edgemoe-emconfig-'), 'em'));

  it('binds one BO per bundle once, then sets only the scalars that change (task switch = one setArg)', async () => {
    const c = await child('accelerator', noop());
    assertClean(c);
    assert.equal(c.out.backend, 'xrt');
    assert.match(c.out.selection, /^backend: xrt \(device 0, .*toy\.xclbin, .*libxrt_coreutil\.so\.2\)$/);
    // toy kernel args: 0 inout1, 1 weights, 2 num_images, 3 task, 4 reload, 5 debug_stop
    assert.deepEqual(c.out.perRun, [
      ['0=bo', '1=bo'],
      ['2=1', '3=0', '4=1', '5=0'],
      ['3=1', '4=0'],
      ['3=0'],
      ['2=2'],
    ]);
    assert.deepEqual(c.out.outputs, [24]);
  });

  it('auto falls back to csim when libxrt is not on the search path, saying why', async () => {
    const empty = scratch('edgemoe-nolib-');
    const c = await child('accelerator', { ...noop(), EDGEMOE_XRT_LIB_PATH: empty }, ['auto']);
    assertClean(c);
    assert.equal(c.out.backend, 'csim');
    assert.match(c.out.selection, /^backend: csim \(.*\) — auto: XRT not usable \(libxrt_coreutil\.so\.2 not found \(searched .* from EDGEMOE_XRT_LIB_PATH\).*\), using C simulation$/);
  });
});
