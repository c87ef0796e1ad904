import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '../../generator/emit/hash.ts';
import { filesSha256Memo } from '../../generator/emit/hash-memo.ts';
import { scratch } from '../helpers/paths.ts';

describe('emit/hash-memo (file sha256s remembered by inode, size and times)', () => {
  it('hashes, records, then answers from the memo for an unchanged file (shown by a planted hash)', async () => {
    const dir = scratch('edgemoe-hash-memo-');
    const f = join(dir, 'a.bin');
    writeFileSync(f, 'first');
    const memo = join(dir, 'memo', 'file-hashes.json');
    assert.deepEqual(await filesSha256Memo([f], memo, { settledMs: 0 }), [sha256('first')]);
    assert.ok(existsSync(memo));
    // Plant another hash for the same identity: an answer from the memo returns it without reading the file.
    const m = JSON.parse(readFileSync(memo, 'utf8'));
    m.files[f].sha256 = 'planted';
    writeFileSync(memo, JSON.stringify(m));
    assert.deepEqual(await filesSha256Memo([f], memo, { settledMs: 0 }), ['planted']);
    // A recorded file that is gone leaves the memo when it is next written.
    const g = join(dir, 'b.bin');
    writeFileSync(g, 'second');
    rmSync(f);
    assert.deepEqual(await filesSha256Memo([g], memo, { settledMs: 0 }), [sha256('second')]);
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(memo, 'utf8')).files), [g]);
  });

  it('a file rewritten with the same size and its mtime set back is hashed again', async () => {
    const dir = scratch('edgemoe-hash-memo-');
    const f = join(dir, 'a.bin');
    writeFileSync(f, 'aaaa');
    const memo = join(dir, 'file-hashes.json');
    await filesSha256Memo([f], memo, { settledMs: 0 });
    const m = JSON.parse(readFileSync(memo, 'utf8'));
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(f, 'bbbb');
    utimesSync(f, new Date(Number(BigInt(m.files[f].mtimeNs) / 1_000_000n)), new Date(Number(BigInt(m.files[f].mtimeNs) / 1_000_000n)));
    assert.deepEqual(await filesSha256Memo([f], memo, { settledMs: 0 }), [sha256('bbbb')]);
  });

  it('a file whose times are not yet settled is hashed but not recorded', async () => {
    const dir = scratch('edgemoe-hash-memo-');
    const f = join(dir, 'a.bin');
    writeFileSync(f, 'fresh');
    const memo = join(dir, 'file-hashes.json');
    assert.deepEqual(await filesSha256Memo([f], memo), [sha256('fresh')]);
    assert.equal(existsSync(memo), false);
  });

  it('missing files give null; a corrupt memo is rebuilt; an unwritable one is left alone', async () => {
    const dir = scratch('edgemoe-hash-memo-');
    const f = join(dir, 'a.bin');
    writeFileSync(f, 'x');
    const memo = join(dir, 'file-hashes.json');
    writeFileSync(memo, '{ not json');
    assert.deepEqual(await filesSha256Memo([join(dir, 'missing'), f], memo, { settledMs: 0 }), [null, sha256('x')]);
    assert.equal(JSON.parse(readFileSync(memo, 'utf8')).format, 'edgemoe-file-hashes-1');
    // A memo path under a file: no user (root neither) can create it.
    assert.deepEqual(await filesSha256Memo([f], join(f, 'sub', 'file-hashes.json'), { settledMs: 0 }), [sha256('x')]);
  });
});
