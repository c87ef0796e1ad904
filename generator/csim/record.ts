// The record of one csim run, kept in the design dir (csim-runs/<image stem>.<task>.json) so `edgemoe report --html`
// can draw its routing maps, per-op error and cycle charts later. Written whenever csim ran with --trace or --cycles.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import type { z as zt } from 'zod';
import { z } from '../zod.ts';
import { UserError } from '../errors.ts';
import type { CsimResult } from './run.ts';

export const RUNS_DIR = 'csim-runs';
export const RECORD_FORMAT = 'edgemoe-csim-run/1';

const comparison = { mse: z.number().nullable(), maxAbs: z.number().nullable(), cosine: z.number().nullable(), relMse: z.number().nullable() };

const recordSchema = z.object({
  format: z.literal(RECORD_FORMAT),
  configHash: z.string(),
  /** The image as given to csim, made absolute (the routing maps draw it when it is still there). */
  image: z.string(),
  task: z.number().int().nonnegative(),
  taskName: z.string(),
  final: z.object(comparison),
  tolerance: z.number(),
  passed: z.boolean(),
  ops: z.array(z.object({ id: z.number().int(), op: z.string(), trace: z.string(), ...comparison })),
  routing: z.array(
    z.object({
      block: z.number().int().nonnegative(),
      op: z.number().int(),
      name: z.string(),
      tokens: z.number().int().positive(),
      topK: z.number().int().positive(),
      /** Picked experts [tokens][topK] in pick order: the kernel's and the float reference's. */
      kernel: z.array(z.number().int().nonnegative()),
      reference: z.array(z.number().int().nonnegative()),
      /** Tokens whose expert set differs from the reference's. */
      differ: z.array(z.number().int().nonnegative()),
    }),
  ),
  cycles: z
    .object({
      rows: z.array(z.object({ id: z.number().int(), name: z.string(), counted: z.number(), predicted: z.number().nullable() })),
      routing: z.string(),
      clockMHz: z.number(),
    })
    .nullable(),
  phases: z.array(z.object({ phase: z.string(), seconds: z.number(), beside: z.string().optional() })),
});

export type CsimRecord = zt.infer<typeof recordSchema>;

// JSON has no NaN/Infinity: such figures go as null (the charts leave them out).
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
const cmp = (c: { mse: number; maxAbs: number; cosine: number; relMse: number }) => ({ mse: finite(c.mse), maxAbs: finite(c.maxAbs), cosine: finite(c.cosine), relMse: finite(c.relMse) });

/** The record of a csim result. */
export function csimRecord(r: CsimResult, o: { configHash: string; image: string; taskName: string }): CsimRecord {
  return {
    format: RECORD_FORMAT,
    configHash: o.configHash,
    image: resolve(o.image),
    task: r.task,
    taskName: o.taskName,
    final: cmp(r.final),
    tolerance: r.tolerance,
    passed: r.passed,
    ops: r.ops.map((x) => ({ id: x.id, op: x.op, trace: x.trace, ...cmp(x) })),
    routing: r.routing.map((x) => ({
      block: x.block,
      op: x.op,
      name: x.name,
      tokens: x.tokens,
      topK: x.topK,
      kernel: Array.from(x.kernel.idx),
      reference: Array.from(x.referenceIdx),
      differ: x.differ.map((d) => d.token),
    })),
    cycles: r.cycles ? { rows: r.cycles.rows, routing: r.cycles.routing, clockMHz: r.cycles.clockMHz } : null,
    phases: r.phases,
  };
}

/** Where the record of `image` × `taskName` lives in a design dir. */
export function recordPath(designDir: string, image: string, taskName: string): string {
  return join(designDir, RUNS_DIR, `${basename(image, extname(image))}.${taskName}.json`);
}

/** Writes a record (temp file + rename: a reader never sees half a file); returns its path. */
export function writeRecord(designDir: string, rec: CsimRecord): string {
  const path = recordPath(designDir, rec.image, rec.taskName);
  mkdirSync(join(designDir, RUNS_DIR), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(rec)}\n`);
  renameSync(tmp, path);
  return path;
}

/** Parses one record file; anything but a well-formed record is a UserError naming the file. */
export function parseRecord(path: string, text: string): CsimRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${path}: corrupt csim trace record (not JSON: ${(e as Error).message}); delete it or re-run \`edgemoe csim --trace\``);
  }
  const r = recordSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new UserError(`${path}: corrupt csim trace record (${i.path.join('.') || 'top level'}: ${i.message}); delete it or re-run \`edgemoe csim --trace\``);
  }
  const rec = r.data;
  for (const b of rec.routing) {
    if (b.kernel.length !== b.tokens * b.topK || b.reference.length !== b.tokens * b.topK || b.differ.some((t) => t >= b.tokens)) {
      throw new UserError(`${path}: corrupt csim trace record (routing of block ${b.block} is not ${b.tokens} tokens × top-${b.topK})`);
    }
  }
  return rec;
}

/** Every record of a design dir, sorted by image then task; records of another config are left out and counted. */
export function readRecords(designDir: string, configHash: string): { records: CsimRecord[]; stale: string[] } {
  const dir = join(designDir, RUNS_DIR);
  if (!existsSync(dir)) return { records: [], stale: [] };
  const records: CsimRecord[] = [];
  const stale: string[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const path = join(dir, f);
    const rec = parseRecord(path, readFileSync(path, 'utf8'));
    if (rec.configHash === configHash) records.push(rec);
    else stale.push(path);
  }
  records.sort((a, b) => (a.image < b.image ? -1 : a.image > b.image ? 1 : a.task - b.task));
  return { records, stale };
}
