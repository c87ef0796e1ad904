// The generated testbench (golden compare, debug stop, repeated runs, bad arguments) and the csim C ABI bridge (same
// result as the testbench, argument validation, exceptions turned into error codes).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import koffi from 'koffi';
import { resolveConfig } from '../../generator/config/index.ts';
import { buildCsim, CXX, CXXFLAGS, includeDirs } from '../../generator/csim/build.ts';
import { readDesign } from '../../generator/emit/design.ts';
import { emitDesign } from '../../generator/emit/emit.ts';
import { BRIDGE_ABI, type DesignManifest } from '../../generator/manifest.ts';
import { packDesign } from '../../generator/pack/pack.ts';
import { parseTrace } from '../../generator/csim/trace.ts';
import { buildPlan } from '../../generator/plan/index.ts';
import { loadImageBytes } from '../../generator/io/image.ts';
import { readNpy } from '../../generator/io/npy.ts';
import { readNpz } from '../../generator/io/npz.ts';
import { asF64 } from '../../generator/tensor.ts';
import { scratch, TINY } from '../helpers/paths.ts';

const readNpyF32 = (p: string) => new Uint8Array(Float32Array.from(asF64(readNpy(p))).buffer);
const readNpzKey = (p: string, k: string) => asF64(readNpz(p).get(k)!);

type RunFn = (bundles: Uint8Array[], n: number, scalars: BigInt64Array, ns: number, err: Buffer, errlen: number) => number;

function bind(lib: string): RunFn {
  return koffi.load(lib).func(BRIDGE_ABI.prototype.replace('char* err', '_Out_ char* err')) as RunFn;
}

/** Zeroed bundle memories with the packed weights and one image placed at their regions. */
function memories(m: DesignManifest, weights: Uint8Array, image: Uint8Array): Uint8Array[] {
  const mem = m.kernel.args.filter((a) => a.kind === 'buffer').map((a) => new Uint8Array(m.bundles.find((b) => b.name === (a as { bundle: string }).bundle)!.bytes));
  const place = (region: string, bytes: Uint8Array) => {
    const bi = m.bundles.findIndex((b) => b.regions.some((r) => r.name === region));
    const r = m.bundles[bi]!.regions.find((x) => x.name === region)!;
    const arg = m.kernel.args.filter((a) => a.kind === 'buffer').findIndex((a) => (a as { bundle: string }).bundle === m.bundles[bi]!.name);
    mem[arg]!.set(bytes, r.offset);
  };
  place(m.weights.region, weights);
  place(m.input.region, image);
  return mem;
}

function outputOf(m: DesignManifest, mem: Uint8Array[]): Uint8Array {
  const bi = m.bundles.findIndex((b) => b.regions.some((r) => r.name === m.output.region));
  const r = m.bundles[bi]!.regions.find((x) => x.name === m.output.region)!;
  const arg = m.kernel.args.filter((a) => a.kind === 'buffer').findIndex((a) => (a as { bundle: string }).bundle === m.bundles[bi]!.name);
  const n = m.output.stride; // image 0's output item (design.json)
  return mem[arg]!.slice(r.offset, r.offset + n);
}

describe('csim testbench and bridge (C ABI)', function () {
  this.timeout(300_000);
  const dir = join(scratch(), 'tiny');
  let m: DesignManifest;
  let weights: Uint8Array;
  let image: Uint8Array;
  let tbOut: Uint8Array;
  let exe: string;
  let run: RunFn;
  const err = Buffer.alloc(512);
  const msg = () => err.toString('utf8', 0, err.indexOf(0));

  before(async () => {
    emitDesign(resolveConfig({ preset: 'tiny' }), dir);
    const design = readDesign(dir);
    m = design.manifest;
    packDesign(design, join(TINY, 'weights.safetensors'));
    weights = readFileSync(join(dir, m.weights.file));
    image = loadImageBytes(join(TINY, 'image.png'), [3, 32, 64]);
    writeFileSync(join(dir, 'image.bin'), image);
    let lib: string;
    [exe, lib] = await Promise.all([buildCsim(dir, { kind: 'exe' }), buildCsim(dir, { kind: 'shared' })]);
    const r = await execa(exe, ['--weights', join(dir, m.weights.file), '--image', join(dir, 'image.bin'), '--task', '1', '--out', join(dir, 'out.bin')], { reject: false, all: true });
    assert.equal(r.exitCode, 0, String(r.all));
    tbOut = readFileSync(join(dir, 'out.bin'));
    run = bind(lib);
  });

  const tb = (args: string[]) => execa(exe, ['--weights', join(dir, m.weights.file), '--image', join(dir, 'image.bin'), ...args], { reject: false, all: true });

  it('testbench: compares with a float32 golden and fails above --max-mse', async () => {
    const golden = readNpyF32(join(TINY, 'expected_task1_f32.npy'));
    writeFileSync(join(dir, 'golden.f32'), golden);
    const ok = await tb(['--task', '1', '--golden', join(dir, 'golden.f32'), '--max-mse', '1e-3']);
    assert.equal(ok.exitCode, 0, String(ok.all));
    const g = /golden .*: mse (\S+) mse\/var (\S+) mae \S+ max_abs (\S+) cosine (\S+)/.exec(String(ok.stdout));
    assert.ok(g, String(ok.stdout));
    assert.ok(Number(g[1]) < 1e-3 && Number(g[4]) > 0.9999, g[0]);
    const strict = await tb(['--task', '1', '--golden', join(dir, 'golden.f32'), '--max-mse', '1e-12']);
    assert.equal(strict.exitCode, 1);
    assert.match(String(strict.stdout), /FAIL: mse/);
    // The testbench's own raw output as a raw golden: exactly zero error.
    const raw = await tb(['--task', '1', '--golden-raw', join(dir, 'out.bin'), '--max-mse', '0']);
    assert.equal(raw.exitCode, 0, String(raw.all));
    assert.match(String(raw.stdout), /mse 0 mse\/var 0 mae 0 max_abs 0 cosine 1\.0/);
  });

  it('testbench: --runs repeats with reload=0 and checks the outputs agree; --debug-stop dumps that op', async () => {
    assert.equal((await tb(['--task', '1', '--runs', '3'])).exitCode, 0);
    const ln1 = 2; // op id of block0.ln1 (writes tmp1: [tokens][dim] activations)
    const r = await tb(['--debug-stop', String(ln1), '--out', join(dir, 'ln1.bin')]);
    assert.equal(r.exitCode, 0, String(r.all));
    const raw = new Int32Array(new Uint8Array(readFileSync(join(dir, 'ln1.bin'))).buffer);
    assert.equal(raw.length, 9 * 32);
    const ref = readNpzKey(join(TINY, 'trace_task0.npz'), 'block0.ln1');
    let maxErr = 0;
    for (let i = 0; i < raw.length; i++) maxErr = Math.max(maxErr, Math.abs(raw[i]! / 2 ** 22 - ref[i]!));
    assert.ok(maxErr < 0.01, `ln1 max error ${maxErr}`);
  });

  it('testbench: --num-images 2 runs both images in one call; each output equals the single-image one', async () => {
    writeFileSync(join(dir, 'two.bin'), Buffer.concat([image, image]));
    const r = await execa(exe, ['--weights', join(dir, m.weights.file), '--image', join(dir, 'two.bin'), '--num-images', '2', '--task', '1', '--out', join(dir, 'two-out.bin')], { reject: false, all: true });
    assert.equal(r.exitCode, 0, String(r.all));
    const out = readFileSync(join(dir, 'two-out.bin'));
    assert.equal(out.length, 2 * tbOut.length);
    assert.ok(out.subarray(0, tbOut.length).equals(Buffer.from(tbOut)) && out.subarray(tbOut.length).equals(Buffer.from(tbOut)));
  });

  it('testbench: bad arguments and inputs exit 2 with a message', async () => {
    const bad = await execa(exe, ['--weights', join(dir, m.weights.file)], { reject: false, all: true });
    assert.equal(bad.exitCode, 2);
    assert.match(String(bad.all), /--weights and --image are required/);
    assert.equal((await tb(['--task', '7'])).exitCode, 2);
    writeFileSync(join(dir, 'short.bin'), image.subarray(0, 100));
    const short = await execa(exe, ['--weights', join(dir, m.weights.file), '--image', join(dir, 'short.bin')], { reject: false, all: true });
    assert.equal(short.exitCode, 2);
    assert.match(String(short.all), /expected 6144 bytes/);
    assert.match(String((await tb(['--debug-stop', '5000'])).all), /not an op id/);
  });

  it('gives the testbench result bit for bit, and the same again with reload=0', () => {
    const mem = memories(m, weights, image);
    const scalars = BigInt64Array.from([1n, 1n, 1n, 0n]); // num_images, task, reload, debug_stop
    assert.equal(run(mem, mem.length, scalars, 4, err, err.length), 0, msg());
    const out = outputOf(m, mem);
    assert.equal(out.length, tbOut.length);
    assert.ok(Buffer.from(out).equals(Buffer.from(tbOut)), 'bridge and testbench outputs differ');
    const mem2 = memories(m, weights, image);
    assert.equal(run(mem2, mem2.length, BigInt64Array.from([1n, 1n, 0n, 0n]), 4, err, err.length), 0, msg());
    assert.ok(Buffer.from(outputOf(m, mem2)).equals(Buffer.from(tbOut)), 'reload=0 after a reload changed the output');
  });

  it('rejects wrong argument counts and out-of-range scalars with code 1 and a message', () => {
    const mem = memories(m, weights, image);
    assert.equal(run(mem.slice(1), mem.length - 1, BigInt64Array.from([1n, 0n, 1n, 0n]), 4, err, err.length), 1);
    assert.match(msg(), /has 5 bundles, got 4/);
    assert.equal(run(mem, mem.length, BigInt64Array.from([1n, 0n, 1n]), 3, err, err.length), 1);
    assert.match(msg(), /4 scalar arguments, got 3/);
    assert.equal(run(mem, mem.length, BigInt64Array.from([1n, 2n, 1n, 0n]), 4, err, err.length), 1);
    assert.match(msg(), /task_id must be in 0\.\.1 \(got 2\)/);
    assert.equal(run(mem, mem.length, BigInt64Array.from([9n, 0n, 1n, 0n]), 4, err, err.length), 1);
    assert.match(msg(), /num_images must be in 1\.\.4/);
    assert.equal(run(mem, mem.length, BigInt64Array.from([1n, 0n, 1n, 999n]), 4, err, err.length), 1);
    assert.match(msg(), /debug_stop must be 0/);
  });

  it('with -DEDGEMOE_TRACE, dumps every op to $EDGEMOE_TRACE_FILE in the testbench trace format', async () => {
    const lib = await buildCsim(dir, { kind: 'shared', defines: ['EDGEMOE_TRACE'] });
    const file = join(dir, 'bridge-trace.bin');
    process.env.EDGEMOE_TRACE_FILE = file; // read by the library at its first trace call
    try {
      const traced = bind(lib);
      const mem = memories(m, weights, image);
      assert.equal(traced(mem, mem.length, BigInt64Array.from([1n, 1n, 1n, 0n]), 4, err, err.length), 0, msg());
      assert.ok(Buffer.from(outputOf(m, mem)).equals(Buffer.from(tbOut)));
    } finally {
      delete process.env.EDGEMOE_TRACE_FILE;
    }
    const dumps = parseTrace(readFileSync(file), 32, file);
    const plan = buildPlan(resolveConfig({ preset: 'tiny' }));
    // Every op that writes a region, plus the MoE gate's routing record (plan traceWords).
    assert.deepEqual([...dumps.keys()].sort((a, b) => a - b), plan.ops.filter((o) => o.traceWords > 0).map((o) => o.id));
    for (const o of plan.ops) if (o.traceWords > 0) assert.equal(dumps.get(o.id)!.length, o.traceWords * 32, o.name);
    assert.ok(plan.ops.some((o) => o.kind === 'moe_gate' && dumps.has(o.id)));
    // The last op's dump is the output region.
    const last = plan.ops[plan.ops.length - 1]!;
    assert.ok(Buffer.from(dumps.get(last.id)!).equals(Buffer.from(tbOut)));
  });

  it('turns C++ exceptions (std::exception and others) into codes 2 and 3', async () => {
    // The generated bridge compiled against a stand-in kernel that throws.
    const kernel = join(dir, 'throwing_kernel.cpp');
    writeFileSync(
      kernel,
      `#include <stdexcept>\n#include "params.h"\nextern "C" void edgemoe_top(word_t *a, word_t *b, word_t *c, word_t *d, word_t *e, int num_images, int task, int reload, int debug_stop) {\n  if (task == 0) throw std::runtime_error("boom");\n  throw 42;\n}\n`,
    );
    const lib = join(dir, 'libthrow.so');
    const inc = includeDirs(dir, m.sources.csimInclude).map((d) => `-I${d}`);
    await execa(CXX, [...CXXFLAGS, ...inc, '-shared', '-o', lib, kernel, join(dir, 'tb', 'bridge.cpp')]);
    const bad = bind(lib);
    const mem = memories(m, weights, image);
    assert.equal(bad(mem, mem.length, BigInt64Array.from([1n, 0n, 1n, 0n]), 4, err, err.length), 2);
    assert.equal(msg(), 'C++ exception in csim: boom');
    assert.equal(bad(mem, mem.length, BigInt64Array.from([1n, 1n, 1n, 0n]), 4, err, err.length), 3);
    assert.equal(msg(), 'unknown C++ exception in csim');
  });
});
