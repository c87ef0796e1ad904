import assert from 'node:assert/strict';
import { resolveConfig, ConfigError } from '../../generator/config/index.ts';

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
  it('reports the field path of a schema violation', () => {
    assert.throws(() => resolveConfig({ preset: 'tiny', sets: ['model.heads=3'] }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.ok(e.violations.some((v) => v.path === 'model.heads'));
      return true;
    });
  });
});
