// The task a --task argument names: one resolver (and one error wording) for reference, csim and run.
import { UserError } from '../errors.ts';

/** The index of the task `spec` names (a task name, or an index 0..T-1); otherwise a UserError listing the tasks. */
export function resolveTask(tasks: readonly string[], spec: string | number): number {
  const s = String(spec).trim();
  const byName = tasks.indexOf(s);
  if (byName >= 0) return byName;
  if (/^\d+$/.test(s) && Number(s) < tasks.length) return Number(s);
  throw new UserError(`unknown task '${s}' (tasks: ${tasks.map((t, i) => `${t} (${i})`).join(', ')})`);
}
