import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPth, normalizeNames } from '../../generator/weights/checkpoint.ts';
import { TINY, scratch } from '../helpers/paths.ts';
import { buildPth, f32Bytes, f32Tensor, type PyValue } from './pth-builder.ts';
import { assertUserError } from './assert-user-error.ts';

/** Writes a checkpoint whose state dict maps each key to a 1-element tensor holding its index. */
function checkpoint(keys: string[], wrap: (sd: PyValue) => PyValue): string {
  const storages: Record<string, Uint8Array> = {};
  const sd = new Map<string, PyValue>();
  keys.forEach((k, i) => {
    sd.set(k, f32Tensor(String(i), [1]));
    storages[String(i)] = f32Bytes([i]);
  });
  const p = join(scratch(), 'ck.pth');
  writeFileSync(p, buildPth('ck', wrap({ ordered: sd, metadata: true }), storages));
  return p;
}

describe('weights/checkpoint', () => {
  it('loads the fixture 0.pth: state_dict wrapper, module.backbone. stripped, 30 tensors in state_dict order', () => {
    const { tensors, notes } = loadPth(join(TINY, '0.pth'));
    assert.equal(tensors.size, 30);
    assert.deepEqual([...tensors.keys()].slice(0, 4), ['cls_token', 'pos_embed', 'patch_embed.proj.weight', 'patch_embed.proj.bias']);
    assert.deepEqual(notes, ["using the 'state_dict' entry of the checkpoint", "stripped prefix 'module.backbone.' from 30 keys"]);
  });

  for (const wrapper of ['state_dict', 'model', 'backbone']) {
    it(`accepts a '${wrapper}' wrapper and ignores unknown top-level keys`, () => {
      const p = checkpoint(['module.backbone.cls_token'], (sd) => new Map<string, PyValue>([['epoch', 3], ['best_result', new Map([['miou', 1]])], [wrapper, sd]]));
      const { tensors, notes } = loadPth(p);
      assert.deepEqual([...tensors.keys()], ['cls_token']);
      assert.ok(notes.includes(`using the '${wrapper}' entry of the checkpoint`), notes.join('; '));
    });
  }

  it('prefers state_dict over backbone when a rank file carries both', () => {
    const p = checkpoint(['module.backbone.a'], (sd) => new Map<string, PyValue>([['backbone', new Map([['x', f32Tensor('0', [1])]])], ['state_dict', sd]]));
    assert.deepEqual([...loadPth(p).tensors.keys()], ['a']);
  });

  it('accepts a bare state dict with mixed prefixes, dropping decoders and TAM with a count', () => {
    const keys = ['module.backbone.cls_token', 'backbone.pos_embed', 'module.blocks.0.norm1.weight', 'blocks.0.norm1.bias', 'module.decoders.semseg.conv_0.weight', 'module.decoders.depth.norm.bias', 'module.tam_model0.x', 'decoders.edge.y'];
    const { tensors, notes } = loadPth(checkpoint(keys, (sd) => sd));
    assert.deepEqual([...tensors.keys()], ['cls_token', 'pos_embed', 'blocks.0.norm1.weight', 'blocks.0.norm1.bias']);
    assert.deepEqual([...tensors.get('blocks.0.norm1.bias')!.data], [3]);
    assert.ok(notes.includes('dropped 4 decoder/TAM tensors (decoders.*, tam_model*)'), notes.join('; '));
    assert.ok(notes.includes("stripped prefix 'module.backbone.' from 1 key"), notes.join('; '));
  });

  it('rejects two keys that collide after stripping', () => {
    assertUserError(() => normalizeNames([['module.backbone.a', 1], ['backbone.a', 2]], 'f.pth', []), 'f.pth', "tensor 'a'", "'backbone.a'");
  });

  it('rejects a checkpoint without any state dict, listing its top-level keys', () => {
    const p = checkpoint([], () => new Map<string, PyValue>([['epoch', 3], ['optimizer', new Map()]]));
    assertUserError(() => loadPth(p), p, 'no state dict found', 'epoch, optimizer');
  });
});
