// Consistent error lines: commander's own errors carry the edgemoe prefix; a missing image gets no preset hint; a
// truncated PNG is named as such.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadImageBytes } from '../../generator/io/image.ts';
import { isUserError } from '../../generator/errors.ts';
import { runCli } from '../helpers/cli.ts';
import { IMAGES, scratch } from '../helpers/paths.ts';
import { resolveConfig } from '../../generator/config/index.ts';
import { randomWeights } from '../../generator/weights/random.ts';
import { writeSafetensors } from '../../generator/weights/safetensors.ts';
import { Command } from 'commander';
import { COMMANDS } from '../../bin/commands.ts';

describe('CLI error lines', () => {
  it("commander's errors start with 'edgemoe: error:' and exit 2", async () => {
    const r = await runCli(['validate', '--no-such-option']);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /^edgemoe: error: unknown option '--no-such-option'/);
  });

  it('csim, reference and run all require -t (none picks a task by default)', async () => {
    for (const name of ['csim', 'reference', 'run']) {
      const program = new Command('edgemoe');
      (await COMMANDS.find(([n]) => n === name)![1]()).register(program);
      const task = program.commands[0]!.options.find((o) => o.long === '--task')!;
      assert.ok(task.mandatory, `${name} -t is required`);
      assert.equal(task.defaultValue, undefined, `${name} -t has no default`);
    }
    const r = await runCli(['csim', '-d', 'd', '-w', 'w.safetensors', 'image.png']);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /^edgemoe: error: required option '-t, --task <task>' not specified/);
  });

  it('a missing image is not blamed on the default preset', async () => {
    const dir = scratch();
    writeSafetensors(join(dir, 'w.safetensors'), randomWeights(resolveConfig({ preset: 'm3vit-t-cityscapes' }), 1));
    const r = await runCli(['reference', '-w', join(dir, 'w.safetensors'), '-t', '0', '-o', join(dir, 'o.npy'), '/no/such.png']);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /^edgemoe: error: cannot read image file \/no\/such\.png: no such file$/m);
    assert.doesNotMatch(r.stderr, /default preset/);
  });

  it('a truncated PNG says so, not the decoder\'s stream message', () => {
    const p = join(scratch(), 'cut.png');
    const full = readFileSync(join(IMAGES, 'coffee-256x128.png'));
    writeFileSync(p, full.subarray(0, Math.floor(full.length / 2)));
    assert.throws(() => loadImageBytes(p, [3, 128, 256]), (e: unknown) => isUserError(e) && /cut\.png: corrupt or unsupported PNG \(the file ends early \(truncated\)\)$/.test((e as Error).message));
  });
});
