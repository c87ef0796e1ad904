import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dirFromLdconfig, findXrtLibDir, iniWithLog, librarySearchDirs, XrtUnavailable } from '../../../host/xrt/env.ts';
import { scratch } from '../../helpers/paths.ts';

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
});
