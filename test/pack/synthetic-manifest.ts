// A hand-built design manifest for pack tests, independent of the planner: every derivation pack knows, laid out
// word-aligned in a weights region.
import type { Config, FixedType } from '../../generator/config/schema.ts';
import { cppType } from '../../generator/fixed.ts';
import { MANIFEST_FORMAT, type DesignManifest, type PackedTensor } from '../../generator/manifest.ts';
import { numel } from '../../generator/tensor.ts';
import { expectedTensors } from '../../generator/weights/expected.ts';
import { moeBlockIndices } from '../../generator/model/stats.ts';

/** The manifest tensors: q/k/v parts, [E,D] gates, folded pos_embed [N,D], everything else as in the state dict. */
export function syntheticManifest(config: Config): DesignManifest {
  const m = config.model;
  const p = config.precision;
  const D = m.dim;
  const wordBytes = config.hardware.axiBits / 8;
  const tensors: PackedTensor[] = [];
  let offset = 0;
  const add = (name: string, shape: number[], t: FixedType) => {
    const elemBytes = t.W <= 8 ? 1 : t.W <= 16 ? 2 : 4;
    const bytes = Math.ceil((numel(shape) * elemBytes) / wordBytes) * wordBytes;
    tensors.push({ name, offset, bytes, ctype: cppType(t), elemBytes, frac: t.W - t.I, signed: t.signed, shape, layout: 'C order' });
    offset += bytes;
  };
  const N = 1 + (m.image[1] / m.patch) * (m.image[2] / m.patch);
  add('pos_embed', [N, D], p.activation);
  add('patch_embed.proj.weight', [D, m.image[0], m.patch, m.patch], p.patchWeight);
  add('patch_embed.proj.bias', [D], p.bias);
  const moe = new Set(moeBlockIndices(m));
  for (const [name, shape] of expectedTensors(config)) {
    const blk = /^blocks\.(\d+)\.(.*)$/.exec(name);
    if (!blk) continue;
    const [, i, rest] = blk;
    if (rest === 'attn.qkv.weight') for (const x of 'qkv') add(`blocks.${i}.attn.${x}.weight`, [D, D], p.linearWeight);
    else if (rest === 'attn.qkv.bias') for (const x of 'qkv') add(`blocks.${i}.attn.${x}.bias`, [D], p.attnBias);
    else if (rest === 'attn.proj.bias') add(name, shape, p.attnBias);
    else if (rest!.startsWith('norm') || rest!.endsWith('.bias')) add(name, shape, p.bias);
    else if (rest!.endsWith('w_gate')) add(name, [m.moe.experts, D], p.linearWeight);
    else add(name, shape, p.linearWeight);
  }
  void moe;
  return {
    format: MANIFEST_FORMAT,
    name: config.name,
    configHash: 'test',
    kernel: { name: 'edgemoe_top', args: [{ kind: 'buffer', name: 'weights', bundle: 'weights' }] },
    bundles: [{ name: 'weights', bytes: offset, regions: [{ name: 'weights', offset: 0, bytes: offset, ctype: 'ap_uint<256>', elemBytes: 32, shape: [offset / 32], layout: 'packed tensors' }] }],
    tasks: m.tasks,
    maxImages: 1,
    input: { region: 'images', shape: [1, ...m.image], stride: m.image[0] * m.image[1] * m.image[2], rowStride: m.image[2], preprocess: { divisor: 256, mean: Array(m.image[0]).fill(0), std: Array(m.image[0]).fill(1) } },
    output: { region: 'x', shape: [1, N, D], stride: N * D * 4, rowStride: D * 4 },
    weights: { bundle: 'weights', region: 'weights', file: 'weights.bin', tensors },
    scalars: { numImages: 'num_images', task: 'task', reload: 'reload', debugStop: 'debug_stop' },
    debugSteps: [],
    sources: { kernel: [], testbench: [], bridge: 'tb/bridge.cpp', csimInclude: 'csim-include' },
  };
}
