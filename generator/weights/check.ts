// Checking loaded weights against a config: every problem is listed in one UserError.
import type { Config } from '../config/schema.ts';
import { UserError } from '../errors.ts';
import { shapeStr, type TensorMap } from '../tensor.ts';
import { expectedTensors } from './expected.ts';

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Kinds of problem, in listing order, with the word the "… and N more" line uses for each. */
const KINDS = { missing: 'missing', shape: 'mis-shaped', dtype: 'non-float', finite: 'non-finite', extra: 'extra' } as const;
type Kind = keyof typeof KINDS;

/** One problem: its kind, the tensor, the line that describes it, and for a wrong shape the two shapes. */
interface Problem {
  kind: Kind;
  name: string;
  line: string;
  expected?: readonly number[];
  got?: readonly number[];
}

function findProblems(config: Config, tensors: TensorMap): Problem[] {
  const expected = expectedTensors(config);
  const problems: Problem[] = [];
  for (const [name, shape] of expected) {
    const t = tensors.get(name);
    if (!t) {
      problems.push({ kind: 'missing', name, line: `missing ${name}: expected shape ${shapeStr(shape)}` });
      continue;
    }
    if (!sameShape(t.shape, shape)) problems.push({ kind: 'shape', name, line: `wrong shape ${name}: expected ${shapeStr(shape)}, got ${shapeStr(t.shape)}`, expected: shape, got: t.shape });
    if (t.dtype !== 'f32' && t.dtype !== 'f64') problems.push({ kind: 'dtype', name, line: `wrong dtype ${name}: expected a float tensor (f32/f64), got ${t.dtype}` });
    else {
      const d = t.data as Float32Array | Float64Array;
      for (let i = 0; i < d.length; i++) {
        if (!Number.isFinite(d[i]!)) {
          problems.push({ kind: 'finite', name, line: `non-finite value ${name}: element ${i} is ${d[i]}` });
          break;
        }
      }
    }
  }
  for (const [name, t] of tensors) if (!expected.has(name)) problems.push({ kind: 'extra', name, line: `extra ${name}: shape ${shapeStr(t.shape)} is not part of the model` });
  return problems;
}

/** One line per problem (missing, extra, wrong shape, non-float dtype, non-finite values); empty when the weights fit. */
export function weightProblems(config: Config, tensors: TensorMap): string[] {
  return findProblems(config, tensors).map((p) => p.line);
}

/** Lines listed per kind of problem in an error; the rest are counted (a wrong model gives hundreds). */
export const LISTED_PER_KIND = 12;

/** The problem lines grouped by kind, each group cut to LISTED_PER_KIND lines plus "… and N more <kind>". */
function listing(problems: Problem[]): string[] {
  const lines: string[] = [];
  for (const kind of Object.keys(KINDS) as Kind[]) {
    const of = problems.filter((p) => p.kind === kind);
    lines.push(...of.slice(0, LISTED_PER_KIND).map((p) => `  ${p.line}`));
    if (of.length > LISTED_PER_KIND) lines.push(`  … and ${of.length - LISTED_PER_KIND} more ${KINDS[kind]}`);
  }
  return lines;
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

/**
 * A hint when the only difference is the expert count, and the tensors hold a whole fraction of the config's
 * experts: one rank file of a FastMoE sharded checkpoint.
 */
function shardHint(config: Config, problems: Problem[]): string {
  const E = config.model.moe.experts;
  const e = problems[0]?.got?.[0];
  if (e === undefined || !(e < E && E % e === 0)) return '';
  const onlyExperts = problems.every(
    (p) => p.kind === 'shape' && /\.mlp\.experts\./.test(p.name) && p.got!.length === p.expected!.length && p.got![0] === e && p.expected![0] === E && sameShape(p.got!.slice(1), p.expected!.slice(1)),
  );
  if (!onlyExperts) return '';
  return `hint: ${problems[0]!.name} holds ${e} of the config's ${E} experts; if this is one rank file of a FastMoE sharded checkpoint, pass its directory (all ${E / e} {rank}.pth files) instead`;
}

/** Throws one UserError listing the mismatches between `tensors` and the tensors `config` needs (capped per kind). */
export function checkWeights(config: Config, tensors: TensorMap, source = 'weights'): void {
  const problems = findProblems(config, tensors);
  if (problems.length === 0) return;
  const n = problems.length;
  const looks = describeWeights(tensors);
  const hint = looks ? `; the weights look like ${looks}` : '';
  const shard = shardHint(config, problems);
  throw new UserError(`${source} do not match config '${config.name}' (${n} problem${n === 1 ? '' : 's'}${hint}):\n${listing(problems).join('\n')}${shard ? `\n${shard}` : ''}`);
}
