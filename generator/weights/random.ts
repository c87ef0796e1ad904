// Seeded random backbone weights: deterministic, float32, scaled so activations look like a working network
// and every value fits Edge-MoE's fixed-point types with a wide margin (see README.md in this folder).
import type { Config } from '../config/schema.ts';
import { UserError } from '../errors.ts';
import { numel, type TensorMap } from '../tensor.ts';
import { expectedTensors } from './expected.ts';

/**
 * xoshiro128** (Blackman & Vigna) seeded through splitmix32: 32-bit integer ops only, so the stream is identical on
 * every platform and Node version. One generator per tensor, keyed by (seed, tensor name), so a tensor's values do
 * not depend on which other tensors the config has.
 */
export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined;

  constructor(seed: number, stream = 0) {
    let x = (seed ^ Math.imul(stream, 0x9e3779b9)) >>> 0;
    const splitmix = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = splitmix();
    this.s1 = splitmix();
    this.s2 = splitmix();
    this.s3 = splitmix();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A generator with an explicit 128-bit state (for known-answer tests). */
  static fromState(s0: number, s1: number, s2: number, s3: number): Xoshiro128 {
    const g = new Xoshiro128(0);
    [g.s0, g.s1, g.s2, g.s3] = [s0 | 0, s1 | 0, s2 | 0, s3 | 0];
    return g;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const r = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r;
  }

  /** Uniform in (0, 1) on a 2⁻³² grid, never 0 or 1 (safe for log; 32 bits are plenty for ±2σ-truncated normals). */
  uniform(): number {
    return (this.nextU32() + 0.5) / 4294967296;
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const a = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(a);
    return r * Math.cos(a);
  }

  /** Standard normal truncated to ±2 (rejection), rescaled to unit variance: |value| ≤ 2/0.8796 ≈ 2.27. */
  truncNormal(): number {
    for (;;) {
      const v = this.normal();
      if (v >= -2 && v <= 2) return v / TRUNC2_STD;
    }
  }
}

/** Standard deviation of N(0,1) truncated to [−2, 2]: √(1 − 4φ(2)/(Φ(2) − Φ(−2))). */
export const TRUNC2_STD = 0.8796256610342398;

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

/** FNV-1a hash of a tensor name: the per-tensor stream id. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** How one tensor is drawn: value = mean + std · truncNormal. */
export interface InitRule {
  mean: number;
  std: number;
}

/** Bias and LayerNorm-beta std: large enough to exercise the bias paths, small next to the signal. */
const BIAS_STD = 0.05;
/** cls token and learned position embedding std: the same order as the patch-embedding output. */
const TOKEN_STD = 0.2;
/** LayerNorm gamma spread around 1. */
const GAMMA_STD = 0.1;
/** Extra gain on the q and k rows of qkv: attention logits get std ≈ QK_GAIN² (peaked, not near-uniform, softmax). */
export const QK_GAIN = 1.5;

/**
 * The draw for tensor `name` of shape `shape`. Weights use std = 1/√fan_in (fan_in = the input features the
 * output sums over), so a unit-variance input gives unit-variance pre-activations: attention logits, GELU inputs
 * and gate logits all have std ≈ 1, which exercises softmax, GELU and top-k routing the way a trained net does.
 */
export function initRule(name: string, shape: readonly number[]): InitRule {
  const last = name.slice(name.lastIndexOf('.') + 1);
  if (name === 'cls_token' || name === 'pos_embed') return { mean: 0, std: TOKEN_STD };
  if (/\.norm\d\.weight$/.test(name)) return { mean: 1, std: GAMMA_STD };
  if (last === 'bias') return { mean: 0, std: BIAS_STD };
  if (last === 'w_gate') return { mean: 0, std: 1 / Math.sqrt(shape[0]!) }; // [D, E]: input-major
  if (name === 'patch_embed.proj.weight') return { mean: 0, std: 1 / Math.sqrt(numel(shape.slice(1))) }; // C·p·p
  return { mean: 0, std: 1 / Math.sqrt(shape[shape.length - 1]!) }; // [out, in] and [E, out, in]
}

/**
 * Makes every patch filter sum to zero (like the edge/texture filters of a trained first layer): raw pixels are all
 * positive, and without this the image's mean brightness would put the same vector into every token, which makes
 * all tokens look alike to the gates (near-constant routing).
 */
function removeRowMeans(data: Float32Array, rows: number): void {
  const k = data.length / rows;
  for (let r = 0; r < rows; r++) {
    const row = data.subarray(r * k, (r + 1) * k);
    let s = 0;
    for (let i = 0; i < k; i++) s += row[i]!;
    const m = s / k;
    for (let i = 0; i < k; i++) row[i] = row[i]! - m;
  }
}

/** Largest accepted seed (the generator is seeded with 32 bits). */
export const MAX_SEED = 2 ** 32 - 1;

/** Deterministic float32 weights for every tensor the config needs (same seed → bit-identical values). */
export function randomWeights(config: Config, seed: number): TensorMap {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) throw new UserError(`seed must be an integer in 0..${MAX_SEED} (got ${seed})`);
  const out: TensorMap = new Map();
  for (const [name, shape] of expectedTensors(config)) {
    const { mean, std } = initRule(name, shape);
    const rng = new Xoshiro128(seed, nameHash(name));
    const data = new Float32Array(numel(shape));
    for (let i = 0; i < data.length; i++) data[i] = mean + std * rng.truncNormal();
    if (name === 'patch_embed.proj.weight') removeRowMeans(data, shape[0]!);
    if (name.endsWith('.attn.qkv.weight')) for (let i = 0; i < (2 * data.length) / 3; i++) data[i] = data[i]! * QK_GAIN;
    out.set(name, { dtype: 'f32', shape: [...shape], data });
  }
  return out;
}
