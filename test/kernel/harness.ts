// Test harness for the lead's kernels: builds test/kernel/kernel_driver.cpp against templates/csim-include and the
// params.h of a plan, runs jobs through it, and models the kernels' fixed-point arithmetic exactly (BigInt).
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { buildPlan, type Plan, type PlanType } from '../../generator/plan/index.ts';
import { renderKernelSources } from '../../generator/plan/render-kernel.ts';
import { ROOT } from '../helpers/paths.ts';

/** A compiled driver for one config. */
export interface Driver {
  plan: Plan;
  exe: string;
  dir: string;
}

/** Builds (or reuses, keyed by the sources' hash) the kernel driver for a preset with --set overrides. */
export async function buildDriver(preset: string, sets: string[] = []): Promise<Driver> {
  const plan = buildPlan(resolveConfig({ preset, sets }));
  const files = renderKernelSources(plan);
  const driverSrc = readFileSync(join(ROOT, 'test', 'kernel', 'kernel_driver.cpp'), 'utf8');
  const inc = join(ROOT, 'templates', 'csim-include');
  const h = createHash('sha256');
  for (const [k, v] of [...files].sort(([a], [b]) => a.localeCompare(b))) h.update(k).update(v);
  h.update(driverSrc);
  for (const f of readdirSync(inc).sort()) h.update(f).update(readFileSync(join(inc, f)));
  // Cached in the project's .cache (like cpp-harness), not the temp folder: tests leave nothing behind there.
  const dir = join(ROOT, '.cache', 'kernel-driver', h.digest('hex').slice(0, 16));
  const exe = join(dir, 'driver');
  if (!existsSync(exe)) {
    mkdirSync(join(dir, 'src'), { recursive: true });
    for (const [k, v] of files) writeFileSync(join(dir, k), v);
    const tmp = `${exe}.${process.pid}.tmp`;
    await execa('g++', ['-std=c++17', '-O2', '-Wno-unknown-pragmas', '-w', '-DEDGEMOE_COUNT_CYCLES', `-I${inc}`, `-I${join(dir, 'src')}`, '-o', tmp, join(ROOT, 'test', 'kernel', 'kernel_driver.cpp')]);
    renameSync(tmp, exe);
  }
  return { plan, exe, dir };
}

/** Little-endian int32 job/result streams. */
export class Job {
  private v: number[] = [];
  i32(...xs: number[]): this {
    for (const x of xs) this.v.push(x | 0);
    return this;
  }
  /** A word array: count, then 8 uint32 per 256-bit word. */
  words(w: Uint32Array): this {
    this.v.push(w.length / 8);
    for (const x of w) this.v.push(x | 0);
    return this;
  }
  bytes(): Buffer {
    return Buffer.from(new Int32Array(this.v).buffer);
  }
}

export class Reader {
  private at = 0;
  constructor(private d: Int32Array) {}
  i32(): number {
    if (this.at >= this.d.length) throw new Error('driver output too short');
    return this.d[this.at++]!;
  }
  words(): Uint32Array {
    const n = this.i32();
    const w = new Uint32Array(this.d.buffer, this.d.byteOffset + this.at * 4, n * 8).slice();
    this.at += n * 8;
    return w;
  }
  ticks(): number {
    const lo = this.i32();
    const hi = this.i32();
    return lo + hi * 2 ** 31;
  }
}

/** Runs one job through the driver and returns a reader over its output. */
export async function runJob(d: Driver, job: Job): Promise<Reader> {
  const tag = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const jf = join(d.dir, `job-${tag}.bin`);
  const of = join(d.dir, `out-${tag}.bin`);
  writeFileSync(jf, job.bytes());
  await execa(d.exe, [jf, of]);
  const b = readFileSync(of);
  return new Reader(new Int32Array(b.buffer, b.byteOffset, b.length / 4));
}

// ---- packing raw elements into 256-bit words (8 × uint32), little-end first ----

/** Packs raw integers of `cb`-bit containers into words (each container holds the raw two's complement bits). */
export function packRaw(raws: ArrayLike<bigint>, cb: number, axiBits = 256): Uint32Array {
  const per = axiBits / cb;
  const nWords = Math.ceil(raws.length / per);
  const out = new Uint32Array(nWords * (axiBits / 32));
  const mask = (1n << BigInt(cb)) - 1n;
  for (let i = 0; i < raws.length; i++) {
    const bit = i * cb;
    const v = raws[i]! & mask;
    const u = Math.floor(bit / 32);
    const sh = bit % 32;
    out[u] = (out[u]! | Number((v << BigInt(sh)) & 0xffffffffn)) >>> 0;
    if (sh + cb > 32) out[u + 1] = (out[u + 1]! | Number(v >> BigInt(32 - sh))) >>> 0;
  }
  return out;
}

/** Unpacks n raw signed values of `cb`-bit containers whose low W bits hold the value. */
export function unpackRaw(words: Uint32Array, n: number, cb: number, W: number, signed = true): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const bit = i * cb;
    const u = Math.floor(bit / 32);
    const sh = bit % 32;
    let v = BigInt(words[u]! >>> sh);
    if (sh + cb > 32) v |= BigInt(words[u + 1]!) << BigInt(32 - sh);
    v &= (1n << BigInt(W)) - 1n;
    out.push(signed ? BigInt.asIntN(W, v) : v);
  }
  return out;
}

// ---- exact fixed-point model (AP_TRN + AP_WRAP, the Edge-MoE types; the tests use only those) ----

/** Converts a raw value with `fromFrac` fraction bits to type t: truncation toward −∞ and wrap. */
export function conv(raw: bigint, fromFrac: number, t: PlanType): bigint {
  const d = fromFrac - t.frac;
  const v = d >= 0 ? raw >> BigInt(d) : raw << BigInt(-d); // BigInt >> floors
  return t.signed ? BigInt.asIntN(t.W, v) : BigInt.asUintN(t.W, v);
}

/** Raw value of x in type t (truncating, wrapping). */
export function q(x: number, t: PlanType): bigint {
  return conv(BigInt(Math.floor(x * 2 ** t.frac)), t.frac, t);
}

/** Double value of a raw value of type t. */
export function val(raw: bigint, t: PlanType): number {
  return Number(raw) / 2 ** t.frac;
}

/** Deterministic pseudo-random numbers in [lo, hi) (mulberry32). */
export function rng(seed: number): (lo: number, hi: number) => number {
  let s = seed >>> 0;
  return (lo, hi) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return lo + (((t ^ (t >>> 14)) >>> 0) / 4294967296) * (hi - lo);
  };
}

/**
 * The unified linear unit's arithmetic for one row: acc = bias (converted to acc_t), then += (acc_t)(x·w) per input,
 * result converted to act_t. x: act raws, w: [out][in] weight raws, b: bias raws of type bt.
 */
export function linearRowExact(p: Plan, x: bigint[], w: bigint[], b: bigint[], bt: PlanType, outDim: number, inDim: number): bigint[] {
  const { activation: act, accumulator: acc, linearWeight: wl } = p.types;
  const pf = act.frac + wl.frac;
  const y: bigint[] = [];
  for (let o = 0; o < outDim; o++) {
    let a = conv(b[o]!, bt.frac, acc);
    for (let i = 0; i < inDim; i++) a = BigInt.asIntN(acc.W, a + conv(x[i]! * w[o * inDim + i]!, pf, acc));
    y.push(conv(a, acc.frac, act));
  }
  return y;
}

/** The score-accumulate write: old + (acc_t)(p·y), as act_t. */
export function scoreAccExact(p: Plan, old: bigint, score: bigint, y: bigint): bigint {
  const { activation: act, accumulator: acc } = p.types;
  const contrib = conv(score * y, 2 * act.frac, acc);
  const f = Math.max(act.frac, acc.frac);
  const sum = (old << BigInt(f - act.frac)) + (contrib << BigInt(f - acc.frac));
  return conv(sum, f, act);
}
