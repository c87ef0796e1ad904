import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { dirFromLdconfig, findUserIni, findXrtLibDir, iniWithLog, librarySearchDirs, XrtUnavailable } from '../../../host/xrt/env.ts';
import { ROOT, scratch } from '../../helpers/paths.ts';
import { requireXrt } from '../../helpers/xrt.ts';

describe('host/xrt/env', () => {
  it('searches EDGEMOE_XRT_LIB_PATH alone when set, else XILINX_XRT/lib, LD_LIBRARY_PATH, then system dirs', () => {
    assert.deepEqual(librarySearchDirs({ EDGEMOE_XRT_LIB_PATH: '/a:/b', XILINX_XRT: '/x' }), ['/a', '/b']);
    const d = librarySearchDirs({ XILINX_XRT: '/x', LD_LIBRARY_PATH: '/l1:/l2' });
    assert.deepEqual(d.slice(0, 4), ['/x/lib', '/l1', '/l2', '/opt/xilinx/xrt/lib']);
    assert.ok(d.includes('/usr/lib/x86_64-linux-gnu'));
  });

  it('finds the directory holding libxrt_coreutil.so.2, or says where it looked', () => {
    const dir = scratch();
    const lib = join(dir, 'lib');
    mkdirSync(lib);
    writeFileSync(join(lib, 'libxrt_coreutil.so.2'), '');
    assert.equal(findXrtLibDir({ EDGEMOE_XRT_LIB_PATH: `${join(dir, 'none')}:${lib}` }), lib);
    assert.throws(
      () => findXrtLibDir({ EDGEMOE_XRT_LIB_PATH: join(dir, 'none') }),
      (e: unknown) => e instanceof XrtUnavailable && /libxrt_coreutil\.so\.2 not found \(searched .*none from EDGEMOE_XRT_LIB_PATH\)/.test((e as Error).message),
    );
  });

  it('reads the loader cache (ldconfig -p) as a last resort', () => {
    const text = '1234 libs found in cache `/etc/ld.so.cache\'\n\tlibxrt_coreutil.so (libc6,x86-64) => /opt/x/lib/libxrt_coreutil.so\n\tlibxrt_coreutil.so.2 (libc6,x86-64) => /opt/x/lib/libxrt_coreutil.so.2\n';
    assert.equal(dirFromLdconfig(text), '/opt/x/lib');
    assert.equal(dirFromLdconfig('\tlibxrt_coreutil.so.2 (libc6) => /lib32/libxrt_coreutil.so.2\n'), undefined);
    assert.equal(dirFromLdconfig(''), undefined);
  });

  it('routes the runtime log while keeping the user xrt.ini settings', () => {
    assert.equal(iniWithLog(undefined, '/tmp/x.log'), '[Runtime]\nruntime_log = /tmp/x.log\n');
    const dir = scratch();
    const user = join(dir, 'xrt.ini');
    writeFileSync(user, '[Debug]\nprofile = true\n[Runtime]\nverbosity = 7\nruntime_log = console\n');
    assert.equal(iniWithLog(user, '/tmp/x.log'), '[Debug]\nprofile = true\n[Runtime]\nruntime_log = /tmp/x.log\nverbosity = 7\n');
    writeFileSync(user, '[Debug]\nprofile = true\n');
    assert.equal(iniWithLog(user, '/l'), '[Runtime]\nruntime_log = /l\n[Debug]\nprofile = true\n');
    assert.equal(iniWithLog(join(dir, 'missing.ini'), '/l'), '[Runtime]\nruntime_log = /l\n');
  });

  it('finds the user xrt.ini as XRT does: XRT_INI_PATH, else beside the executable, else the working directory', () => {
    const dir = scratch();
    try {
      const exe = join(dir, 'bin');
      const cwd = join(dir, 'work');
      mkdirSync(exe);
      mkdirSync(cwd);
      assert.equal(findUserIni({}, cwd, [exe]), undefined);
      writeFileSync(join(cwd, 'xrt.ini'), '[Debug]\nnative_xrt_trace = true\n');
      assert.equal(findUserIni({}, cwd, [exe]), join(cwd, 'xrt.ini'));
      writeFileSync(join(exe, 'xrt.ini'), '[Debug]\ndevice_trace = fine\n');
      assert.equal(findUserIni({}, cwd, [exe]), join(exe, 'xrt.ini'), 'the executable\'s directory comes first');
      assert.equal(findUserIni({ XRT_INI_PATH: '/etc/mine.ini' }, cwd, [exe]), '/etc/mine.ini', 'XRT_INI_PATH overrides both');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prepareXrtEnv merges the working directory\'s xrt.ini into the one it gives XRT', async function () {
    requireXrt(this);
    const dir = scratch();
    try {
      writeFileSync(join(dir, 'xrt.ini'), '[Debug]\nnative_xrt_trace = true\ndevice_trace = fine\n');
      const child = join(dir, 'child.mts');
      writeFileSync(child, `import { prepareXrtEnv } from ${JSON.stringify(join(ROOT, 'host', 'xrt', 'env.ts'))};
const e = prepareXrtEnv();
const fs = await import('node:fs');
console.log(JSON.stringify({ userIni: e.userIni, ini: fs.readFileSync(process.env.XRT_INI_PATH, 'utf8'), logPath: e.logPath }));
`);
      const env = { ...process.env };
      delete env.XRT_INI_PATH;
      // Run from the scratch dir (its xrt.ini is the one to find), so tsx is named by its resolved URL.
      const r = await execa(process.execPath, ['--import', import.meta.resolve('tsx'), child], { cwd: dir, env, extendEnv: false, reject: false });
      assert.equal(r.exitCode, 0, String(r.stderr));
      const out = JSON.parse(String(r.stdout).trim().split('\n').pop()!);
      assert.equal(out.userIni, join(dir, 'xrt.ini'));
      assert.equal(out.ini, `[Runtime]\nruntime_log = ${out.logPath}\n[Debug]\nnative_xrt_trace = true\ndevice_trace = fine\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
