// Checking loaded weights against a config: every problem is listed in one UserError.
import type { Config } from '../config/schema.ts';
import { UserError } from '../errors.ts';
import { shapeStr, type TensorMap } from '../tensor.ts';
import { expectedTensors } from './expected.ts';

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** One line per problem (missing, extra, wrong shape, non-float dtype, non-finite values); empty when the weights fit. */
export function weightProblems(config: Config, tensors: TensorMap): string[] {
  const expected = expectedTensors(config);
  const problems: string[] = [];
  for (const [name, shape] of expected) {
    const t = tensors.get(name);
    if (!t) {
      problems.push(`missing ${name}: expected shape ${shapeStr(shape)}`);
      continue;
    }
    if (!sameShape(t.shape, shape)) problems.push(`wrong shape ${name}: expected ${shapeStr(shape)}, got ${shapeStr(t.shape)}`);
    if (t.dtype !== 'f32' && t.dtype !== 'f64') problems.push(`wrong dtype ${name}: expected a float tensor (f32/f64), got ${t.dtype}`);
    else {
      const d = t.data as Float32Array | Float64Array;
      for (let i = 0; i < d.length; i++) {
        if (!Number.isFinite(d[i]!)) {
          problems.push(`non-finite value ${name}: element ${i} is ${d[i]}`);
          break;
        }
      }
    }
  }
  for (const [name, t] of tensors) if (!expected.has(name)) problems.push(`extra ${name}: shape ${shapeStr(t.shape)} is not part of the model`);
  return problems;
}

/** A one-line guess at the model the tensors belong to (dim, depth, experts, …), to hint at the right config. */
export function describeWeights(tensors: TensorMap): string {
  const parts: string[] = [];
  const shape = (n: string) => tensors.get(n)?.shape;
  const cls = shape('cls_token');
  if (cls?.length === 3) parts.push(`dim ${cls[2]}`);
  const pos = shape('pos_embed');
  if (pos?.length === 3) parts.push(`${pos[1]} tokens`);
  const blocks = new Set<number>();
  const moe = new Set<number>();
  const gates = new Set<string>();
  for (const name of tensors.keys()) {
    const m = /^blocks\.(\d+)\.(mlp\.(experts|gate\.(\d+))\.)?/.exec(name);
    if (!m) continue;
    blocks.add(Number(m[1]));
    if (m[3]) moe.add(Number(m[1]));
    if (m[4] !== undefined) gates.add(m[4]);
  }
  if (blocks.size) parts.push(`depth ${Math.max(...blocks) + 1}`);
  if (moe.size) parts.push(`MoE blocks [${[...moe].sort((a, b) => a - b).join(',')}]`);
  const first = [...moe].sort((a, b) => a - b)[0];
  const h4 = first === undefined ? undefined : shape(`blocks.${first}.mlp.experts.htoh4.weight`);
  if (h4?.length === 3) parts.push(`${h4[0]} experts of hidden ${h4[1]}`);
  if (gates.size) parts.push(`${gates.size} task gate${gates.size === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** A hint when the expert tensors hold a whole fraction of the config's experts (one rank of a sharded checkpoint). */
function shardHint(config: Config, tensors: TensorMap): string {
  const E = config.model.moe.experts;
  for (const [name, t] of tensors) {
    if (!/\.mlp\.experts\.htoh4\.weight$/.test(name)) continue;
    const e = t.shape[0]!;
    if (e < E && E % e === 0) {
      return `hint: ${name} holds ${e} of the config's ${E} experts; if this is one rank file of a FastMoE sharded checkpoint, pass its directory (all ${E / e} {rank}.pth files) instead`;
    }
  }
  return '';
}

/** Throws one UserError listing every mismatch between `tensors` and the tensors `config` needs. */
export function checkWeights(config: Config, tensors: TensorMap, source = 'weights'): void {
  const problems = weightProblems(config, tensors);
  if (problems.length === 0) return;
  const n = problems.length;
  const looks = describeWeights(tensors);
  const hint = looks ? `; the weights look like ${looks}` : '';
  const shard = shardHint(config, tensors);
  throw new UserError(`${source} do not match config '${config.name}' (${n} problem${n === 1 ? '' : 's'}${hint}):\n${problems.map((p) => `  ${p}`).join('\n')}${shard ? `\n${shard}` : ''}`);
}
