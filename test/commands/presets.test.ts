import assert from 'node:assert/strict';
import { PRESETS, DEFAULT_PRESET } from '../../generator/config/index.ts';
import { runCli } from '../helpers/cli.ts';

describe('commands/presets (CLI)', () => {
  it('lists every preset with its description and marks the default', async () => {
    const r = await runCli(['presets']);
    assert.equal(r.exitCode, 0, r.stderr);
    for (const [name, p] of Object.entries(PRESETS)) {
      const line = r.stdout.split('\n').find((l) => l.slice(2).startsWith(`${name} `));
      assert.ok(line, name);
      assert.ok(line.includes(p.description), name);
      assert.equal(line.startsWith('*'), name === DEFAULT_PRESET, line);
    }
  });

  it('--json gives name, description and the default flag', async () => {
    const r = await runCli(['presets', '--json']);
    assert.equal(r.exitCode, 0, r.stderr);
    const list = JSON.parse(r.stdout) as Array<{ name: string; default: boolean }>;
    assert.deepEqual(list.map((p) => p.name), Object.keys(PRESETS));
    assert.deepEqual(list.filter((p) => p.default).map((p) => p.name), [DEFAULT_PRESET]);
  });
});
