// View models of the design templates (testbench, bridge, Makefile, run_hls.tcl), computed from plan + manifest.
import { UserError } from '../errors.ts';
import { BRIDGE_ABI, type DesignManifest } from '../manifest.ts';
import type { Plan, PlanRegion } from '../plan/index.ts';

/** The kernel's C++ parameter list and the argument expressions of a call, given how to name bundles and scalars. */
function kernelCall(m: DesignManifest, bundleExpr: (i: number) => string, scalarExpr: (name: string, i: number) => string) {
  const params: string[] = [];
  const callArgs: string[] = [];
  let b = 0;
  let s = 0;
  for (const a of m.kernel.args) {
    if (a.kind === 'buffer') {
      params.push(`word_t *${a.name}`);
      callArgs.push(bundleExpr(b++));
    } else {
      params.push(`${a.ctype} ${a.name}`);
      callArgs.push(scalarExpr(a.name, s++));
    }
  }
  return { params, callArgs };
}

function bundleIndex(m: DesignManifest, name: string): number {
  const buffers = m.kernel.args.filter((a) => a.kind === 'buffer');
  const i = buffers.findIndex((a) => a.kind === 'buffer' && a.bundle === name);
  if (i < 0) throw new Error(`views: bundle ${name} is not a kernel argument`);
  return i;
}

const upper = (s: string) => s.replace(/[^A-Za-z0-9]/g, '_').toUpperCase();

/** Template data of tb/testbench.cpp. */
export function testbenchView(plan: Plan, m: DesignManifest) {
  const wb = plan.sizes.axiBits / 8;
  const sc = m.scalars;
  const { params, callArgs } = kernelCall(
    m,
    (i) => `g_bundles[${i}]`,
    (name) => {
      if (name === sc.numImages) return 'a.num_images';
      if (name === sc.task) return 'a.task';
      if (name === sc.reload) return 'r == 0 ? 1 : 0';
      if (name === sc.debugStop) return 'a.debug_stop';
      throw new UserError(`design.json: scalar argument '${name}' has no meaning the testbench knows`);
    },
  );
  // params.h names a region's word offset REG_<NAME>_WORD (camelCase → SNAKE_CASE).
  const paramsName = (r: PlanRegion) => `REG_${r.name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}_WORD`;
  const region = (r: PlanRegion) => ({ bundle: bundleIndex(m, r.bundle), wordOffset: r.wordOffset, bytes: r.bytes, paramsName: paramsName(r) });
  const s = plan.sizes;
  const act = plan.types.activation;
  if (act.containerBits !== 32 && act.containerBits !== 16) throw new UserError(`the testbench reads 16- or 32-bit activation containers; precision.activation.W = ${act.W} uses ${act.containerBits}-bit ones`);
  // Per-image strides come from design.json (the same numbers the host reads); the testbench static_asserts them
  // against params.h.
  const imageBytes = m.input.shape.reduce((x, y) => x * y, 1);
  const words = (bytes: number, what: string) => {
    if (bytes % wb !== 0) throw new UserError(`design.json: ${what} ${bytes} is not a whole number of ${wb}-byte words`);
    return bytes / wb;
  };
  const rowElems = m.output.rowStride / (act.containerBits / 8);
  const outImageWords = words(m.output.stride, 'output.stride');
  const ops = plan.ops
    .filter((o) => o.output !== null)
    // hardware.activations = 'onchip': every op writes an on-chip array (x too: DRAM x is written once per image after
    // the last block), so no op's output can be dumped from DRAM (bundle -1; --trace still records each).
    .map((o) => ({ id: o.id, name: o.name, bundle: s.actOnChip ? -1 : bundleIndex(m, plan.regions[o.output!].bundle), wordOffset: s.actOnChip ? 0 : plan.regions[o.output!].wordOffset, words: o.outWords }));
  return {
    name: plan.name,
    kernel: plan.kernelName,
    params,
    callArgs,
    bundles: plan.bundles.map((b) => ({ name: b.name, upper: upper(b.name), words: b.bytes / wb })),
    weights: region(plan.weightsRegion),
    // Several weight ports: the other weight regions, each at its byte offset in the packed image (parts one after another).
    weightParts: plan.weightParts.slice(1).map((r, i) => ({ ...region(r), at: plan.weightParts.slice(0, i + 1).reduce((a, x) => a + x.bytes, 0) })),
    weightsImageBytes: plan.weightParts.reduce((a, x) => a + x.bytes, 0),
    weightPortCount: plan.weightParts.length,
    images: { ...region(plan.regions.images), perImageBytes: imageBytes, perImageWords: words(m.input.stride, 'input.stride') },
    output: { ...region(plan.regions.x), perImageWords: outImageWords },
    imageShape: `${s.inCh}][${s.imgH}][${s.imgW}`,
    outTokens: s.tokens,
    outDim: s.dim,
    outRowElems: rowElems,
    outFrac: act.frac,
    outBits: act.containerBits,
    outBytes: act.containerBits / 8,
    out16: act.containerBits === 16,
    numTasks: s.tasks,
    ops,
    onchip: s.actOnChip === true,
  };
}

/** Template data of tb/bridge.cpp. */
export function bridgeView(plan: Plan, m: DesignManifest) {
  const sc = m.scalars;
  const scalarArgs = m.kernel.args.filter((a) => a.kind === 'scalar');
  const idx = (name: string) => scalarArgs.findIndex((a) => a.name === name);
  const { params, callArgs } = kernelCall(
    m,
    (i) => `g_words[${i}]`,
    (_name, i) => {
      const ctype = (scalarArgs[i] as { ctype: string }).ctype;
      return ctype === 'float' ? `float_bits(scalars[${i}])` : `static_cast<${ctype}>(scalars[${i}])`;
    },
  );
  const maxOp = Math.max(0, ...plan.ops.map((o) => o.id));
  const checks = [
    { index: idx(sc.numImages), check: `scalars[${idx(sc.numImages)}] < 1 || scalars[${idx(sc.numImages)}] > ${plan.sizes.maxImages}`, message: `${sc.numImages} must be in 1..${plan.sizes.maxImages}` },
    { index: idx(sc.task), check: `scalars[${idx(sc.task)}] < 0 || scalars[${idx(sc.task)}] >= ${plan.sizes.tasks}`, message: `${sc.task} must be in 0..${plan.sizes.tasks - 1}` },
    { index: idx(sc.reload), check: `scalars[${idx(sc.reload)}] != 0 && scalars[${idx(sc.reload)}] != 1`, message: `${sc.reload} must be 0 or 1` },
    { index: idx(sc.debugStop), check: `scalars[${idx(sc.debugStop)}] < 0 || scalars[${idx(sc.debugStop)}] > ${maxOp}`, message: `${sc.debugStop} must be 0 (full run) or an op id 1..${maxOp}` },
  ].filter((c) => c.index >= 0);
  return {
    name: plan.name,
    kernel: plan.kernelName,
    abiSymbol: BRIDGE_ABI.symbol,
    params,
    callArgs,
    bundles: plan.bundles.map((b) => ({ name: b.name, bytes: b.bytes })),
    scalars: scalarArgs.map((a) => ({ name: a.name })),
    scalarChecks: checks,
  };
}

/** Template data of the design Makefile and run_hls.tcl. */
export function buildFilesView(plan: Plan, m: DesignManifest) {
  const c = plan.config;
  return {
    name: plan.name,
    kernel: plan.kernelName,
    kernelSources: m.sources.kernel.filter((f) => f.endsWith('.cpp')),
    csimInclude: m.sources.csimInclude,
    weightsFile: m.weights.file,
    part: c.hardware.part,
    clockPeriodNs: Number((1000 / c.hardware.clockMHz).toFixed(4)),
    axiBits: plan.sizes.axiBits,
  };
}
