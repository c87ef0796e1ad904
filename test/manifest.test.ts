// The design.json schema: per-image input/output strides are required, positive integers; the format names them.
import assert from 'node:assert/strict';
import { resolveConfig } from '../generator/config/index.ts';
import { MANIFEST_FORMAT, manifestSchema } from '../generator/manifest.ts';
import { buildPlan, planToManifest } from '../generator/plan/index.ts';

describe('design.json schema (generator/manifest.ts)', () => {
  const good = () => structuredClone(planToManifest(buildPlan(resolveConfig({ preset: 'tiny' })), 'h')) as unknown as Record<string, Record<string, unknown>>;
  const issues = (m: unknown) => {
    const r = manifestSchema.safeParse(m);
    return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
  };

  it('accepts what the plan produces, format edgemoe-design/3 with strides', () => {
    const m = good();
    assert.equal(MANIFEST_FORMAT, 'edgemoe-design/3');
    assert.deepEqual(issues(m), []);
    assert.deepEqual(Object.keys(m.input!).sort(), ['preprocess', 'region', 'rowStride', 'shape', 'stride']);
    assert.deepEqual(Object.keys(m.output!).sort(), ['region', 'rowStride', 'shape', 'stride']);
  });

  it('rejects a missing, zero or fractional stride, a missing input.preprocess and the old format', () => {
    const missing = good();
    delete missing.input!.stride;
    assert.deepEqual(issues(missing), ['input.stride']);
    const zero = good();
    zero.output!.rowStride = 0;
    assert.deepEqual(issues(zero), ['output.rowStride']);
    const frac = good();
    frac.output!.stride = 1152.5;
    assert.deepEqual(issues(frac), ['output.stride']);
    const noPre = good();
    delete (noPre.input as Record<string, unknown>).preprocess;
    assert.deepEqual(issues(noPre), ['input.preprocess']);
    const old = good() as Record<string, unknown>;
    old.format = 'edgemoe-design/1';
    assert.deepEqual(issues(old), ['format']);
  });
});
