import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig, ConfigError } from '../../generator/config/index.ts';
import { PRESETS } from '../../generator/config/presets.ts';
import { isUserError } from '../../generator/errors.ts';
import { scratch } from '../helpers/paths.ts';

/** Asserts fn throws a UserError whose message is exactly `msg`. */
const throwsExactly = (fn: () => unknown, msg: string) => assert.throws(fn, (e: unknown) => isUserError(e) && e.message === msg);

describe('config/load', () => {
  it('resolves the default preset to Edge-MoE', () => {
    const c = resolveConfig();
    assert.equal(c.name, 'm3vit-t-cityscapes');
    assert.deepEqual(c.model.image, [3, 128, 256]);
    assert.equal(c.hardware.attnParallel, 4);
  });
  it('applies --set overrides with JSON values', () => {
    const c = resolveConfig({ preset: 'tiny', sets: ['hardware.attnParallel=8', 'model.tasks=["a","b","c"]'] });
    assert.equal(c.hardware.attnParallel, 8);
    assert.deepEqual(c.model.tasks, ['a', 'b', 'c']);
  });
  it('"extends": objects merge, a null member removes the inherited key (bundles merged for four weight ports)', () => {
    const dir = scratch();
    const file = join(dir, 'merged.json');
    const bundles = { inout1: ['tmp1', 'attn', 'images', 'tmp3', 'hidden', 'softmaxInfo'], inout2: ['tmp2', 'x'], weights: ['weights'] };
    writeFileSync(file, JSON.stringify({ extends: 'tiny', hardware: { weightPorts: 4, bundles: { ...bundles, inout3: null, inout4: null } } }));
    const c = resolveConfig({ file });
    assert.deepEqual(c.hardware.bundles, bundles);
    assert.equal(c.hardware.attnParallel, PRESETS.tiny!.config().hardware.attnParallel, 'the rest inherited');
  });
  it('reports the field path of a schema violation', () => {
    assert.throws(() => resolveConfig({ preset: 'tiny', sets: ['model.heads=3'] }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.ok(e.violations.some((v) => v.path === 'model.heads'));
      return true;
    });
  });
  it('a bad "extends" says it is neither a preset (listing them) nor a readable file', () => {
    const dir = scratch();
    const file = join(dir, 'c.json');
    writeFileSync(file, '{"extends": "nope"}');
    throwsExactly(() => resolveConfig({ file }), `config ${file}: "extends": "nope" is neither a preset (${Object.keys(PRESETS).join(', ')}) nor a readable config file (${join(dir, 'nope')}: no such file)`);
    writeFileSync(file, '{"extends": "."}');
    throwsExactly(() => resolveConfig({ file }), `config ${file}: "extends": "." is neither a preset (${Object.keys(PRESETS).join(', ')}) nor a readable config file (${dir}: is a directory)`);
  });
  it('a missing config file or a directory is worded, not an error code', () => {
    const dir = scratch();
    throwsExactly(() => resolveConfig({ file: join(dir, 'missing.json') }), `cannot read config ${join(dir, 'missing.json')}: no such file`);
    throwsExactly(() => resolveConfig({ file: dir }), `cannot read config ${dir}: is a directory`);
  });
});
