// Golden files of the `tiny` design's rendered sources. Verbatim copies (the kernel library headers from
// templates/kernel, the csim headers from templates/csim-include, tb/tb_io.h) are checked against their templates
// instead, so editing a library header does not churn the golden files.
// After a deliberate change to the generator or templates, regenerate them and review the diff:
//   EDGEMOE_UPDATE_GOLDEN=1 npx mocha test/emit/golden.test.ts && git diff test/golden/tiny
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { renderDesign } from '../../generator/emit/emit.ts';
import { listFiles } from '../../generator/emit/write-dir.ts';
import { KERNEL_HEADERS } from '../../generator/plan/index.ts';
import { ROOT } from '../helpers/paths.ts';

const GOLDEN = join(ROOT, 'test', 'golden', 'tiny');

describe('golden files of the tiny design', () => {
  const { files } = renderDesign(resolveConfig({ preset: 'tiny' }));
  const copies = new Map<string, string>([
    ...KERNEL_HEADERS.map((h): [string, string] => [`src/${h}`, join(ROOT, 'templates', 'kernel', h)]),
    ['tb/tb_io.h', join(ROOT, 'templates', 'design', 'tb_io.h')],
  ]);
  const sources = new Map([...files].filter(([k]) => !k.startsWith('csim-include/') && !copies.has(k)).map(([k, v]) => [k, Buffer.from(v)]));

  it('copies the kernel library and tb_io.h verbatim', () => {
    for (const [k, src] of copies) assert.ok(Buffer.from(files.get(k)!).equals(readFileSync(src)), `${k} is not a copy of ${src}`);
  });

  if (process.env.EDGEMOE_UPDATE_GOLDEN) {
    rmSync(GOLDEN, { recursive: true, force: true });
    for (const [k, v] of sources) {
      mkdirSync(dirname(join(GOLDEN, k)), { recursive: true });
      writeFileSync(join(GOLDEN, k), v);
    }
  }

  it('has the same file list', () => {
    assert.ok(existsSync(GOLDEN), 'no golden files: run EDGEMOE_UPDATE_GOLDEN=1 npx mocha test/emit/golden.test.ts');
    assert.deepEqual([...sources.keys()].sort(), listFiles(GOLDEN));
  });

  for (const [k, v] of sources) {
    it(k, () => {
      const golden = join(GOLDEN, k);
      assert.ok(existsSync(golden), `${k} is new (regenerate the golden files deliberately: EDGEMOE_UPDATE_GOLDEN=1)`);
      const want = readFileSync(golden, 'utf8');
      const got = v.toString('utf8');
      if (got !== want) {
        const a = want.split('\n'), b = got.split('\n');
        const i = a.findIndex((l, j) => l !== b[j]);
        assert.fail(`${k} differs from test/golden/tiny/${k} at line ${i + 1}:\n  golden: ${a[i]}\n  now:    ${b[i]}\n(if intended: EDGEMOE_UPDATE_GOLDEN=1 npx mocha test/emit/golden.test.ts)`);
      }
    });
  }
});
