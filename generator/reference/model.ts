// The float64 M³ViT backbone forward (m3vit.md §1–2; fixture README steps 1–16), optionally with every intermediate.
import type { Config } from '../config/index.ts';
import { UserError } from '../errors.ts';
import { f64, type Tensor, type TensorMap } from '../tensor.ts';
import { attentionHeadSimd } from './gemm-wasm.ts';
import { add, geluAll, layerNorm, linear, linearKernel, matmulInputMajor, softmaxRowsInPlace, topK } from './ops.ts';
import { moeBlockIndices } from '../model/stats.ts';
import { WeightReader } from './weight-reader.ts';
import { acquireWorkspace, releaseWorkspace, Workspace } from './workspace.ts';

/** Receives each trace tensor as soon as it is computed (key as in the fixture); the forward keeps no reference to it. */
export type TraceSink = (key: string, t: Tensor) => void;

/** Result of a reference forward: the backbone output [tokens, dim] and, if asked, the trace (fixture key names). */
export interface ReferenceResult {
  out: Float64Array;
  trace?: TensorMap;
}

export interface ReferenceOptions {
  /** true: return every intermediate in a map; a TraceSink: hand them over one by one. */
  trace?: boolean | TraceSink;
  /** Called after each block but the last. */
  onBlock?: (done: number, depth: number) => void;
}

/** Patches of a CHW image as rows [numPatches, C·P·P], row-major over the grid, each flattened (c, ky, kx). */
function im2col(image: Float64Array, c: number, h: number, w: number, p: number, ws: Workspace): Float64Array {
  const gh = h / p, gw = w / p;
  const k = c * p * p;
  const out = ws.take(gh * gw * k);
  for (let py = 0; py < gh; py++)
    for (let px = 0; px < gw; px++) {
      let o = (py * gw + px) * k;
      for (let ch = 0; ch < c; ch++)
        for (let ky = 0; ky < p; ky++) {
          const src = ch * h * w + (py * p + ky) * w + px * p;
          for (let kx = 0; kx < p; kx++) out[o++] = image[src + kx]!;
        }
    }
  return out;
}

/**
 * Runs the backbone for one task on a CHW float image: the model's input, preprocessed already (io/image.ts loadImage
 * applies the config's pixel divisor and mean/std).
 * The task picks the gate `blocks.{i}.mlp.gate.{task}.w_gate` of every MoE block. `trace: true` returns every
 * intermediate in a map; a TraceSink gets them one by one instead (for ViT-S the whole trace is ~2.7 GB).
 */
export function runReference(config: Config, weights: TensorMap, image: Float64Array, task: number, opts: ReferenceOptions = {}): ReferenceResult {
  const steps = referenceSteps(config, weights, image, task, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * runReference that gives this thread's event loop a turn after each block (about 20 ms of ViT-T), so that the
 * process's other work (another image's testbench ending, the next one to start) does not wait for a whole forward.
 * Same arithmetic, same output.
 */
export async function runReferenceYielding(config: Config, weights: TensorMap, image: Float64Array, task: number, opts: ReferenceOptions = {}): Promise<ReferenceResult> {
  const steps = referenceSteps(config, weights, image, task, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await new Promise((res) => setImmediate(res));
  }
}

/** The forward, yielding after each block: runReference runs it straight through, runReferenceYielding with pauses. */
function* referenceSteps(config: Config, weights: TensorMap, image: Float64Array, task: number, opts: ReferenceOptions): Generator<void, ReferenceResult> {
  // A trace keeps (or is handed) every intermediate: then nothing is reused.
  const ws = opts.trace === true || typeof opts.trace === 'function' ? new Workspace(false) : acquireWorkspace();
  try {
    return yield* forwardSteps(config, weights, image, task, opts, ws);
  } finally {
    releaseWorkspace(ws);
  }
}

function* forwardSteps(config: Config, weights: TensorMap, image: Float64Array, task: number, opts: ReferenceOptions, ws: Workspace): Generator<void, ReferenceResult> {
  const m = config.model;
  const [C, H, W] = m.image;
  const P = m.patch, D = m.dim, heads = m.heads, hd = D / heads;
  if (image.length !== C * H * W) throw new UserError(`image has ${image.length} values, the config expects ${C}x${H}x${W} = ${C * H * W}`);
  if (!Number.isInteger(task) || task < 0 || task >= m.tasks.length) {
    throw new UserError(`task ${task} is out of range: the config has ${m.tasks.length} tasks (${m.tasks.map((t, i) => `${i}=${t}`).join(', ')})`);
  }
  const gh = H / P, gw = W / P, np = gh * gw, N = np + 1;
  const hidden = Math.round(D * m.mlpRatio);
  const { experts: E, topK: K, expertHidden: EH } = m.moe;
  const moeBlocks = new Set(moeBlockIndices(m));
  const wr = new WeightReader(weights);
  const map: TensorMap | undefined = opts.trace === true ? new Map() : undefined;
  const sink: TraceSink | undefined = typeof opts.trace === 'function' ? opts.trace : map ? (k, t) => map.set(k, t) : undefined;
  const trace = sink !== undefined;
  const put = (key: string, shape: number[], data: Float64Array) => sink?.(key, f64(shape, data));

  // Patch embedding (conv as matmul), then cls + pos_embed.
  const pw = wr.matrix('patch_embed.proj.weight', [D, C, P, P]);
  const pb = wr.get('patch_embed.proj.bias', [D]);
  const pe = linear(im2col(image, C, H, W, P, ws), np, C * P * P, pw, pb, D, ws.take(np * D));
  put('patch_embed', [np, D], pe);
  const pos = wr.get('pos_embed', [1, N, D]);
  // Without a cls_token tensor, pos_embed row 0 is taken to hold cls_token + pos_embed[0] already (Edge-MoE's folding).
  const cls = wr.has('cls_token') ? wr.get('cls_token', [1, 1, D]) : null;
  let x: Float64Array = ws.take(N * D);
  for (let d = 0; d < D; d++) x[d] = (cls ? cls[d]! : 0) + pos[d]!;
  for (let i = 0; i < np * D; i++) x[D + i] = pe[i]! + pos[D + i]!;
  put('embed', [N, D], x);

  const scale = 1 / Math.sqrt(hd);
  for (let b = 0; b < m.depth; b++) {
    if (b > 0) opts.onBlock?.(b, m.depth);
    const pre = `blocks.${b}.`;
    const tk = `block${b}.`;
    // Attention.
    ws.recycle([x]);
    const h1 = layerNorm(x, N, D, wr.get(pre + 'norm1.weight', [D]), wr.get(pre + 'norm1.bias', [D]), m.lnEps, ws.take(N * D));
    put(tk + 'ln1', [N, D], h1);
    const qkv = linear(h1, N, D, wr.matrix(pre + 'attn.qkv.weight', [3 * D, D]), m.qkvBias ? wr.get(pre + 'attn.qkv.bias', [3 * D]) : null, 3 * D, ws.take(N * 3 * D));
    const { logits, probs, ctx, q, k, v } = attention(qkv, N, D, heads, hd, scale, trace, ws);
    if (trace) {
      put(tk + 'q', [N, D], q!);
      put(tk + 'k', [N, D], k!);
      put(tk + 'v', [N, D], v!);
      put(tk + 'attn_logits', [heads, N, N], logits!);
      put(tk + 'attn', [heads, N, N], probs!);
      put(tk + 'attn_ctx', [N, D], ctx);
    }
    const attnOut = linear(ctx, N, D, wr.matrix(pre + 'attn.proj.weight', [D, D]), wr.get(pre + 'attn.proj.bias', [D]), D, ws.take(N * D));
    put(tk + 'attn_out', [N, D], attnOut);
    x = add(x, attnOut, ws.take(N * D));
    put(tk + 'resid1', [N, D], x);
    // FFN: dense MLP or MoE.
    const u = layerNorm(x, N, D, wr.get(pre + 'norm2.weight', [D]), wr.get(pre + 'norm2.bias', [D]), m.lnEps, ws.take(N * D));
    put(tk + 'ln2', [N, D], u);
    let mlpOut: Float64Array;
    if (!moeBlocks.has(b)) {
      const a = linear(u, N, D, wr.matrix(pre + 'mlp.fc1.weight', [hidden, D]), wr.get(pre + 'mlp.fc1.bias', [hidden]), hidden, ws.take(N * hidden));
      const g = geluAll(a, ws.take(N * hidden));
      put(tk + 'fc1', [N, hidden], a);
      put(tk + 'fc1_act', [N, hidden], g);
      mlpOut = linear(g, N, hidden, wr.matrix(pre + 'mlp.fc2.weight', [D, hidden]), wr.get(pre + 'mlp.fc2.bias', [D]), D, ws.take(N * D));
    } else {
      const gate = wr.get(`${pre}mlp.gate.${task}.w_gate`, [D, E]);
      const logits = matmulInputMajor(u, N, D, gate, E, ws.take(N * E));
      put(tk + 'gate_logits', [N, E], logits);
      const probs = ws.take(N * E);
      probs.set(logits);
      softmaxRowsInPlace(probs, N, E);
      put(tk + 'gate_probs', [N, E], probs);
      const idx = new Int32Array(N * K);
      const topP = ws.take(N * K);
      for (let n = 0; n < N; n++) {
        const row = probs.subarray(n * E, (n + 1) * E);
        topK(row, K).forEach((e, j) => {
          idx[n * K + j] = e;
          topP[n * K + j] = row[e]!;
        });
      }
      if (trace) {
        sink!(tk + 'topk_idx', { dtype: 'i64', shape: [N, K], data: BigInt64Array.from(idx, (e) => BigInt(e)) });
        put(tk + 'topk_p', [N, K], topP);
      }
      const yk = runExperts(wr, pre, u, idx, N, K, D, E, EH, ws);
      put(tk + 'expert_out', [N, K, D], yk);
      // Σ_j p_j·y_j in descending-score order (j = 0 first), raw (not renormalised) probabilities.
      mlpOut = ws.take(N * D, true);
      for (let n = 0; n < N; n++)
        for (let j = 0; j < K; j++) {
          const p = topP[n * K + j]!;
          const src = (n * K + j) * D;
          for (let d = 0; d < D; d++) mlpOut[n * D + d]! += p * yk[src + d]!;
        }
    }
    put(tk + 'mlp_out', [N, D], mlpOut);
    x = add(x, mlpOut, ws.take(N * D));
    put(tk + 'out', [N, D], x);
    yield;
  }
  // The output leaves the forward: not a workspace array, which the next forward reuses.
  const out = ws.reuses ? x.slice() : x;
  return map ? { out, trace: map } : { out };
}

/**
 * Multi-head self-attention core on fused qkv [N,3D]: per-head scaled scores, exact softmax, A·v, heads concatenated.
 * One head's [N,N] scores at a time; the all-head logits and probabilities are only kept for a trace.
 */
function attention(qkv: Float64Array, N: number, D: number, heads: number, hd: number, scale: number, keepAll: boolean, ws: Workspace) {
  const logits = keepAll ? new Float64Array(heads * N * N) : undefined;
  const probs = keepAll ? new Float64Array(heads * N * N) : undefined;
  const ctx = ws.take(N * D);
  const qh = ws.take(N * hd), kh = ws.take(N * hd), vt = ws.take(hd * N);
  const ctxH = ws.take(N * hd); // reused by every head
  let S: Float64Array | undefined; // the scores of the plain path (the SIMD path keeps them in the kernel's memory)
  for (let h = 0; h < heads; h++) {
    // Contiguous per-head copies (v transposed) so every inner loop is a unit-stride dot product.
    for (let n = 0; n < N; n++) {
      const r = n * 3 * D + h * hd;
      for (let d = 0; d < hd; d++) {
        qh[n * hd + d] = qkv[r + d]!;
        kh[n * hd + d] = qkv[r + D + d]!;
        vt[d * N + n] = qkv[r + 2 * D + d]!;
      }
    }
    // q_h·k_hᵀ is a Linear with k_h as the weight; the scale is applied after the product, as the reference code does.
    // With the SIMD kernel both products and the softmax run on the scores where the first product leaves them.
    const simd = linearKernel() === 'simd' && attentionHeadSimd(qh, kh, vt, N, hd, (m, off, stride, row0, rows) => {
      if (logits) {
        for (let n = 0; n < rows; n++) {
          const row = m.subarray(off + n * stride, off + n * stride + N);
          for (let j = 0; j < N; j++) row[j]! *= scale;
          logits.set(row, (h * N + row0 + n) * N);
        }
        softmaxRowsInPlace(m, rows, N, 1, off, stride);
      } else {
        softmaxRowsInPlace(m, rows, N, scale, off, stride);
      }
      if (probs) for (let n = 0; n < rows; n++) probs.set(m.subarray(off + n * stride, off + n * stride + N), (h * N + row0 + n) * N);
    }, ctxH);
    if (!simd) {
      S ??= ws.take(N * N);
      linear(qh, N, hd, kh, null, N, S);
      if (logits) {
        for (let i = 0; i < S.length; i++) S[i]! *= scale;
        logits.set(S, h * N * N);
        softmaxRowsInPlace(S, N, N);
      } else {
        softmaxRowsInPlace(S, N, N, scale);
      }
      probs?.set(S, h * N * N);
      // A_h·v_h is a Linear with v_hᵀ [hd,N] as the weight.
      linear(S, N, N, vt, null, hd, ctxH);
    }
    for (let i = 0; i < N; i++) ctx.set(ctxH.subarray(i * hd, (i + 1) * hd), i * D + h * hd);
  }
  let q: Float64Array | undefined, k: Float64Array | undefined, v: Float64Array | undefined;
  if (keepAll) {
    q = new Float64Array(N * D);
    k = new Float64Array(N * D);
    v = new Float64Array(N * D);
    for (let n = 0; n < N; n++) {
      q.set(qkv.subarray(n * 3 * D, n * 3 * D + D), n * D);
      k.set(qkv.subarray(n * 3 * D + D, n * 3 * D + 2 * D), n * D);
      v.set(qkv.subarray(n * 3 * D + 2 * D, n * 3 * D + 3 * D), n * D);
    }
  }
  return { logits, probs, ctx, q, k, v };
}

/** Unweighted outputs [N,K,D] of each token's selected experts; each expert runs once on all tokens routed to it. */
function runExperts(wr: WeightReader, pre: string, u: Float64Array, idx: Int32Array, N: number, K: number, D: number, E: number, EH: number, ws: Workspace): Float64Array {
  const w1 = wr.matrix(pre + 'mlp.experts.htoh4.weight', [E, EH, D]);
  const b1 = wr.get(pre + 'mlp.experts.htoh4.bias', [E, EH]);
  const w2 = wr.matrix(pre + 'mlp.experts.h4toh.weight', [E, D, EH]);
  const b2 = wr.get(pre + 'mlp.experts.h4toh.bias', [E, D]);
  const out = ws.take(N * K * D);
  for (let e = 0; e < E; e++) {
    const slots: number[] = []; // flat (n·K + j) positions routed to e
    for (let s = 0; s < N * K; s++) if (idx[s] === e) slots.push(s);
    if (slots.length === 0) continue;
    const xe = ws.take(slots.length * D);
    slots.forEach((s, r) => xe.set(u.subarray(Math.floor(s / K) * D, Math.floor(s / K) * D + D), r * D));
    const a = linear(xe, slots.length, D, w1.subarray(e * EH * D, (e + 1) * EH * D), b1.subarray(e * EH, (e + 1) * EH), EH, ws.take(slots.length * EH));
    const h = geluAll(a, ws.take(slots.length * EH));
    const y = linear(h, slots.length, EH, w2.subarray(e * D * EH, (e + 1) * D * EH), b2.subarray(e * D, (e + 1) * D), D, ws.take(slots.length * D));
    slots.forEach((s, r) => out.set(y.subarray(r * D, (r + 1) * D), s * D));
  }
  return out;
}
