// The host's reading of design.json: the per-image strides are taken as stated and checked against the regions.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ioLayout, loadDesign } from '../../host/design.ts';
import type { DesignManifest } from '../../generator/manifest.ts';
import { scratch } from '../helpers/paths.ts';
import { toyManifest, TOY_STRIDES, writeToyDesign } from './fixtures/toy-design.ts';

/** The toy design dir with its design.json changed by `edit`; returns loadDesign's error message or 'ok'. */
function loadEdited(edit: (m: DesignManifest & Record<string, unknown>) => void): string {
  const dir = writeToyDesign(join(scratch(), 'toy'));
  const m = toyManifest() as DesignManifest & Record<string, unknown>;
  edit(m);
  writeFileSync(join(dir, 'design.json'), JSON.stringify(m));
  try {
    loadDesign(dir);
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('host/design: input/output layout from design.json', () => {
  it('uses the stated strides (the toy pads them; its regions have slack, so bytes / maxImages would be wrong)', () => {
    const m = toyManifest();
    const io = ioLayout(m);
    assert.deepEqual([io.input.stride, io.input.imageBytes], [TOY_STRIDES.input, 24]);
    assert.deepEqual([io.output.stride, io.output.rowStride, io.output.rows, io.output.rowElems], [TOY_STRIDES.output, TOY_STRIDES.outputRow, 2, 12]);
    const x = m.bundles[0]!.regions.find((r) => r.name === 'x')!;
    assert.notEqual(Math.floor(x.bytes / m.maxImages), io.output.stride);
  });

  it('rejects strides that do not fit, naming the field', () => {
    assert.equal(loadEdited(() => {}), 'ok');
    assert.match(loadEdited((m) => (m.input.stride = 20)), /input\.stride 20 is smaller than one image \(24 bytes\)/);
    assert.match(loadEdited((m) => (m.input.stride = 64)), /input region 'images' \(72 bytes\) cannot hold 2 images at input\.stride 64/);
    assert.match(loadEdited((m) => (m.input.rowStride = 8)), /input\.rowStride 8 differs from the image row of 4 bytes/);
    assert.match(loadEdited((m) => (m.output.rowStride = 40)), /output\.rowStride 40 is smaller than a row of 12x4 bytes/);
    assert.match(loadEdited((m) => (m.output.stride = 100)), /output\.stride 100 is smaller than 2 rows at output\.rowStride 64/);
    assert.match(loadEdited((m) => (m.output.stride = 240)), /output region 'x' \(344 bytes\) cannot hold 2 outputs at output\.stride 240/);
  });

  it('a design.json of the previous (or any other) format asks for regeneration in one line, before any schema issue', () => {
    const msg = loadEdited((m) => {
      (m as Record<string, unknown>).format = 'edgemoe-design/1';
      delete (m.input as Partial<DesignManifest['input']>).stride;
    });
    assert.match(msg, /design\.json has format 'edgemoe-design\/1', this edgemoe writes edgemoe-design\/3: regenerate it with `edgemoe gen`$/);
    assert.ok(!msg.includes('\n'), msg);
    assert.match(loadEdited((m) => ((m as Record<string, unknown>).format = 'something-else')), /has format 'something-else', this edgemoe writes edgemoe-design\/3/);
    assert.match(loadEdited((m) => delete (m as Partial<DesignManifest>).format), /design\.json has no "format" field, this edgemoe writes edgemoe-design\/3/);
  });

  it('a design.json of the right format that breaks the contract lists the fields', () => {
    const msg = loadEdited((m) => delete (m.input as Partial<DesignManifest['input']>).stride);
    assert.match(msg, /does not match the design\.json contract \(regenerate the design with `edgemoe gen`\):\n {2}input\.stride: /);
  });
});
