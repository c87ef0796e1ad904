import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSharded, rankFiles } from '../../generator/weights/sharded.ts';
import { loadPth } from '../../generator/weights/checkpoint.ts';
import { TINY, scratch } from '../helpers/paths.ts';
import { buildPth, f32Bytes, f32Tensor, type PyValue } from './pth-builder.ts';
import { assertUserError } from './assert-user-error.ts';

const SHARDED = join(TINY, 'sharded');
const EXPERT = 'module.backbone.blocks.1.mlp.experts.';

/** A rank ≥ 1 file holding the given expert tensors (name → shape), all values = rank. */
function rankFile(dir: string, rank: number, shapes: Record<string, number[]>): void {
  const sd = new Map<string, PyValue>();
  const storages: Record<string, Uint8Array> = {};
  Object.entries(shapes).forEach(([name, shape], i) => {
    sd.set(EXPERT + name, f32Tensor(String(i), shape));
    storages[String(i)] = f32Bytes(new Array(shape.reduce((a, b) => a * b, 1)).fill(rank));
  });
  writeFileSync(join(dir, `${rank}.pth`), buildPth(String(rank), new Map<string, PyValue>([['epoch', 3], ['state_dict', { ordered: sd }]]), storages));
}

const RANK_SHAPES = { 'htoh4.weight': [2, 64, 32], 'htoh4.bias': [2, 64], 'h4toh.weight': [2, 32, 64], 'h4toh.bias': [2, 32] };

describe('weights/sharded', () => {
  it('merges the fixture shards: experts concatenated in rank order, the rest from rank 0', () => {
    const { tensors, notes } = loadSharded(SHARDED);
    const r0 = loadPth(join(SHARDED, '0.pth')).tensors;
    const r1 = loadPth(join(SHARDED, '1.pth')).tensors;
    assert.equal(tensors.size, 30);
    const w = tensors.get('blocks.1.mlp.experts.h4toh.weight')!;
    assert.deepEqual(w.shape, [4, 32, 64]);
    const half = 2 * 32 * 64;
    assert.deepEqual(w.data.subarray(0, half), r0.get('blocks.1.mlp.experts.h4toh.weight')!.data);
    assert.deepEqual(w.data.subarray(half), r1.get('blocks.1.mlp.experts.h4toh.weight')!.data);
    assert.deepEqual(tensors.get('blocks.0.attn.qkv.weight'), r0.get('blocks.0.attn.qkv.weight'));
    assert.ok(notes.includes('merged 2 expert shards (2 experts per rank → 4)'), notes.join('; '));
  });

  it('merges three ranks in numeric order (10 sorts after 2)', () => {
    const dir = scratch();
    copyFileSync(join(SHARDED, '0.pth'), join(dir, '0.pth'));
    for (let r = 1; r <= 10; r++) rankFile(dir, r, RANK_SHAPES);
    const { tensors } = loadSharded(dir);
    const b = tensors.get('blocks.1.mlp.experts.h4toh.bias')!;
    assert.deepEqual(b.shape, [22, 32]);
    for (let r = 1; r <= 10; r++) assert.equal(b.data[(2 * r) * 32], r, `rank ${r}`);
  });

  it('names the missing rank files', () => {
    const dir = scratch();
    copyFileSync(join(SHARDED, '0.pth'), join(dir, '0.pth'));
    rankFile(dir, 2, RANK_SHAPES);
    rankFile(dir, 4, RANK_SHAPES);
    assertUserError(() => rankFiles(dir), dir, 'missing rank files 1.pth, 3.pth');
    const dir2 = scratch();
    rankFile(dir2, 1, RANK_SHAPES);
    assertUserError(() => loadSharded(dir2), 'missing rank file 0.pth');
  });

  it('rejects a directory without rank files', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'model.pth'), '');
    assertUserError(() => loadSharded(dir), dir, 'no {rank}.pth files');
  });

  it('rejects ranks with inconsistent expert shapes', () => {
    const dir = scratch();
    copyFileSync(join(SHARDED, '0.pth'), join(dir, '0.pth'));
    rankFile(dir, 1, { ...RANK_SHAPES, 'htoh4.weight': [3, 64, 32] });
    assertUserError(() => loadSharded(dir), join(dir, '1.pth'), "'blocks.1.mlp.experts.htoh4.weight' is f32 [3,64,32], but rank 0 has f32 [2,64,32]");
  });

  it('rejects a rank that lacks an expert tensor of rank 0', () => {
    const dir = scratch();
    copyFileSync(join(SHARDED, '0.pth'), join(dir, '0.pth'));
    const { 'h4toh.bias': _drop, ...rest } = RANK_SHAPES;
    rankFile(dir, 1, rest);
    assertUserError(() => loadSharded(dir), join(dir, '1.pth'), 'lacks expert tensor blocks.1.mlp.experts.h4toh.bias');
  });
});
