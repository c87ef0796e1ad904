// scratch(): every dir it makes is gone when the process that made it exits (make test leaves no temp dirs).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { ROOT } from './paths.ts';

describe('test/helpers/paths scratch', () => {
  it('removes its dirs (with their contents) at process exit', async () => {
    const script = `import { scratch } from ${JSON.stringify(join(ROOT, 'test', 'helpers', 'paths.ts'))};
import { mkdirSync, writeFileSync } from 'node:fs';
const a = scratch(); const b = scratch('edgemoe-other-');
mkdirSync(a + '/x/y', { recursive: true }); writeFileSync(a + '/x/y/f', 'data'); writeFileSync(b + '/g', 'data');
console.log(JSON.stringify([a, b]));`;
    const r = await execa('node', ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT });
    const dirs = JSON.parse(String(r.stdout)) as string[];
    assert.equal(dirs.length, 2);
    for (const d of dirs) assert.equal(existsSync(d), false, `${d} was left behind`);
  });
});
