// design.json: the one contract between the generator and the host. The host re-derives nothing from the config.
import type { z as zt } from 'zod';
import { z } from './zod.ts';

/** Bumped when a field is added or changes meaning; the host accepts exactly this format. /2: input/output strides; /3: input.preprocess. */
export const MANIFEST_FORMAT = 'edgemoe-design/3';
/** The format of a design with several weight ports (hardware.weightPorts > 1): /3 plus weights.parts and a tensor's
 *  `ports`, so a host that predates them refuses the design instead of writing one weights buffer. */
export const MANIFEST_FORMAT_PORTS = 'edgemoe-design/4';
/** The format of a design whose activations are on chip (hardware.activations = 'onchip'): /4 (weights.parts when
 *  there are several weight ports) plus `onChip`, the regions that are arrays of the kernel rather than DRAM (the
 *  bundles list only DRAM regions; the output region is written once per image after the last op, so a debug stop
 *  leaves no output in DRAM), so a host that predates it refuses the design instead of reading a debug stop's output. */
export const MANIFEST_FORMAT_ONCHIP = 'edgemoe-design/5';
/** Every format this edgemoe reads. */
export const MANIFEST_FORMATS = [MANIFEST_FORMAT, MANIFEST_FORMAT_PORTS, MANIFEST_FORMAT_ONCHIP] as const;

/** A named slice of one m_axi bundle's DRAM buffer. Offsets and sizes are bytes; offsets are 4096-aligned. */
export const regionSchema = z.object({
  name: z.string(),
  offset: z.number().int(),
  bytes: z.number().int(),
  /** Element C++ type as stored in DRAM, e.g. 'ap_fixed<32,10>' or 'ap_uint<8>'. */
  ctype: z.string(),
  /** Bytes per stored element (the element's container: 1, 2 or 4). */
  elemBytes: z.number().int(),
  /** Logical shape in elements, outermost first (C order), e.g. [images, 3, H, W] or [tokens, dim]. */
  shape: z.array(z.number().int()),
  /** For fixed-point elements: fraction bits, so value = raw / 2^frac. */
  frac: z.number().int().optional(),
  signed: z.boolean().optional(),
  /** Human-readable layout note, e.g. 'token-major [tokens][dim], natural order'. */
  layout: z.string(),
});
export type Region = zt.infer<typeof regionSchema>;

/**
 * Where each image's input or output item sits in its region: item i (0 ≤ i < maxImages) starts at byte i·stride of
 * the region; inside an item, row r (a run of the last shape dim, elements elemBytes apart) starts at byte r·rowStride
 * (rows are padded to whole AXI words when rowStride exceeds last dim · elemBytes).
 */
export const ioSchema = z.object({
  region: z.string(),
  /** Logical shape of one image's item, C order (input [C,H,W], output [tokens,dim]). */
  shape: z.array(z.number().int()),
  /** Bytes from one image's item to the next. */
  stride: z.number().int().positive(),
  /** Bytes from one row (last dim) of an item to the next. */
  rowStride: z.number().int().positive(),
});
export type IoEntry = zt.infer<typeof ioSchema>;

/** The input entry also says what the model's input is in terms of the bytes (so a .npy of that tensor can be turned back into bytes). */
export const inputSchema = ioSchema.extend({
  /** Model input per channel c = (byte/divisor − mean[c]) / std[c]; the patch embedding has this folded in. */
  preprocess: z.object({ divisor: z.number().positive(), mean: z.array(z.number()), std: z.array(z.number().positive()) }),
});

export const bundleSchema = z.object({
  name: z.string(),
  bytes: z.number().int(),
  regions: z.array(regionSchema),
});
export type Bundle = zt.infer<typeof bundleSchema>;

/** Kernel arguments in call order: one pointer per m_axi bundle, then s_axilite scalars. */
export const kernelArgSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('buffer'), name: z.string(), bundle: z.string() }),
  z.object({ kind: z.literal('scalar'), name: z.string(), ctype: z.enum(['int', 'unsigned int', 'float']) }),
]);
export type KernelArg = zt.infer<typeof kernelArgSchema>;

/** One packed weight tensor inside the weights region. */
export const packedTensorSchema = z.object({
  /** State-dict-derived name, e.g. 'blocks.1.mlp.experts.htoh4.weight' or 'blocks.0.attn.q.weight'. */
  name: z.string(),
  /** Byte offset from the start of the weights region. */
  offset: z.number().int(),
  bytes: z.number().int(),
  ctype: z.string(),
  elemBytes: z.number().int(),
  frac: z.number().int(),
  signed: z.boolean(),
  shape: z.array(z.number().int()),
  layout: z.string(),
  /** Per-channel scales (precision.linearWeight.granularity 'channel'): `rows` 16-bit entries at byte `offset` from
   *  the tensor's start, entry = sh | m << 8; row r's value is raw · 2^-frac · m / 2^scaleBits · 2^-sh. */
  scale: z.object({ offset: z.number().int(), rows: z.number().int(), scaleBits: z.number().int(), scaleShift: z.number().int() }).optional(),
  /** Format /4, several weight ports: the rows (C order over all but the last dim) alternate over the `ports` weight
   *  parts: row r is row ⌊r/ports⌋ of part r mod ports, each part at byte `offset` of its part's region; `bytes` and
   *  the scale table are those of part 0 (in the weights region). */
  ports: z.number().int().optional(),
});
export type PackedTensor = zt.infer<typeof packedTensorSchema>;

export const manifestSchema = z.object({
  format: z.enum(MANIFEST_FORMATS),
  name: z.string(),
  /** sha256 of the canonical config JSON this design was generated from. */
  configHash: z.string(),
  kernel: z.object({
    /** The HLS top function / XRT kernel name. */
    name: z.string(),
    args: z.array(kernelArgSchema),
  }),
  bundles: z.array(bundleSchema),
  tasks: z.array(z.string()),
  /** Images one kernel call can take (the 'images' region holds this many). */
  maxImages: z.number().int(),
  /** Input: region, per-image shape and strides (pixel raw = byte, value = raw / 2^frac of the region). */
  input: inputSchema,
  /** Output: region holding the backbone output [images][tokens][dim], per-image shape and strides. */
  output: ioSchema,
  weights: z.object({
    /** Bundle + region the packed weights image is written to. */
    bundle: z.string(),
    region: z.string(),
    /** The packed image written by `edgemoe pack`, relative to the design dir. */
    file: z.string(),
    /** Format /4, several weight ports: the weight regions in port order, the first being bundle + region above; the
     *  packed image is their contents one after the other (each region's whole size). */
    parts: z.array(z.object({ bundle: z.string(), region: z.string() })).optional(),
    tensors: z.array(packedTensorSchema),
  }),
  /** Scalar argument names with fixed meaning. */
  scalars: z.object({ numImages: z.string(), task: z.string(), reload: z.string(), debugStop: z.string() }),
  /** Debug stop steps: value of the debugStop argument → the op after which the run ends (0 = run to the end). */
  debugSteps: z.array(z.object({ id: z.number().int(), op: z.string() })),
  /** Format /5 only: the regions held on chip (hardware.activations = 'onchip'); no buffer, no debug-stop output. */
  onChip: z.array(z.string()).optional(),
  /** Generated sources, relative to the design dir. */
  sources: z.object({
    kernel: z.array(z.string()),
    testbench: z.array(z.string()),
    /** C ABI bridge for the host's csim backend (see BRIDGE_ABI). */
    bridge: z.string(),
    /** Include dirs for g++ when XILINX_HLS is not set (our csim headers), relative to the design dir. */
    csimInclude: z.string(),
  }),
});
export type DesignManifest = zt.infer<typeof manifestSchema>;

export { BRIDGE_ABI } from './bridge-abi.ts';
