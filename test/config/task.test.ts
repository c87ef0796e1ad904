import assert from 'node:assert/strict';
import { resolveTask } from '../../generator/config/task.ts';
import { isUserError } from '../../generator/errors.ts';

describe('config/task: resolveTask', () => {
  const tasks = ['semseg', 'depth'];
  it('takes a task name or an index', () => {
    assert.equal(resolveTask(tasks, 'semseg'), 0);
    assert.equal(resolveTask(tasks, 'depth'), 1);
    assert.equal(resolveTask(tasks, '1'), 1);
    assert.equal(resolveTask(tasks, 0), 0);
    assert.equal(resolveTask(tasks, ' depth '), 1);
  });
  it('an unknown name or an index out of range: one wording listing the tasks with their indices', () => {
    for (const spec of ['normals', '2', 7, '-1', '']) {
      assert.throws(() => resolveTask(tasks, spec), (e: unknown) => isUserError(e) && e.message === `unknown task '${String(spec).trim()}' (tasks: semseg (0), depth (1))`);
    }
  });
  it('a task named like a number is found by name first', () => {
    assert.equal(resolveTask(['a', '0'], '0'), 1);
  });
});
