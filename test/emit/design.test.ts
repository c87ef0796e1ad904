// Reading a design dir back (readDesign): an old or foreign design.json format is one line asking for regeneration.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { readDesign } from '../../generator/emit/design.ts';
import { emitDesign } from '../../generator/emit/emit.ts';
import { isUserError } from '../../generator/errors.ts';
import { MANIFEST_FORMAT, MANIFEST_FORMAT_ONCHIP } from '../../generator/manifest.ts';
import { scratch } from '../helpers/paths.ts';

describe('emit/design: readDesign', () => {
  let dir: string;
  before(() => {
    dir = join(scratch(), 'tiny');
    emitDesign(resolveConfig({ preset: 'tiny' }), dir);
  });

  it('reads a generated design', () => {
    const d = readDesign(dir);
    assert.equal(d.manifest.format, MANIFEST_FORMAT);
    assert.equal(d.config.name, 'tiny');
  });

  it('a design.json of another format says which, and asks for `edgemoe gen`, with no schema issue list', () => {
    const path = join(dir, 'design.json');
    const good = readFileSync(path, 'utf8');
    try {
      for (const format of ['edgemoe-design/2', 'edgemoe-design/99']) {
        const m = JSON.parse(good) as Record<string, unknown>;
        m.format = format;
        delete m.bundles; // an older design also misses or changes fields: they must not be listed
        writeFileSync(path, JSON.stringify(m));
        assert.throws(
          () => readDesign(dir),
          (e: unknown) => isUserError(e) && e.message === `${path} has format '${format}', this edgemoe writes ${MANIFEST_FORMAT}: regenerate it with \`edgemoe gen\``,
        );
      }
    } finally {
      writeFileSync(path, good);
    }
  });

  it("format /5 (activations on chip) and onChip come together: either without the other is refused", () => {
    const path = join(dir, 'design.json');
    const good = readFileSync(path, 'utf8');
    try {
      const edit = (f: (m: Record<string, unknown>) => void) => {
        const m = JSON.parse(good) as Record<string, unknown>;
        f(m);
        writeFileSync(path, JSON.stringify(m));
      };
      edit((m) => (m.onChip = ['tmp1']));
      assert.throws(() => readDesign(dir), (e: unknown) => isUserError(e) && /format edgemoe-design\/3 cannot carry onChip/.test(e.message));
      edit((m) => (m.format = MANIFEST_FORMAT_ONCHIP));
      assert.throws(() => readDesign(dir), (e: unknown) => isUserError(e) && /format edgemoe-design\/5 needs onChip/.test(e.message));
      edit((m) => {
        m.format = MANIFEST_FORMAT_ONCHIP;
        m.onChip = ['tmp1'];
      });
      assert.deepEqual(readDesign(dir).manifest.onChip, ['tmp1']);
    } finally {
      writeFileSync(path, good);
    }
  });
});
