// A float64 matrix-product kernel in WebAssembly SIMD (f64x2), assembled here from its opcodes (no toolchain, no
// binary blob): y[n,o] = Σ_i x[n,i]·w[o,i] over 2-row × 4-output register tiles. Plain float64 multiplies and adds;
// only the summation order differs from a sequential loop (even and odd i are summed apart, then added).

/** Unsigned LEB128. */
function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}
/** Signed LEB128 (small constants). */
function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'latin1')];

// Opcodes used below.
const get = (l: number) => [0x20, ...uleb(l)];
const set = (l: number) => [0x21, ...uleb(l)];
const i32c = (v: number) => [0x41, ...sleb(v)];
const ADD = 0x6a, MUL = 0x6c, SHL = 0x74, LT_S = 0x48, END = 0x0b;
const LOOP = [0x03, 0x40];
const brIf = (d: number) => [0x0d, ...uleb(d)];
const simd = (op: number) => [0xfd, ...uleb(op)];
const v128load = [...simd(0x00), 3, 0]; // align 2^3 (f64 rows), offset 0
const v128zero = [...simd(0x0c), ...new Array<number>(16).fill(0)];
const F64X2_ADD = simd(0xf0), F64X2_MUL = simd(0xf2);
const lane = (k: number) => [...simd(0x21), k];
const f64store = (offset: number) => [0x39, 3, ...uleb(offset)];
const F64_ADD = 0xa0;

/** The module's bytes: export gemm(xp, wp, yp, rows, inF, outF) over the imported memory env.mem (byte addresses;
 *  rows even, outF a multiple of 4, inF even and > 0; y's row stride is outF). */
function moduleBytes(): Uint8Array<ArrayBuffer> {
  // params 0..5: xp wp yp rows inF outF; i32 locals 6..15; v128 locals 16..26
  const [xp, wp, yp, rows, inF, outF] = [0, 1, 2, 3, 4, 5];
  const [n, o, i, x0, x1, w0, w1, w2, w3, rb] = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const acc = [16, 17, 18, 19, 20, 21, 22, 23];
  const [vx0, vx1, vw] = [24, 25, 26];
  const ya = 27; // i32 declared after the v128s
  const body: number[] = [
    ...get(inF), ...i32c(3), SHL, ...set(rb), // row bytes
    ...i32c(0), ...set(o),
    ...LOOP, // over 4-output tiles
    ...get(o), ...get(rb), MUL, ...get(wp), ADD, ...set(w0),
    ...get(w0), ...get(rb), ADD, ...set(w1),
    ...get(w1), ...get(rb), ADD, ...set(w2),
    ...get(w2), ...get(rb), ADD, ...set(w3),
    ...i32c(0), ...set(n),
    ...LOOP, // over row pairs
    ...get(n), ...get(rb), MUL, ...get(xp), ADD, ...set(x0),
    ...get(x0), ...get(rb), ADD, ...set(x1),
    ...acc.flatMap((a) => [...v128zero, ...set(a)]),
    ...i32c(0), ...set(i),
    ...LOOP, // over input pairs (byte offset i)
    ...get(x0), ...get(i), ADD, ...v128load, ...set(vx0),
    ...get(x1), ...get(i), ADD, ...v128load, ...set(vx1),
    ...[w0, w1, w2, w3].flatMap((w, k) => [
      ...get(w), ...get(i), ADD, ...v128load, ...set(vw),
      ...get(acc[k]!), ...get(vx0), ...get(vw), ...F64X2_MUL, ...F64X2_ADD, ...set(acc[k]!),
      ...get(acc[k + 4]!), ...get(vx1), ...get(vw), ...F64X2_MUL, ...F64X2_ADD, ...set(acc[k + 4]!),
    ]),
    ...get(i), ...i32c(16), ADD, ...set(i),
    ...get(i), ...get(rb), LT_S, ...brIf(0),
    END,
    // y[n, o..o+3] and y[n+1, o..o+3]: lane 0 + lane 1 of each accumulator
    ...get(n), ...get(outF), MUL, ...get(o), ADD, ...i32c(3), SHL, ...get(yp), ADD, ...set(ya),
    ...[0, 1].flatMap((r) =>
      [0, 1, 2, 3].flatMap((k) => [
        ...get(ya), ...(r ? [...get(outF), ...i32c(3), SHL, ADD] : []),
        ...get(acc[r * 4 + k]!), ...lane(0), ...get(acc[r * 4 + k]!), ...lane(1), F64_ADD,
        ...f64store(k * 8),
      ]),
    ),
    ...get(n), ...i32c(2), ADD, ...set(n),
    ...get(n), ...get(rows), LT_S, ...brIf(0),
    END,
    ...get(o), ...i32c(4), ADD, ...set(o),
    ...get(o), ...get(outF), LT_S, ...brIf(0),
    END,
    END,
  ];
  const locals = vec([[...uleb(10), 0x7f], [...uleb(11), 0x7b], [...uleb(1), 0x7f]]);
  const func = [...locals, ...body];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[0x7f], [0x7f], [0x7f], [0x7f], [0x7f], [0x7f]]), 0x00]])),
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, 0x00, 0x01]])),
    ...section(3, vec([[0x00]])),
    ...section(7, vec([[...name('gemm'), 0x00, 0x00]])),
    ...section(10, vec([[...uleb(func.length), ...func]])),
  ];
  return new Uint8Array(bytes);
}

type Gemm = (xp: number, wp: number, yp: number, rows: number, inF: number, outF: number) => void;
let kernel: { gemm: Gemm; mem: WebAssembly.Memory } | null | undefined;

/** The kernel, or null where WebAssembly SIMD is unavailable (callers fall back to plain loops). */
function instance(): { gemm: Gemm; mem: WebAssembly.Memory } | null {
  if (kernel !== undefined) return kernel;
  try {
    const mem = new WebAssembly.Memory({ initial: 1 });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()), { env: { mem } });
    kernel = { gemm: inst.exports.gemm as Gemm, mem };
  } catch {
    kernel = null;
  }
  return kernel;
}

/** Rows per kernel call: a block of x (≤ 48 rows of ≤ 1,536 inputs) stays in L2 while w streams past it once. */
const ROW_BLOCK = 48;
/** Rows of scores per step of an attention head (even: the kernel takes row pairs). */
const HEAD_ROW_BLOCK = 16;

/**
 * y[n,o] = Σ_i x[n,i]·w[o,i] + b[o] with the SIMD kernel, or null when it is unavailable. x [rows,inF], w [outF,inF]
 * are copied into the kernel's memory zero-padded to an even inF, even rows and outF a multiple of 4 (zeros add
 * nothing); the bias is added to each finished sum, as the plain loop does.
 */
export function linearSimd(x: Float64Array, rows: number, inF: number, w: Float64Array | Float32Array, b: Float64Array | null, outF: number, out?: Float64Array): Float64Array | null {
  const k = instance();
  if (!k || rows === 0 || inF === 0 || outF === 0) return null;
  const inP = inF + (inF & 1), rowsP = rows + (rows & 1), outP = (outF + 3) & ~3;
  const wOff = 0, xOff = outP * inP, yOff = xOff + rowsP * inP;
  const need = (yOff + rowsP * outP) * 8;
  if (need > k.mem.buffer.byteLength) k.mem.grow(Math.ceil((need - k.mem.buffer.byteLength) / 65536));
  const m = new Float64Array(k.mem.buffer);
  copyPadded(m, wOff, w, outF, inF, outP, inP);
  copyPadded(m, xOff, x, rows, inF, rowsP, inP);
  for (let n = 0; n < rowsP; n += ROW_BLOCK) {
    const r = Math.min(ROW_BLOCK, rowsP - n);
    k.gemm((xOff + n * inP) * 8, wOff * 8, (yOff + n * outP) * 8, r, inP, outP);
  }
  const y = out ?? new Float64Array(rows * outF);
  if (!b && outP === outF) y.set(m.subarray(yOff, yOff + rows * outF));
  else for (let n = 0; n < rows; n++) {
    const src = yOff + n * outP, dst = n * outF;
    if (b) for (let o = 0; o < outF; o++) y[dst + o] = m[src + o]! + b[o]!;
    else y.set(m.subarray(src, src + outF), dst);
  }
  return y;
}

/** Called between the two products of `attentionHeadSimd` with `rows` rows of one head's scores (rows row0.. of the
 *  [N,N] scores; row row0 at `off` in `m`, row stride `stride`); it turns them into probabilities in place (and may
 *  copy them for a trace). */
export type ScoresToProbs = (m: Float64Array, off: number, stride: number, row0: number, rows: number) => void;

/**
 * One attention head, both products in the kernel's memory: S = q·kᵀ ([N,N], as `linearSimd(q, N, hd, k, null, N)`),
 * `toProbs(S)` in place, then ctx = S·v ([N,hd], as `linearSimd(S, N, N, vt, null, hd)`), written into `out`. The
 * scores never leave the kernel's memory: S is the first product's output and the second's input, its row stride
 * (N rounded up to 4) serving as both; the padding columns are q·0 = 0, and the zero products they add to the second
 * product change no sum, so the values are those of the two `linearSimd` calls. Rows go through all three steps a
 * block at a time, so a block of scores is still in cache when the softmax and the second product read it. false
 * where the kernel is missing.
 */
export function attentionHeadSimd(q: Float64Array, k: Float64Array, vt: Float64Array, N: number, hd: number, toProbs: ScoresToProbs, out: Float64Array): boolean {
  const kern = instance();
  if (!kern || N === 0 || hd === 0) return false;
  const hdP = hd + (hd & 1), rowsP = N + (N & 1), nP = (N + 3) & ~3, hdO = (hd + 3) & ~3;
  const kOff = 0, qOff = kOff + nP * hdP, sOff = qOff + rowsP * hdP, vOff = sOff + rowsP * nP, cOff = vOff + hdO * nP;
  const need = (cOff + rowsP * hdO) * 8;
  if (need > kern.mem.buffer.byteLength) kern.mem.grow(Math.ceil((need - kern.mem.buffer.byteLength) / 65536));
  const m = new Float64Array(kern.mem.buffer);
  copyPadded(m, kOff, k, N, hd, nP, hdP);
  copyPadded(m, qOff, q, N, hd, rowsP, hdP);
  copyPadded(m, vOff, vt, hd, N, hdO, nP);
  for (let n = 0; n < rowsP; n += HEAD_ROW_BLOCK) {
    const r = Math.min(HEAD_ROW_BLOCK, rowsP - n);
    kern.gemm((qOff + n * hdP) * 8, kOff * 8, (sOff + n * nP) * 8, r, hdP, nP);
    toProbs(m, sOff + n * nP, nP, n, Math.min(r, N - n));
    kern.gemm((sOff + n * nP) * 8, vOff * 8, (cOff + n * hdO) * 8, r, nP, hdO);
  }
  for (let n = 0; n < N; n++) out.set(m.subarray(cOff + n * hdO, cOff + n * hdO + hd), n * hd);
  return true;
}

/** a [rows,cols] into m at off as [rowsP,colsP], zero-padded. */
function copyPadded(m: Float64Array, off: number, a: Float64Array | Float32Array, rows: number, cols: number, rowsP: number, colsP: number): void {
  if (cols === colsP) m.set(a.subarray(0, rows * cols), off);
  else for (let r = 0; r < rows; r++) {
    m.set(a.subarray(r * cols, (r + 1) * cols), off + r * colsP);
    m.fill(0, off + r * colsP + cols, off + (r + 1) * colsP);
  }
  m.fill(0, off + rows * colsP, off + rowsP * colsP);
}
