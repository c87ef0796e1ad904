// Host overhead of the XRT path in noop emulation (no FPGA; the kernel does nothing, so this is pure host + XRT cost):
// per inference (set the scalar args + start + wait) and buffer write + sync per MiB. Target: ≤ 100 µs per inference.
// Run: node --import tsx bench/host-overhead.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelArg } from '../generator/manifest.ts';
import { resolveConfig } from '../generator/config/index.ts';
import { emitDesign } from '../generator/emit/emit.ts';
import { Accelerator } from '../host/accelerator.ts';
import { loadDesign, regionOf } from '../host/design.ts';
import { noopEmulationEnv } from '../host/xrt/noop.ts';
import { XrtSession } from '../host/xrt/device.ts';
import { buildXclbin, specForDesign } from '../host/xclbin/writer.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgemoe-bench-'));
// XRT reads the emulation mode once, on its first call: set it before anything touches XRT.
Object.assign(process.env, noopEmulationEnv(join(dir, 'em')));

// The kernel signature every generated design has: five m_axi bundles, then four int scalars.
const kernel: { name: string; args: KernelArg[] } = {
  name: 'edgemoe_top',
  args: [
    ...['inout1', 'inout2', 'inout3', 'inout4', 'weights'].map((b): KernelArg => ({ kind: 'buffer', name: b, bundle: b })),
    ...['num_images', 'task', 'reload', 'debug_stop'].map((n): KernelArg => ({ kind: 'scalar', name: n, ctype: 'int' })),
  ],
};
const xclbin = join(dir, 'bench.xclbin');
writeFileSync(xclbin, buildXclbin(specForDesign({ kernel })));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const now = () => process.hrtime.bigint();

/** Median over `reps` of the mean time per iteration (µs) of `n` calls of f. */
function measure(reps: number, n: number, f: (i: number) => void): number {
  const per: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = now();
    for (let i = 0; i < n; i++) f(i);
    per.push(Number(now() - t0) / 1e3 / n);
  }
  return median(per);
}

const s = XrtSession.open({ device: 0, xclbin, kernel });
try {
  const MiB = 1 << 20;
  const bos = kernel.args.flatMap((a, i) => (a.kind === 'buffer' ? [{ i, bo: s.allocBuffer(i, 64 * MiB) }] : []));
  for (const { i, bo } of bos) s.setArg(i, bo);
  const run = () => {
    s.start();
    s.wait();
  };
  for (let i = 0; i < 200; i++) run(); // warm up

  const allScalars = measure(7, 2000, (i) => {
    s.setArg(5, 1 + (i & 1));
    s.setArg(6, i & 1);
    s.setArg(7, 0);
    s.setArg(8, 0);
    run();
  });
  const taskOnly = measure(7, 2000, (i) => {
    s.setArg(6, i & 1);
    run();
  });
  const startWait = measure(7, 2000, run);
  const setArg = measure(7, 20000, (i) => s.setArg(6, i & 1));

  const lines = [
    `XRT noop emulation, ${s.xrt.libraryPath}`,
    `per inference, set 4 scalar args + start + wait:   ${allScalars.toFixed(2)} µs   (target ≤ 100 µs)`,
    `per inference, task switch only (1 arg) + run:     ${taskOnly.toFixed(2)} µs`,
    `start + wait alone:                                ${startWait.toFixed(2)} µs`,
    `one xrtRunSetArg (variadic int):                   ${setArg.toFixed(2)} µs`,
  ];
  const bo = bos[0]!.bo;
  const small = new Uint8Array(6144);
  lines.push(`buffer write + sync to device, 6 KiB (one image): ${measure(7, 2000, () => bo.upload(small)).toFixed(2)} µs per call`);
  lines.push(`buffer sync from device + read, 1 KiB:            ${measure(7, 2000, () => bo.download(small.subarray(0, 1024))).toFixed(2)} µs per call`);
  for (const mib of [1, 16, 64]) {
    const buf = new Uint8Array(mib * MiB).map((_, i) => i & 0xff);
    const back = new Uint8Array(buf.length);
    const reps = mib >= 16 ? 5 : 50;
    const up = measure(7, reps, () => bo.upload(buf));
    const down = measure(7, reps, () => bo.download(back));
    lines.push(`buffer write + sync to device, ${String(mib).padStart(2)} MiB:            ${(up / mib).toFixed(1)} µs/MiB  (${(mib / (up / 1e6) / 1024).toFixed(2)} GiB/s)`);
    lines.push(`buffer sync from device + read, ${String(mib).padStart(2)} MiB:           ${(down / mib).toFixed(1)} µs/MiB  (${(mib / (down / 1e6) / 1024).toFixed(2)} GiB/s)`);
  }
  s.close();

  // The whole Accelerator.infer path on the generated tiny design: image write + scalars + run + output read + decode.
  const designDir = join(dir, 'tiny');
  emitDesign(resolveConfig({ preset: 'tiny', sets: [] }), designDir);
  const design = loadDesign(designDir);
  const tinyXclbin = join(dir, 'tiny.xclbin');
  writeFileSync(tinyXclbin, buildXclbin(specForDesign(design.manifest)));
  const acc = await Accelerator.open(design, { backend: 'xrt', xclbin: tinyXclbin });
  const wBytes = regionOf(design.manifest, design.manifest.weights.region).region.bytes;
  acc.loadWeights({ bytes: new Uint8Array(wBytes), hash: 'zeros', origin: 'bench' });
  const img = new Uint8Array(design.manifest.input.shape.reduce((a, b) => a * b, 1)).fill(100);
  for (let i = 0; i < 200; i++) acc.infer([img], i & 1);
  const infer1 = measure(7, 2000, (i) => acc.infer([img], i & 1));
  const batch = Array.from({ length: design.manifest.maxImages }, () => img);
  const inferN = measure(7, 500, (i) => acc.infer(batch, i & 1));
  acc.close();
  lines.push(`Accelerator.infer, tiny design, 1 image, task alternating (6 KiB in, 1.1 KiB out): ${infer1.toFixed(2)} µs`);
  lines.push(`Accelerator.infer, tiny design, batch of ${batch.length}:                                 ${inferN.toFixed(2)} µs`);
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  s.close();
  rmSync(dir, { recursive: true, force: true });
}
