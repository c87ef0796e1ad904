import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { scratch } from '../helpers/paths.ts';

describe('commands/validate (CLI)', () => {
  it('exits 0 with a one-screen summary of the default preset', async () => {
    const r = await runCli(['validate']);
    assert.equal(r.exitCode, 0, r.stderr);
    const out = r.stdout;
    assert.ok(out.split('\n').length <= 24, 'fits one screen');
    assert.match(out, /^config\s+m3vit-t-cityscapes\s+\(preset m3vit-t-cityscapes, the default\)/m);
    assert.match(out, /3x128x256, patch 16 -> grid 8x16, 129 tokens \(cls included\)/);
    assert.match(out, /dim 192, depth 12, heads 3 \(head dim 64\)/);
    assert.match(out, /MoE blocks\s+1, 3, 5, 7, 9, 11 \(6 of 12\); 16 experts, top-2, expert hidden 384/);
    assert.match(out, /tasks\s+semseg, depth/);
    assert.match(out, /parameters\s+17,983,680 total/);
    assert.match(out, /MACs\/image\s+782,719,488 .*weight×act 706,037,760, act×act 76,681,728/);
    assert.match(out, /counted: multiply-accumulates of matrix products only/);
    assert.match(out, /qkv\s+171,196,416\s+= 12 layers · 129·192·576/);
    assert.match(out, /experts\s+228,261,888\s+= 6 layers · 129·2·2·192·384/);
    assert.match(out, /activation ap_fixed<32,10>.*pixel ap_ufixed<8,0>/);
    assert.match(out, /zcu102 \(xczu9eg-ffvb1156-2-e\) @ 300 MHz; AXI 256 bit = 8 lanes; linear tile 16x16; attention P=4/);
    assert.equal(r.stderr, '');
  });

  it('exits 2 listing every violation with its path and rule', async () => {
    const r = await runCli(['validate', '--preset', 'tiny', '--set', 'model.heads=3', '--set', 'hardware.attnParallel=99', '-s', 'precision.pixel.signed=false', '-s', 'precision.pixel.o="AP_WRAP_SM"']);
    assert.equal(r.exitCode, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^edgemoe: error: invalid config \(preset tiny\) \(3 problems\):/);
    assert.match(r.stderr, /\n {2}model\.heads: heads must divide dim \(32\)/);
    assert.match(r.stderr, /\n {2}hardware\.attnParallel: attnParallel must be ≤ tokens \(9\)/);
    assert.match(r.stderr, /\n {2}precision\.pixel\.o: ap_ufixed with AP_WRAP_SM is invalid/);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
  });

  it('--json: resolved config + stats when valid, violations when not, same exit codes', async () => {
    const ok = await runCli(['validate', '--preset', 'tiny', '--json']);
    assert.equal(ok.exitCode, 0, ok.stderr);
    const j = JSON.parse(ok.stdout) as { valid: boolean; config: { name: string }; stats: { tokens: number; macs: { total: number } } };
    assert.equal(j.valid, true);
    assert.equal(j.config.name, 'tiny');
    assert.equal(j.stats.tokens, 9);
    assert.equal(j.stats.macs.total, 429_312);
    const bad = await runCli(['validate', '--preset', 'tiny', '--json', '--set', 'model.moe.topK=5', '--set', 'hardware.axiBits=96']);
    assert.equal(bad.exitCode, 2);
    const b = JSON.parse(bad.stdout) as { valid: boolean; violations: Array<{ path: string; rule: string }> };
    assert.equal(b.valid, false);
    assert.deepEqual(b.violations.map((v) => v.path).sort(), ['hardware.axiBits', 'model.moe.topK']);
    const unknown = await runCli(['validate', '--preset', 'nope', '--json']);
    assert.equal(unknown.exitCode, 2);
    assert.match((JSON.parse(unknown.stdout) as { error: string }).error, /unknown preset 'nope'/);
  });

  it('reads a config file (positional or --config) that extends a preset or another file', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'base.json'), JSON.stringify({ extends: 'tiny', name: 'base', hardware: { attnParallel: 2 } }));
    writeFileSync(join(dir, 'top.json'), JSON.stringify({ extends: 'base.json', name: 'top', model: { tasks: ['a', 'b', 'c'] } }));
    const r = await runCli(['validate', join(dir, 'top.json')]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^config\s+top\s+\(file /m);
    assert.match(r.stdout, /tasks\s+a, b, c \(3 gates per MoE block\)/);
    assert.match(r.stdout, /attention P=2/);
    const viaOption = await runCli(['validate', '--config', join(dir, 'top.json'), '--set', 'model.heads=5']);
    assert.equal(viaOption.exitCode, 2);
    assert.match(viaOption.stderr, /model\.heads: heads must divide dim/);
    const both = await runCli(['validate', join(dir, 'top.json'), '--preset', 'tiny']);
    assert.equal(both.exitCode, 2);
    assert.match(both.stderr, /either a config file or --preset/);
  });

  it('exits 2 with a one-line error for an unknown preset, a bad JSON file and a missing file', async () => {
    const dir = scratch();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"extends": "tiny",');
    for (const [args, msg] of [
      [['validate', '--preset', 'nope'], /^edgemoe: error: unknown preset 'nope' \(known: m3vit-t-cityscapes, /],
      [['validate', bad], /^edgemoe: error: config .*bad\.json is not valid JSON/],
      [['validate', join(dir, 'missing.json')], /^edgemoe: error: cannot read config .*missing\.json: no such file$/m],
      [['validate', '--set', 'nonsense'], /^edgemoe: error: --set 'nonsense': expected path=value/],
    ] as const) {
      const r = await runCli([...args]);
      assert.equal(r.exitCode, 2, args.join(' '));
      assert.match(r.stderr, msg);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});
