import assert from 'node:assert/strict';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { checkWeights, describeWeights, LISTED_PER_KIND, weightProblems } from '../../generator/weights/check.ts';
import { readSafetensors } from '../../generator/weights/safetensors.ts';
import { loadPth } from '../../generator/weights/checkpoint.ts';
import { isUserError } from '../../generator/errors.ts';
import { TINY } from '../helpers/paths.ts';

const tiny = resolveConfig({ preset: 'tiny' });
const load = () => readSafetensors(join(TINY, 'weights.safetensors'));

describe('weights/check', () => {
  it('accepts the tiny fixture for the tiny preset', () => {
    assert.deepEqual(weightProblems(tiny, load()), []);
    checkWeights(tiny, load());
  });

  it('lists every missing, extra, mis-shaped and non-float tensor in one UserError', () => {
    const w = load();
    w.delete('blocks.1.mlp.gate.1.w_gate');
    w.set('head.weight', { dtype: 'f32', shape: [2, 2], data: new Float32Array(4) });
    w.set('blocks.0.attn.proj.bias', { dtype: 'f32', shape: [31], data: new Float32Array(31) });
    w.set('cls_token', { dtype: 'i64', shape: [1, 1, 32], data: new BigInt64Array(32) });
    assert.throws(() => checkWeights(tiny, w, 'x.pth'), (e: unknown) => {
      assert.ok(isUserError(e));
      const msg = (e as Error).message;
      assert.match(msg, /^x\.pth do not match config 'tiny' \(4 problems; the weights look like dim 32, 9 tokens, depth 2, MoE blocks \[1\], 4 experts of hidden 64, 1 task gate\):\n/);
      assert.ok(msg.includes('missing blocks.1.mlp.gate.1.w_gate: expected shape [32,4]'), msg);
      assert.ok(msg.includes('extra head.weight: shape [2,2]'), msg);
      assert.ok(msg.includes('wrong shape blocks.0.attn.proj.bias: expected [32], got [31]'), msg);
      assert.ok(msg.includes('wrong dtype cls_token: expected a float tensor (f32/f64), got i64'), msg);
      return true;
    });
  });

  it('describes what a weights file looks like (the hint in the error)', () => {
    assert.equal(describeWeights(load()), 'dim 32, 9 tokens, depth 2, MoE blocks [1], 4 experts of hidden 64, 2 task gates');
    assert.equal(describeWeights(new Map()), '');
  });

  it('hints at the sharded directory when given one rank file', () => {
    assert.throws(() => checkWeights(tiny, loadPth(join(TINY, 'sharded', '0.pth')).tensors, '0.pth'), (e: unknown) => {
      const msg = (e as Error).message;
      assert.ok(msg.includes('wrong shape blocks.1.mlp.experts.htoh4.weight: expected [4,64,32], got [2,64,32]'), msg);
      assert.ok(msg.endsWith("hint: blocks.1.mlp.experts.htoh4.weight holds 2 of the config's 4 experts; if this is one rank file of a FastMoE sharded checkpoint, pass its directory (all 2 {rank}.pth files) instead"), msg);
      return true;
    });
  });

  it('caps a wrong model\'s listing at LISTED_PER_KIND lines per kind, keeps the model guess, and gives no shard hint when dims differ', () => {
    const big = resolveConfig({ preset: 'm3vit-t-cityscapes' });
    const all = weightProblems(big, load());
    assert.throws(() => checkWeights(big, load(), 'tiny.safetensors'), (e: unknown) => {
      const msg = (e as Error).message;
      const lines = msg.split('\n');
      assert.match(lines[0]!, new RegExp(`^tiny\\.safetensors do not match config 'm3vit-t-cityscapes' \\(${all.length} problems; the weights look like dim 32, 9 tokens, depth 2, `));
      const kinds = { missing: 'missing ', 'mis-shaped': 'wrong shape ', extra: 'extra ' };
      for (const [word, prefix] of Object.entries(kinds)) {
        const total = all.filter((p) => p.startsWith(prefix)).length;
        const listed = lines.filter((l) => l.startsWith(`  ${prefix}`)).length;
        assert.equal(listed, Math.min(total, LISTED_PER_KIND), `${word}: ${listed} of ${total} listed`);
        if (total > LISTED_PER_KIND) assert.ok(lines.includes(`  … and ${total - LISTED_PER_KIND} more ${word}`), `${word}:\n${msg}`);
      }
      assert.ok(all.length > 100 && lines.length <= 1 + 5 * (LISTED_PER_KIND + 1), `${lines.length} lines for ${all.length} problems`);
      assert.doesNotMatch(msg, /hint: .*rank file/);
      return true;
    });
  });

  it('gives no shard hint when the checkpoint\'s gates also say it has fewer experts', () => {
    const c = resolveConfig({ preset: 'tiny', sets: ['model.moe.experts=8'] });
    assert.throws(() => checkWeights(c, load()), (e: unknown) => !/rank file/.test((e as Error).message));
  });

  it('rejects NaN and infinity', () => {
    const w = load();
    (w.get('pos_embed')!.data as Float32Array)[5] = NaN;
    assert.deepEqual(weightProblems(tiny, w), ['non-finite value pos_embed: element 5 is NaN']);
  });

  it('rejects the tiny weights for a different config, naming the shapes', () => {
    const c = resolveConfig({ preset: 'tiny', sets: ['model.moe.experts=8'] });
    const p = weightProblems(c, load());
    assert.ok(p.includes('wrong shape blocks.1.mlp.experts.htoh4.weight: expected [8,64,32], got [4,64,32]'), p.join('\n'));
    assert.ok(p.includes('wrong shape blocks.1.mlp.gate.0.w_gate: expected [32,8], got [32,4]'), p.join('\n'));
  });
});
