// hls::stream and compile-time behaviours of our csim headers that the conformance probes cannot show: the
// empty-read error (abort) and its ALLOW_EMPTY_HLS_STREAM_READS warning, leftover-data warnings with the stream's
// name, the unbounded FIFO, the ap_ufixed + AP_WRAP_SM rejection, zero (constexpr) default values, and ap_fixed (op)
// double not compiling.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execa } from 'execa';
import { scratch } from '../helpers/paths.ts';
import { CPP, compile, gppArgs } from './build.ts';

const INFO = (n: number) => `INFO [HLS SIM]: The maximum depth reached by any hls::stream() instance in the design is ${n}`;

describe('csim-include hls::stream and compile errors', function () {
  this.timeout(120_000);
  const dir = scratch('edgemoe-apstream-');
  let plain: Promise<void>, allow: Promise<void>;
  before(() => {
    // g++ -std=c++14 -O2 -Wno-unknown-pragmas [-DALLOW_EMPTY_HLS_STREAM_READS] -I templates/csim-include stream_modes.cpp
    plain = compile(join(CPP, 'stream_modes.cpp'), join(dir, 'plain'), ['-std=c++14', '-O2', '-Wno-unknown-pragmas']);
    allow = compile(join(CPP, 'stream_modes.cpp'), join(dir, 'allow'), ['-std=c++14', '-O2', '-Wno-unknown-pragmas', '-DALLOW_EMPTY_HLS_STREAM_READS']);
    plain.catch(() => undefined);
    allow.catch(() => undefined);
  });
  const exec = (exe: string, mode: string) => execa(join(dir, exe), [mode], { reject: false });

  it('reading an empty stream prints the Vitis error and aborts', async () => {
    await plain;
    const r = await exec('plain', 'empty');
    assert.equal(r.signal, 'SIGABRT');
    assert.match(String(r.stderr), /^ERROR \[HLS SIM\]: an hls::stream is read while empty, which may result in RTL simulation hanging\.$/m);
    assert.match(String(r.stderr), /-DALLOW_EMPTY_HLS_STREAM_READS/);
    assert.ok(!String(r.stdout).includes('read '));
  });

  it('with ALLOW_EMPTY_HLS_STREAM_READS the read warns with the stream name and returns T()', async () => {
    await allow;
    const r = await exec('allow', 'empty');
    assert.equal(r.exitCode, 0);
    assert.deepEqual(String(r.stdout).split('\n'), [
      "WARNING [HLS SIM]: hls::stream 'fifo_a' is read while empty, which may result in RTL simulation hanging.",
      'read 0',
      INFO(0),
    ]);
  });

  it('for the host bridge (EDGEMOE_STREAM_THROW_ON_EMPTY, _NO_EXIT_INFO) an empty read throws and nothing prints at exit', async () => {
    await compile(join(CPP, 'stream_modes.cpp'), join(dir, 'host'), [
      '-std=c++14', '-O2', '-Wno-unknown-pragmas', '-DEDGEMOE_STREAM_THROW_ON_EMPTY', '-DEDGEMOE_STREAM_NO_EXIT_INFO',
    ]);
    const r = await exec('host', 'empty');
    assert.equal(r.signal, 'SIGABRT', 'an uncaught exception still ends a plain program');
    assert.match(String(r.stderr), /std::runtime_error[\s\S]*hls::stream 'fifo_a' is read while empty/);
    const quiet = await exec('host', 'leftover');
    assert.ok(!String(quiet.stdout).includes('INFO [HLS SIM]'));
  });

  it('reports leftover data with the stream name at destruction, then the maximum depth at exit', async () => {
    await plain;
    const r = await exec('plain', 'leftover');
    assert.equal(r.exitCode, 0);
    assert.deepEqual(String(r.stdout).split('\n'), [
      'left 2',
      "WARNING [HLS SIM]: hls::stream 'weights_q' contains leftover data, which may result in RTL simulation hanging.",
      INFO(2),
    ]);
  });

  it('models FIFOs as unbounded (depth ignored, full() false) so dataflow runs sequentially', async () => {
    await plain;
    const r = await exec('plain', 'dataflow');
    assert.deepEqual(String(r.stdout).split('\n'), ['size 1000 full 0', 'sum 499500 empty 1', INFO(1000)]);
  });

  it('rejects ap_ufixed with AP_WRAP_SM at construction (exit status 1)', async () => {
    const exe = join(dir, 'wrap_sm');
    await compile(join(CPP, 'wrap_sm_unsigned.cpp'), exe, ['-std=c++14', '-O2']);
    const r = await execa(exe, { reject: false });
    assert.equal(r.exitCode, 1);
    assert.equal(String(r.stdout), 'before');
    assert.match(String(r.stderr), /AP_WRAP_SM/);
  });

  it('default-constructed values are zero, and constexpr; a default ap_ufixed with AP_WRAP_SM is rejected (exit status 1)', async () => {
    // g++ -std=c++14 -O2 [-DDEFAULT_WRAP_SM] -I templates/csim-include default_zero.cpp
    const zero = join(dir, 'default_zero'), wrapSm = join(dir, 'default_wrap_sm');
    await Promise.all([compile(join(CPP, 'default_zero.cpp'), zero, ['-std=c++14', '-O2']), compile(join(CPP, 'default_zero.cpp'), wrapSm, ['-std=c++14', '-O2', '-DDEFAULT_WRAP_SM'])]);
    const r = await execa(zero, { reject: false });
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.equal(String(r.stdout), 'nonzero 0');
    const w = await execa(wrapSm, { reject: false });
    assert.equal(w.exitCode, 1);
    assert.equal(String(w.stdout), 'before');
    assert.match(String(w.stderr), /AP_WRAP_SM/);
  });

  it('ap_fixed (op) double does not compile; the wrapped-constant form and double comparisons do', async () => {
    // g++ -std=c++14 -fsyntax-only -DCASE=n -I templates/csim-include test/csim-include/cpp/no_double_ops.cpp
    const results = await Promise.all([0, 1, 2, 3, 4].map((n) =>
      execa('g++', gppArgs(join(CPP, 'no_double_ops.cpp'), '/dev/null', ['-std=c++14', '-fsyntax-only', `-DCASE=${n}`]).slice(0, -2), { reject: false })));
    assert.equal(results[0].exitCode, 0, String(results[0].stderr));
    for (const n of [1, 2, 3, 4]) {
      assert.notEqual(results[n].exitCode, 0, `case ${n} compiled`);
      assert.match(String(results[n].stderr), /ambiguous|no match for/, `case ${n}`);
    }
  });
});
