import assert from 'node:assert/strict';
import { Command } from 'commander';
import { COMMANDS } from '../../bin/commands.ts';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { TINY, scratch } from '../helpers/paths.ts';
import { encodeSafetensors, readSafetensors, readSafetensorsFile } from '../../generator/weights/safetensors.ts';
import { randomWeights } from '../../generator/weights/random.ts';
import { resolveConfig } from '../../generator/config/index.ts';

const bytes = (d: ArrayBufferView) => Buffer.from(d.buffer, d.byteOffset, d.byteLength);

/** Asserts a CLI failure: exit 2, one `edgemoe: error:` message containing `fragments`, no stack, no output file. */
function assertCleanFailure(r: { exitCode: number; stderr: string }, out: string, ...fragments: string[]): void {
  assert.equal(r.exitCode, 2, r.stderr);
  assert.match(r.stderr, /^edgemoe: error: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'stack trace printed');
  for (const f of fragments) assert.ok(r.stderr.includes(f), `stderr lacks '${f}':\n${r.stderr}`);
  assert.equal(existsSync(out), false, `${out} was written`);
}

describe('commands/weights (CLI)', () => {
  it('import: 0.pth and the sharded dir become the fixture tensors, with notes and a summary', async () => {
    const dir = scratch();
    const fixture = readSafetensors(join(TINY, 'weights.safetensors'));
    const stdout: Record<string, string> = {};
    for (const src of ['0.pth', 'sharded']) {
      const out = join(dir, `${src}.safetensors`);
      const r = await runCli(['weights', 'import', join(TINY, src), '--preset', 'tiny', '--out', out]);
      assert.equal(r.exitCode, 0, r.stderr);
      stdout[src] = r.stdout;
      assert.match(r.stdout, /imported 30 tensors \(59,008 values\) for config 'tiny'/);
      assert.match(r.stdout, /note: .*stripped prefix 'module\.backbone\.' from 30 keys/);
      const { tensors, metadata } = readSafetensorsFile(out);
      assert.equal(metadata.config, 'tiny');
      assert.equal(metadata.source, src);
      assert.equal(tensors.size, 30);
      for (const [k, t] of fixture) assert.ok(bytes(tensors.get(k)!.data).equals(bytes(t.data)), `${src}: ${k}`);
    }
    assert.match(stdout.sharded!, /note: merged 2 expert shards \(2 experts per rank → 4\)/);
    assert.deepEqual(readdirSync(dir).sort(), ['0.pth.safetensors', 'sharded.safetensors']);
  });

  it('import: weights that do not fit the config exit 2 listing the problems, and write nothing', async () => {
    const out = join(scratch(), 'w.safetensors');
    const r = await runCli(['weights', 'import', join(TINY, '0.pth'), '--preset', 'tiny', '--set', 'model.moe.experts=8', '--out', out]);
    assertCleanFailure(r, out, "do not match config 'tiny'", 'wrong shape blocks.1.mlp.experts.htoh4.weight: expected [8,64,32], got [4,64,32]');
  });

  it('import: corrupt inputs exit 2 naming the file, and write nothing', async () => {
    const dir = scratch();
    const out = join(dir, 'w.safetensors');
    const notZip = join(dir, 'bad.pth');
    writeFileSync(notZip, 'not a checkpoint at all');
    assertCleanFailure(await runCli(['weights', 'import', notZip, '-p', 'tiny', '-o', out]), out, notZip, 'not a zip archive');
    const cut = join(dir, 'cut.safetensors');
    writeFileSync(cut, readFileSync(join(TINY, 'weights.safetensors')).subarray(0, 2000));
    assertCleanFailure(await runCli(['weights', 'import', cut, '-p', 'tiny', '-o', out]), out, cut, 'past the end of the file');
  });

  it('random: deterministic per seed, different across seeds, checked against the config', async () => {
    const dir = scratch();
    const [a, c] = ['a', 'c'].map((n) => join(dir, `${n}.safetensors`));
    const ra = await runCli(['weights', 'random', '--preset', 'tiny', '--seed', '5', '--out', a!]);
    assert.equal(ra.exitCode, 0, ra.stderr);
    assert.match(ra.stdout, /wrote 30 random tensors \(59,008 values, seed 5\) for config 'tiny'/);
    assert.equal((await runCli(['weights', 'random', '-p', 'tiny', '--seed', '6', '-o', c!])).exitCode, 0);
    // Same bytes as an in-process draw with the same seed: nothing depends on the process or the clock.
    const meta = readSafetensorsFile(a!).metadata;
    const again = Buffer.concat(encodeSafetensors(randomWeights(resolveConfig({ preset: 'tiny' }), 5), meta));
    assert.ok(readFileSync(a!).equals(again));
    assert.ok(!readFileSync(a!).equals(readFileSync(c!)));
    const info = await runCli(['weights', 'info', a!, '--preset', 'tiny']);
    assert.equal(info.exitCode, 0, info.stderr);
    assert.match(info.stdout, /metadata seed: 5/);
    assert.match(info.stdout, /30 tensors, 59,008 values\nmatches config 'tiny'$/);
  });

  it('random: a bad seed exits 2 and writes nothing', async () => {
    const out = join(scratch(), 'r.safetensors');
    assertCleanFailure(await runCli(['weights', 'random', '-p', 'tiny', '--seed', '-3', '-o', out]), out, '--seed must be an integer in 0..4294967295');
  });

  it('info --help names no default preset: without one nothing is checked', async () => {
    const program = new Command('edgemoe');
    (await COMMANDS.find(([n]) => n === 'weights')![1]()).register(program);
    const info = program.commands[0]!.commands.find((c) => c.name() === 'info')!;
    const preset = info.options.find((o) => o.long === '--preset')!;
    assert.doesNotMatch(preset.description, /default: \S+ when/);
    assert.match(preset.description, /none by default: nothing is checked without --preset, --config or --set/);
  });

  it('info --json: per-tensor dtype, shape and statistics', async () => {
    const r = await runCli(['weights', 'info', join(TINY, 'weights.safetensors'), '--json']);
    assert.equal(r.exitCode, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { metadata: Record<string, string>; checkedAgainst: string | null; tensors: Array<{ name: string; dtype: string; shape: number[]; min: number; max: number; mean: number; std: number }> };
    assert.deepEqual(j.metadata, { format: 'pt' });
    // No --preset: nothing is checked (and --help names no default preset for it), which the output says.
    assert.equal(j.checkedAgainst, null);
    assert.equal(j.tensors.length, 30);
    const g = j.tensors.find((t) => t.name === 'blocks.1.mlp.gate.0.w_gate')!;
    const data = readSafetensors(join(TINY, 'weights.safetensors')).get('blocks.1.mlp.gate.0.w_gate')!.data as Float32Array;
    assert.deepEqual(g.shape, [32, 4]);
    assert.equal(g.min, Math.min(...data));
    assert.equal(g.max, Math.max(...data));
    const mean = data.reduce((s, v) => s + v, 0) / data.length;
    assert.ok(Math.abs(g.mean - mean) < 1e-12);
  });
});
