// Canonical JSON (sorted keys) and sha256, for config hashes and content-addressed caches.
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** JSON with object keys sorted at every level (arrays keep their order), no whitespace. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
    }
    return v;
  });
}

/** Hex sha256 of a string or bytes. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

// Reads and hashes files on a worker thread, start to end: not one step of it waits for the caller's thread.
const HASH_FILES = `const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
parentPort.postMessage(workerData.map((p) => { try { return createHash('sha256').update(readFileSync(p)).digest('hex'); } catch { return null; } }));`;

/**
 * Hex sha256 of each file (null for one that cannot be read), read and hashed on a worker thread: the caller's
 * thread is free meanwhile, for its own synchronous work.
 */
export function filesSha256(paths: readonly string[]): Promise<Array<string | null>> {
  return new Promise((resolve, reject) => {
    const w = new Worker(HASH_FILES, { eval: true, workerData: paths });
    w.once('message', (m: Array<string | null>) => resolve(m));
    w.once('error', reject);
    w.once('exit', (code) => (code ? reject(new Error(`file hash worker exited with ${code}`)) : undefined));
  });
}
