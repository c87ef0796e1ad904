// The backbone tensors a config implies: M³ViT state-dict names (without `module.backbone.`) and shapes.
import type { Config } from '../config/schema.ts';
import { moeBlockIndices } from '../model/stats.ts';

/** Every backbone tensor of the config in state_dict() order, name → shape. */
export function expectedTensors(config: Config): Map<string, number[]> {
  const m = config.model;
  const D = m.dim;
  const [C, H, W] = m.image;
  const N = 1 + (H / m.patch) * (W / m.patch);
  const hidden = Math.round(D * m.mlpRatio);
  const E = m.moe.experts;
  const EH = m.moe.expertHidden;
  const moe = new Set(moeBlockIndices(m));
  const out = new Map<string, number[]>();
  out.set('cls_token', [1, 1, D]);
  out.set('pos_embed', [1, N, D]);
  out.set('patch_embed.proj.weight', [D, C, m.patch, m.patch]);
  out.set('patch_embed.proj.bias', [D]);
  for (let i = 0; i < m.depth; i++) {
    const b = `blocks.${i}.`;
    out.set(`${b}norm1.weight`, [D]);
    out.set(`${b}norm1.bias`, [D]);
    out.set(`${b}attn.qkv.weight`, [3 * D, D]);
    if (m.qkvBias) out.set(`${b}attn.qkv.bias`, [3 * D]);
    out.set(`${b}attn.proj.weight`, [D, D]);
    out.set(`${b}attn.proj.bias`, [D]);
    out.set(`${b}norm2.weight`, [D]);
    out.set(`${b}norm2.bias`, [D]);
    if (moe.has(i)) {
      // FastMoE FMoELinear layout: weight [E, out, in], bias [E, out]; gates are input-major [D, E].
      out.set(`${b}mlp.experts.htoh4.weight`, [E, EH, D]);
      out.set(`${b}mlp.experts.htoh4.bias`, [E, EH]);
      out.set(`${b}mlp.experts.h4toh.weight`, [E, D, EH]);
      out.set(`${b}mlp.experts.h4toh.bias`, [E, D]);
      for (let t = 0; t < m.tasks.length; t++) out.set(`${b}mlp.gate.${t}.w_gate`, [D, E]);
    } else {
      out.set(`${b}mlp.fc1.weight`, [hidden, D]);
      out.set(`${b}mlp.fc1.bias`, [hidden]);
      out.set(`${b}mlp.fc2.weight`, [D, hidden]);
      out.set(`${b}mlp.fc2.bias`, [D]);
    }
  }
  return out;
}

/** True for the FastMoE expert tensors, the only ones that are sharded across ranks. */
export function isExpertTensor(name: string): boolean {
  return /^blocks\.\d+\.mlp\.experts\./.test(name);
}
