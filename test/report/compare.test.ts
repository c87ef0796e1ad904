// Whether a solution's reports are the design's own (kernel and part) before any ratio with the estimate.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { collectReports } from '../../generator/report/collect.ts';
import { foreignReasons } from '../../generator/report/compare.ts';
import { REPORTS } from '../helpers/paths.ts';

describe('foreignReasons', () => {
  const s = collectReports(join(REPORTS, 'vitis-hls-2023.2-u55c-dataflow-kernel-flow')).solutions[0]!;

  it('names the other kernel and the other part', () => {
    assert.deepEqual(foreignReasons(s, { name: 'd', kernel: 'edgemoe_top', part: 'xcu280-fsvh2892-2L-e' }), [
      "its top is 'streamhls', not the design's kernel 'edgemoe_top'",
      'it was synthesised for part xcu55c-fsvh2892-2L-e, the design targets xcu280-fsvh2892-2L-e',
    ]);
  });

  it('is empty for the same kernel and part (the part compared without case)', () => {
    assert.deepEqual(foreignReasons(s, { name: 'd', kernel: 'streamhls', part: 'XCU55C-FSVH2892-2L-E' }), []);
  });
});
