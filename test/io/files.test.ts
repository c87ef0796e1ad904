// Safe writes: regular files atomically, symlinks followed, devices written into (never replaced), errors in words,
// directories under /proc refused instead of looping.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fsErrorReason, makeDirs, readFileOrThrow, writeFileAtomic } from '../../generator/io/files.ts';
import { writeDirAtomic } from '../../generator/emit/write-dir.ts';
import { isUserError } from '../../generator/errors.ts';
import { scratch } from '../helpers/paths.ts';

function throwsUser(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => isUserError(e) && pattern.test((e as Error).message));
}

describe('io/files', () => {
  it('replaces a regular file atomically and keeps its mode; no temp file is left', () => {
    const dir = scratch();
    const p = join(dir, 'a.bin');
    writeFileSync(p, 'old', { mode: 0o640 });
    writeFileAtomic(p, [new Uint8Array([1, 2]), new Uint8Array([3])]);
    assert.deepEqual([...readFileSync(p)], [1, 2, 3]);
    assert.equal(statSync(p).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(dir), ['a.bin']);
  });

  it('writes through a symlink (existing or dangling target) and leaves the link a link', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'target.npy'), 'old');
    symlinkSync('target.npy', join(dir, 'link.npy'));
    writeFileAtomic(join(dir, 'link.npy'), new Uint8Array([7]));
    assert.ok(lstatSync(join(dir, 'link.npy')).isSymbolicLink());
    assert.deepEqual([...readFileSync(join(dir, 'target.npy'))], [7]);
    mkdirSync(join(dir, 'sub'));
    symlinkSync(join(dir, 'sub', 'new.npy'), join(dir, 'dangling.npy'));
    writeFileAtomic(join(dir, 'dangling.npy'), new Uint8Array([9]));
    assert.equal(readlinkSync(join(dir, 'dangling.npy')), join(dir, 'sub', 'new.npy'));
    assert.deepEqual([...readFileSync(join(dir, 'sub', 'new.npy'))], [9]);
  });

  it('writes into a character device instead of replacing it; a full device is an error in words', () => {
    writeFileAtomic('/dev/null', new Uint8Array(10));
    assert.ok(statSync('/dev/null').isCharacterDevice());
    if (existsSync('/dev/full')) {
      throwsUser(() => writeFileAtomic('/dev/full', new Uint8Array(10)), /^cannot write \/dev\/full: no space left on device$/);
      assert.ok(statSync('/dev/full').isCharacterDevice(), '/dev/full was replaced');
    }
  });

  it('refuses a directory, naming it', () => {
    const dir = scratch();
    throwsUser(() => writeFileAtomic(dir, new Uint8Array(1)), /is a directory, expected a file/);
    symlinkSync(dir, join(dir, 'self'));
    throwsUser(() => writeFileAtomic(join(dir, 'self'), new Uint8Array(1)), /is a directory/);
  });

  it('gives errno words, not codes', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    assert.equal(fsErrorReason(err('ENOSPC')), 'no space left on device');
    assert.equal(fsErrorReason(err('EISDIR')), 'is a directory');
    assert.equal(fsErrorReason(err('EROFS')), 'read-only file system');
    const dir = scratch();
    writeFileSync(join(dir, 'f'), '');
    throwsUser(() => writeFileAtomic(join(dir, 'f', 'x.npy'), new Uint8Array(1)), /a parent of it is not a directory/);
  });

  it('a file whose name is not UTF-8 is not reported as merely missing', () => {
    // Node decodes such a command-line argument with U+FFFD in place of the bad byte: that name does not exist.
    const dir = scratch();
    writeFileSync(Buffer.from(`${dir}/a\xff.png`, 'latin1'), 'png');
    const asNodeSeesIt = join(dir, 'a\uFFFD.png');
    throwsUser(() => readFileOrThrow(asNodeSeesIt, 'image'), /^cannot read image file .*a\uFFFD\.png: no such file \(its name has bytes that are not valid UTF-8, which edgemoe cannot open: rename the file\)$/);
    throwsUser(() => readFileOrThrow(join(dir, 'b.png'), 'image'), /b\.png: no such file$/);
  });

  it('makeDirs creates missing parents and fails (instead of hanging) under /proc', function () {
    const dir = scratch();
    makeDirs(join(dir, 'a', 'b', 'c'));
    assert.ok(statSync(join(dir, 'a', 'b', 'c')).isDirectory());
    writeFileSync(join(dir, 'file'), '');
    throwsUser(() => makeDirs(join(dir, 'file', 'x'), 'output directory'), /^cannot create output directory .*x: a parent of it is not a directory$/);
    if (!existsSync('/proc/self')) this.skip();
    throwsUser(() => makeDirs('/proc/edgemoe-nonexistent/x'), /^cannot create directory \/proc\/edgemoe-nonexistent\/x: no such file$/);
    throwsUser(() => writeDirAtomic('/proc/edgemoe-nonexistent', new Map([['src/a.h', 'x']])), /^cannot write design dir \/proc\/edgemoe-nonexistent: /);
  });

  it('a symlinked design dir is regenerated in the dir it points at', () => {
    const dir = scratch();
    writeDirAtomic(join(dir, 'real'), new Map([['a.txt', '1']]));
    symlinkSync('real', join(dir, 'link'));
    writeDirAtomic(join(dir, 'link'), new Map([['a.txt', '2']]));
    assert.ok(lstatSync(join(dir, 'link')).isSymbolicLink());
    assert.equal(readFileSync(join(dir, 'real', 'a.txt'), 'utf8'), '2');
  });
});
