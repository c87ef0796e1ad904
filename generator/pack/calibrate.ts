// Calibration statistics for GPTQ rounding (pack --calibrate): H = XᵀX of every per-channel linear layer's inputs X,
// taken from the float reference over calibration images and every task. An expert's rows get the H of the tokens
// routed to that expert; a task's gate only sees that task's runs.
import type { Config } from '../config/schema.ts';
import { moeBlockIndices } from '../model/stats.ts';
import { geluAll, linear } from '../reference/ops.ts';
import { runReference } from '../reference/model.ts';
import type { TensorMap } from '../tensor.ts';
import { WeightReader } from '../reference/weight-reader.ts';

/** One packed tensor's calibration: `cols`×`cols` H per group of `groupRows` consecutive rows (one group, or one per expert). */
export interface LayerHessian {
  cols: number;
  groupRows: number;
  h: Float64Array[];
}

/** Adds XᵀX of `x` ([rows, cols]) into `h` (upper triangle accumulated, mirrored by finishHessians). */
function accumulate(h: Float64Array, x: Float64Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let i = 0; i < cols; i++) {
      const xi = x[o + i]!;
      if (xi === 0) continue;
      const hi = i * cols;
      for (let j = i; j < cols; j++) h[hi + j]! += xi * x[o + j]!;
    }
  }
}

/**
 * H per packed linear-weight name over `images` (CHW model inputs) × every task of the config. Names as in the
 * manifest: q/k/v parts, proj, fc1/fc2, experts' htoh4/h4toh, gates as `blocks.B.mlp.gate.T.w_gate`.
 */
export function collectHessians(config: Config, sd: TensorMap, images: readonly Float64Array[], onRun?: (done: number, total: number) => void): Map<string, LayerHessian> {
  const m = config.model;
  const D = m.dim, hidden = Math.round(D * m.mlpRatio);
  const { experts: E, topK: K, expertHidden: EH } = m.moe;
  const moe = new Set(moeBlockIndices(m));
  const wr = new WeightReader(sd);
  const out = new Map<string, LayerHessian>();
  const layer = (name: string, cols: number, groupRows: number, groups: number): LayerHessian => {
    let l = out.get(name);
    if (!l) out.set(name, (l = { cols, groupRows, h: Array.from({ length: groups }, () => new Float64Array(cols * cols)) }));
    return l;
  };
  const tasks = m.tasks.length;
  let done = 0;
  for (const image of images)
    for (let task = 0; task < tasks; task++) {
      let ln2: Float64Array | null = null;
      runReference(config, sd, image, task, {
        trace: (key, t) => {
          const km = /^block(\d+)\.(ln1|attn_ctx|ln2|fc1_act|topk_idx)$/.exec(key);
          if (!km) return;
          const b = Number(km[1]);
          const pre = `blocks.${b}.`;
          const rows = t.shape[0]!;
          const x = t.data as Float64Array;
          switch (km[2]) {
            case 'ln1':
              // q, k and v share their input: one H, three names.
              accumulate(layer(pre + 'attn.q.weight', D, D, 1).h[0]!, x, rows, D);
              out.set(pre + 'attn.k.weight', out.get(pre + 'attn.q.weight')!);
              out.set(pre + 'attn.v.weight', out.get(pre + 'attn.q.weight')!);
              break;
            case 'attn_ctx':
              accumulate(layer(pre + 'attn.proj.weight', D, D, 1).h[0]!, x, rows, D);
              break;
            case 'ln2':
              if (moe.has(b)) {
                ln2 = x;
                accumulate(layer(`${pre}mlp.gate.${task}.w_gate`, D, E, 1).h[0]!, x, rows, D);
              } else accumulate(layer(pre + 'mlp.fc1.weight', D, hidden, 1).h[0]!, x, rows, D);
              break;
            case 'fc1_act':
              accumulate(layer(pre + 'mlp.fc2.weight', hidden, D, 1).h[0]!, x, rows, hidden);
              break;
            case 'topk_idx': {
              const idx = t.data as BigInt64Array;
              const w1 = wr.get(pre + 'mlp.experts.htoh4.weight', [E, EH, D]);
              const b1 = wr.get(pre + 'mlp.experts.htoh4.bias', [E, EH]);
              const l1 = layer(pre + 'mlp.experts.htoh4.weight', D, EH, E);
              const l2 = layer(pre + 'mlp.experts.h4toh.weight', EH, D, E);
              for (let e = 0; e < E; e++) {
                const tokens: number[] = [];
                for (let s = 0; s < idx.length; s++) if (Number(idx[s]) === e) tokens.push(Math.floor(s / K));
                if (!tokens.length) continue;
                const xe = new Float64Array(tokens.length * D);
                tokens.forEach((n, r) => xe.set(ln2!.subarray(n * D, (n + 1) * D), r * D));
                accumulate(l1.h[e]!, xe, tokens.length, D);
                const he = geluAll(linear(xe, tokens.length, D, w1.subarray(e * EH * D, (e + 1) * EH * D), b1.subarray(e * EH, (e + 1) * EH), EH));
                accumulate(l2.h[e]!, he, tokens.length, EH);
              }
              break;
            }
          }
        },
      });
      onRun?.(++done, images.length * tasks);
    }
  // Mirror the upper triangles (each H once, though q/k/v share one).
  for (const l of new Set(out.values()))
    for (const h of l.h)
      for (let i = 0; i < l.cols; i++) for (let j = i + 1; j < l.cols; j++) h[j * l.cols + i] = h[i * l.cols + j]!;
  return out;
}
