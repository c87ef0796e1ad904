import assert from 'node:assert/strict';
import { csimText } from '../../generator/csim/image-job.ts';
import type { CsimResult } from '../../generator/csim/run.ts';

describe('csim/image-job csimText (what csim prints for an image)', () => {
  const result = (phases: CsimResult['phases']): CsimResult => ({
    task: 0, output: new Float32Array(0), shape: [0, 0], final: { mse: 0.005, relMse: 5e-4, maxAbs: 0.4, cosine: 0.9997, bias: 0 }, ops: [], routing: [],
    phases, tolerance: 1e-3, passed: true, packed: '', packWarning: '', cycles: null, stdout: 'INFO line\n',
  });

  it('a reference beside the testbench counts in the total only for the time it outlasted it', () => {
    const shorter = csimText(result([{ phase: 'csim', seconds: 0.5 }, { phase: 'reference', seconds: 0.2, beside: 'csim' }]), {});
    assert.match(shorter, /^phases: csim 0\.50 s, reference 0\.20 s \(beside csim\) \(total 0\.50 s\)$/m);
    const longer = csimText(result([{ phase: 'compile', seconds: 0.01 }, { phase: 'csim', seconds: 0.59 }, { phase: 'reference', seconds: 0.63, beside: 'csim' }]), {});
    assert.match(longer, /\(total 0\.64 s\)$/m);
    const after = csimText(result([{ phase: 'csim', seconds: 0.5 }, { phase: 'reference', seconds: 0.2 }]), {});
    assert.match(after, /^phases: csim 0\.50 s, reference 0\.20 s \(total 0\.70 s\)$/m);
    assert.ok(after.startsWith('INFO line\noutput vs float reference: MSE'));
  });
});
