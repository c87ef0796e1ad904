// The fidelity report: top-k agreement over (token, MoE block) pairs and the one-line summary.
import assert from 'node:assert/strict';
import { compareArrays } from '../../generator/reference/compare.ts';
import { CLEAR_MARGIN, formatFidelity, topKAgreement } from '../../generator/reference/fidelity.ts';

describe('reference/fidelity', () => {
  it('agreement counts every (token, block) pair; flips above the clear margin are counted apart', () => {
    const a = topKAgreement([
      { tokens: 10, differ: [{ margin: 1e-5 }, { margin: 2e-3 }] },
      { tokens: 10, differ: [{ margin: CLEAR_MARGIN }] },
    ])!;
    assert.deepEqual(a, { agree: 17, total: 20, share: 0.85, clearFlips: 1, clearAfterFlip: 0 });
    assert.equal(topKAgreement([]), null);
  });

  it('a clear flip of a token that already flipped in an earlier block is counted as following that flip', () => {
    const a = topKAgreement([
      { tokens: 10, differ: [{ margin: 1e-4, token: 3 }] },
      { tokens: 10, differ: [{ margin: 4e-3, token: 3 }, { margin: 2e-3, token: 5 }] },
      { tokens: 10, differ: [{ margin: 5e-3, token: 5 }] },
    ])!;
    assert.equal(a.clearFlips, 3);
    assert.equal(a.clearAfterFlip, 2);
    const line = formatFidelity({ ...compareArrays([1], [1]), topk: a });
    assert.match(line, /3 flips at reference margin > 0\.001 \(2 after the same token's flip in an earlier MoE block\)$/);
  });

  it('one line with MSE, MSE/var, cosine, bias, max abs and the agreement', () => {
    const line = formatFidelity({ ...compareArrays([2, 1], [1, 3]), topk: { agree: 17, total: 20, share: 0.85, clearFlips: 1, clearAfterFlip: 0 } });
    assert.equal(line, 'fidelity: MSE 2.500  MSE/var 2.500  cosine 0.707107  bias -0.5000  max abs 2.000  top-k agreement 17/20 (85.00 %), 1 flip at reference margin > 0.001');
  });
});
