// planToManifest: the design.json (generator/manifest.ts) a plan implies.
import { inputPipeline } from '../config/input.ts';
import { MANIFEST_FORMAT, MANIFEST_FORMAT_ONCHIP, MANIFEST_FORMAT_PORTS, type DesignManifest, type KernelArg } from '../manifest.ts';
import { KERNEL_CPP, KERNEL_HEADERS, PARAMS_H } from './sources.ts';
import type { Plan } from './types.ts';

/** File name of the packed weights image inside the design dir. */
export const WEIGHTS_FILE = 'weights.bin';

/** Kernel arguments in call order: one buffer per bundle (config order), then the four scalars. */
export function kernelArgs(plan: Plan): KernelArg[] {
  const args: KernelArg[] = plan.bundles.map((b) => ({ kind: 'buffer', name: b.name, bundle: b.name }));
  const sc = plan.scalars;
  for (const name of [sc.numImages, sc.task, sc.reload, sc.debugStop]) args.push({ kind: 'scalar', name, ctype: 'int' });
  return args;
}

/** Per-image input and output entries: the images region holds word-aligned [C][H][W] bytes per image (rows not
 *  padded); x holds one token buffer per image, each token's dim activations padded to whole words. */
export function ioEntries(plan: Plan): Pick<DesignManifest, 'input' | 'output'> {
  const s = plan.sizes;
  const wb = s.axiBits / 8;
  const images = plan.regions.images;
  const tokenBytes = Math.ceil(s.dim / s.actLanes) * wb;
  const { divisor, mean, std } = inputPipeline(plan.config.model);
  return {
    input: {
      region: images.name,
      shape: [s.inCh, s.imgH, s.imgW],
      stride: (images.words / s.maxImages) * wb,
      rowStride: s.imgW * images.elemBytes,
      preprocess: { divisor, mean: [...mean], std: [...std] },
    },
    output: { region: plan.regions.x.name, shape: [s.tokens, s.dim], stride: s.tokens * tokenBytes, rowStride: tokenBytes },
  };
}

/** The design.json of a plan; configHash is the sha256 of the canonical config JSON. */
export function planToManifest(plan: Plan, configHash: string): DesignManifest {
  const s = plan.sizes;
  const w = plan.weightsRegion;
  return {
    format: s.actOnChip ? MANIFEST_FORMAT_ONCHIP : plan.weightParts.length > 1 ? MANIFEST_FORMAT_PORTS : MANIFEST_FORMAT,
    name: plan.name,
    configHash,
    kernel: { name: plan.kernelName, args: kernelArgs(plan) },
    bundles: plan.bundles.map((b) => ({
      name: b.name,
      bytes: b.bytes,
      regions: b.regions.map((r) => ({
        name: r.name,
        offset: r.offset,
        bytes: r.bytes,
        ctype: r.ctype,
        elemBytes: r.elemBytes,
        shape: [...r.shape],
        ...(r.frac !== undefined ? { frac: r.frac } : {}),
        ...(r.signed !== undefined ? { signed: r.signed } : {}),
        layout: r.layout,
      })),
    })),
    tasks: [...plan.config.model.tasks],
    maxImages: s.maxImages,
    ...ioEntries(plan),
    weights: {
      bundle: w.bundle,
      region: w.name,
      file: WEIGHTS_FILE,
      ...(plan.weightParts.length > 1 ? { parts: plan.weightParts.map((r) => ({ bundle: r.bundle, region: r.name })) } : {}),
      tensors: plan.weights.map((t) => ({
        name: t.name,
        offset: t.offset,
        bytes: t.bytes,
        ctype: t.ctype,
        elemBytes: t.elemBytes,
        frac: t.frac,
        signed: t.signed,
        shape: [...t.shape],
        layout: t.layout,
        ...(t.scale
          ? { scale: { offset: t.scale.wordOffset * (plan.sizes.axiBits / 8), rows: t.scale.rows, scaleBits: t.scale.scaleBits, scaleShift: t.scale.scaleShift } }
          : {}),
        ...(t.ports ? { ports: t.ports } : {}),
      })),
    },
    scalars: { ...plan.scalars },
    debugSteps: plan.ops.map((o) => ({ id: o.id, op: o.name })),
    ...(s.actOnChip ? { onChip: Object.values(plan.regions).filter((r) => r.onChip).map((r) => r.name) } : {}),
    sources: {
      kernel: [KERNEL_CPP, PARAMS_H, ...KERNEL_HEADERS.map((h) => `src/${h}`)],
      testbench: ['tb/testbench.cpp'],
      bridge: 'tb/bridge.cpp',
      csimInclude: 'csim-include',
    },
  };
}
