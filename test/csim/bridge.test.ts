// The csim C ABI bridge: same result as the testbench, argument validation, and exceptions turned into error codes.
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
import { scratch, TINY } from '../helpers/paths.ts';

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
  const n = m.output.shape.reduce((a, b) => a * b, 1) * 4;
  return mem[arg]!.slice(r.offset, r.offset + n);
}

describe('csim bridge (C ABI)', function () {
  this.timeout(300_000);
  const dir = join(scratch(), 'tiny');
  let m: DesignManifest;
  let weights: Uint8Array;
  let image: Uint8Array;
  let tbOut: Uint8Array;
  let run: RunFn;
  const err = Buffer.alloc(512);
  const msg = () => err.toString('utf8', 0, err.indexOf(0));

  before(async () => {
    emitDesign(resolveConfig({ preset: 'tiny' }), dir);
    const design = readDesign(dir);
    m = design.manifest;
    packDesign(design, join(TINY, 'weights.safetensors'));
    weights = readFileSync(join(dir, m.weights.file));
    // The fixture image.npy is k/256; the PNG holds the same bytes k in HWC order.
    const npy = readFileSync(join(TINY, 'image.npy'));
    const f = new Float32Array(npy.buffer.slice(npy.byteOffset + npy.length - 3 * 32 * 64 * 4, npy.byteOffset + npy.length));
    image = Uint8Array.from(f, (v) => v * 256);
    writeFileSync(join(dir, 'image.bin'), image);
    const [exe, lib] = await Promise.all([buildCsim(dir, { kind: 'exe' }), buildCsim(dir, { kind: 'shared' })]);
    const r = await execa(exe, ['--weights', join(dir, m.weights.file), '--image', join(dir, 'image.bin'), '--task', '1', '--out', join(dir, 'out.bin')], { reject: false, all: true });
    assert.equal(r.exitCode, 0, String(r.all));
    tbOut = readFileSync(join(dir, 'out.bin'));
    run = bind(lib);
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
    assert.match(msg(), /task must be in 0\.\.1 \(got 2\)/);
    assert.equal(run(mem, mem.length, BigInt64Array.from([9n, 0n, 1n, 0n]), 4, err, err.length), 1);
    assert.match(msg(), /num_images must be in 1\.\.4/);
    assert.equal(run(mem, mem.length, BigInt64Array.from([1n, 0n, 1n, 999n]), 4, err, err.length), 1);
    assert.match(msg(), /debug_stop must be 0/);
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
