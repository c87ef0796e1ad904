// The conformance probes (test/fixtures/conformance/apfixed), built against our csim headers, must print exactly
// what they printed against the vendor headers, and the exhaustive quantisation/overflow rule checker must pass.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratch } from '../helpers/paths.ts';
import { CONFORMANCE, compile, lineDiff, run } from './build.ts';
import { LONG_TESTS, longIt } from '../helpers/long.ts';

describe('csim-include conformance probes', function () {
  this.timeout(600_000);  // the rule checker instantiates ~6000 type pairs; its compile dominates
  const dir = scratch('edgemoe-apfx-');
  let check: Promise<void>, model: Promise<void>, quick: Promise<void>, stream: Promise<void>;
  before(() => {
    // Start all three builds at once (2 cores); each test awaits its own.
    // g++ -std=c++14 -O2 -I templates/csim-include apfx_check.cpp
    check = compile(join(CONFORMANCE, 'apfx_check.cpp'), join(dir, 'apfx_check'), ['-std=c++14', '-O2']);
    // -O0: the checker runs in about a second at -O0, while -O1 doubles its (already long) compile.
    // The whole rule check (~40 s of compile) is a long test; its quick subset (~6 s) always runs.
    quick = compile(join(CONFORMANCE, 'apfx_model_check.cpp'), join(dir, 'apfx_model_quick'), ['-std=c++14', '-O0', '-DNDEBUG', '-DAPFX_MODEL_QUICK']);
    model = LONG_TESTS ? compile(join(CONFORMANCE, 'apfx_model_check.cpp'), join(dir, 'apfx_model'), ['-std=c++14', '-O0', '-DNDEBUG']) : Promise.resolve();
    stream = compile(join(CONFORMANCE, 'apfx_stream_check.cpp'), join(dir, 'apfx_stream'), ['-std=c++14', '-O2', '-pthread']);
    for (const p of [check, model, quick, stream]) p.catch(() => undefined);  // each test reports its own failure
  });

  it('apfx_check prints expected_xilinx.txt line for line', async () => {
    await check;
    const r = await run(join(dir, 'apfx_check'));
    assert.equal(r.code, 0, r.stderr);
    const diff = lineDiff(readFileSync(join(CONFORMANCE, 'expected_xilinx.txt'), 'utf8'), r.stdout);
    assert.deepEqual(diff, [], `${diff.length} lines differ:\n${diff.slice(0, 20).join('\n')}`);
  });

  it('apfx_stream_check prints expected_stream_xilinx2022.txt line for line', async () => {
    await stream;
    const r = await run(join(dir, 'apfx_stream'));
    assert.equal(r.code, 0, r.stderr);
    const diff = lineDiff(readFileSync(join(CONFORMANCE, 'expected_stream_xilinx2022.txt'), 'utf8'), r.stdout);
    assert.deepEqual(diff, [], diff.join('\n'));
  });

  it('apfx_model_check -DAPFX_MODEL_QUICK (one source into four targets, every Q x O x N; one double path) prints fails=0', async () => {
    await quick;
    const r = await run(join(dir, 'apfx_model_quick'));
    assert.match(r.stdout, /checks=613088 fails=0\s*$/, r.stdout.slice(0, 3000));
    assert.equal(r.code, 0);
  });

  longIt('apfx_model_check (exhaustive Q x O x N x shape rule check) prints fails=0', async () => {
    await model;
    const r = await run(join(dir, 'apfx_model'));
    assert.match(r.stdout, /checks=5076736 fails=0\s*$/, r.stdout.slice(0, 3000));
    assert.equal(r.code, 0);
  });
});
