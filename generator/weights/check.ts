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

/** Throws one UserError listing every mismatch between `tensors` and the tensors `config` needs. */
export function checkWeights(config: Config, tensors: TensorMap, source = 'weights'): void {
  const problems = weightProblems(config, tensors);
  if (problems.length === 0) return;
  const n = problems.length;
  throw new UserError(`${source} do not match config '${config.name}' (${n} problem${n === 1 ? '' : 's'}):\n${problems.map((p) => `  ${p}`).join('\n')}`);
}
