// Input images: PNG / JPEG / .npy → CHW pixels, as raw bytes (hardware, ap_ufixed<8,0>) or the model's input floats
// (reference: byte/divisor, then the config's mean/std; a .npy is that tensor already).
import jpeg from 'jpeg-js';
import { HARDWARE_PIXEL_DIVISOR, type InputPipeline } from '../config/input.ts';
import { PNG } from 'pngjs';
import { UserError } from '../errors.ts';
import { asF64, shapeStr } from '../tensor.ts';
import { readFileOrThrow } from './files.ts';
import { isNpy, parseNpy } from './npy.ts';

/** Image shape [C, H, W] as in config.model.image. */
export type ImageShape = readonly [number, number, number];

/**
 * How a PNG/JPEG of another size than the model's is fitted (--resize): 'none' refuses it; 'stretch' scales width and
 * height independently; 'letterbox' scales by one factor to fit inside and pads the rest with black (0), centred.
 * Both sample bilinearly at pixel centres and round to the nearest byte.
 */
export const RESIZE_MODES = ['none', 'stretch', 'letterbox'] as const;
export type ResizeMode = (typeof RESIZE_MODES)[number];

export interface ImageOptions {
  resize?: ResizeMode;
}

/** A ResizeMode from a command-line value; anything else is a UserError. */
export function parseResize(v: string | undefined): ResizeMode {
  if (v === undefined) return 'none';
  if ((RESIZE_MODES as readonly string[]).includes(v)) return v as ResizeMode;
  throw new UserError(`--resize '${v}': expected ${RESIZE_MODES.join(', ')}`);
}

/** Bilinear sample of one CHW byte plane at (y, x) in source pixel coordinates (clamped to the edges). */
function sample(src: Uint8Array, base: number, h: number, w: number, y: number, x: number): number {
  const yc = Math.min(Math.max(y, 0), h - 1);
  const xc = Math.min(Math.max(x, 0), w - 1);
  const y0 = Math.floor(yc);
  const x0 = Math.floor(xc);
  const y1 = Math.min(y0 + 1, h - 1);
  const x1 = Math.min(x0 + 1, w - 1);
  const fy = yc - y0;
  const fx = xc - x0;
  const at = (yy: number, xx: number) => src[base + yy * w + xx]!;
  return (at(y0, x0) * (1 - fx) + at(y0, x1) * fx) * (1 - fy) + (at(y1, x0) * (1 - fx) + at(y1, x1) * fx) * fy;
}

/**
 * Resizes CHW bytes [c, h, w] to [c, H, W] by `mode` ('stretch' or 'letterbox'; see ResizeMode). Reusable by any
 * command that feeds photographs of another size to a model.
 */
export function resizeChw(src: Uint8Array, from: ImageShape, to: readonly [number, number], mode: Exclude<ResizeMode, 'none'>): Uint8Array {
  const [c, h, w] = from;
  const [H, W] = to;
  const out = new Uint8Array(c * H * W);
  let sh = H / h;
  let sw = W / w;
  let oy = 0;
  let ox = 0;
  let ih = H;
  let iw = W;
  if (mode === 'letterbox') {
    const s = Math.min(H / h, W / w);
    sh = sw = s;
    ih = Math.max(1, Math.round(h * s));
    iw = Math.max(1, Math.round(w * s));
    oy = Math.floor((H - ih) / 2);
    ox = Math.floor((W - iw) / 2);
  }
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < ih; y++) {
      const sy = (y + 0.5) / sh - 0.5;
      for (let x = 0; x < iw; x++) out[ch * H * W + (y + oy) * W + x + ox] = Math.round(sample(src, ch * h * w, h, w, sy, (x + 0.5) / sw - 0.5));
    }
  }
  return out;
}

/** Decoded 8-bit pixels, RGBA interleaved (both decoders expand gray and palettes), rows top to bottom. */
interface Decoded {
  width: number;
  height: number;
  data: Uint8Array;
  /** Whether the source had colour (so a 1-channel config must not silently drop it). */
  color: boolean;
  /** How many pixels are not fully opaque (the model has no alpha input: those are said to be taken as they are). */
  translucent: number;
}

let alphaNoted = false;
/** Tells once per process, on stderr, that an image's transparency is ignored (a batch would repeat it per image). */
function noteAlpha(path: string, n: number): void {
  if (alphaNoted) return;
  alphaNoted = true;
  process.stderr.write(`edgemoe: note: ${path}: its alpha channel is ignored: ${n} pixel${n === 1 ? ' is' : 's are'} not opaque and taken with ${n === 1 ? 'its' : 'their'} colour as it is, not blended onto a background (said for the first such image only)\n`);
}

/** Lets the next translucent image be noted again (a process that starts another batch; tests). */
export function resetImageNotes(): void {
  alphaNoted = false;
}

/** Pixels of RGBA data whose alpha is below 255. */
function countTranslucent(rgba: Uint8Array): number {
  let n = 0;
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) n++;
  return n;
}

function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
}

function isJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

// Bit depths below 8 are expanded to 8 by pngjs; 16-bit PNGs are rejected rather than rounded: the hardware input is 8-bit, and a silent rescale would change pixels.
function decodePng(bytes: Buffer, path: string): Decoded {
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch (e) {
    // pngjs says 'read requests waitng on finished stream' when the data ends early.
    const why = /finished stream|unexpected end/i.test((e as Error).message) ? 'the file ends early (truncated)' : (e as Error).message;
    throw new UserError(`${path}: corrupt or unsupported PNG (${why})`);
  }
  const meta = png as unknown as { depth?: number; color?: boolean; palette?: boolean };
  if (meta.depth === 16) throw new UserError(`${path}: 16-bit PNG is not supported (the accelerator input is 8 bits per channel); save it as 8-bit`);
  const data = new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length);
  // Counted on the decoded data, so a palette's or gray's tRNS transparency counts as well as an RGBA alpha channel.
  return { width: png.width, height: png.height, data, color: meta.color !== false || meta.palette === true, translucent: countTranslucent(data) };
}

function decodeJpeg(bytes: Buffer, path: string): Decoded {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
  } catch (e) {
    throw new UserError(`${path}: corrupt or unsupported JPEG (${(e as Error).message ?? String(e)})`);
  }
  if (img.data.length !== img.width * img.height * 4) throw new UserError(`${path}: corrupt JPEG (decoded ${img.data.length} bytes for ${img.width}x${img.height})`);
  return { width: img.width, height: img.height, data: img.data, color: true, translucent: 0 };
}

function checkSize(path: string, expected: ImageShape, got: readonly number[]): void {
  const [c, h, w] = expected;
  if (got[0] !== c || got[1] !== h || got[2] !== w) {
    throw new UserError(`${path}: image is ${shapeStr(got)} (C,H,W; ${got[2]}x${got[1]} pixels) but the config expects ${shapeStr(expected)} (${w}x${h} pixels)`);
  }
}

/** Decoded PNG/JPEG → CHW bytes, checking (or, with a resize mode, fitting) the size; alpha is ignored, gray arrives as R = G = B. */
function toChw(d: Decoded, path: string, shape: ImageShape, resize: ResizeMode = 'none'): Uint8Array {
  const [c, h, w] = shape;
  if (c !== 1 && c !== 3) throw new UserError(`${path}: the config has ${c} input channels; PNG/JPEG input supports 1 (gray) or 3 (RGB); use a .npy [${c},H,W]`);
  if (resize === 'none' || (d.height === h && d.width === w)) checkSize(path, shape, [c, d.height, d.width]);
  if (c === 1 && d.color) throw new UserError(`${path}: colour image but the config expects 1 channel (gray)`);
  if (d.translucent > 0) noteAlpha(path, d.translucent);
  const out = new Uint8Array(c * d.height * d.width);
  const hw = d.height * d.width;
  for (let p = 0; p < hw; p++) {
    for (let ch = 0; ch < c; ch++) out[ch * hw + p] = d.data[p * 4 + ch]!;
  }
  return d.height === h && d.width === w ? out : resizeChw(out, [c, d.height, d.width], [h, w], resize as Exclude<ResizeMode, 'none'>);
}

/** A bare shape means Edge-MoE's convention: value = byte/256, no mean/std. */
function pipelineOf(input: InputPipeline | ImageShape): InputPipeline {
  if (!('shape' in input)) {
    const c = input[0];
    return { shape: input, divisor: HARDWARE_PIXEL_DIVISOR, mean: Array(c).fill(0), std: Array(c).fill(1), identity: true };
  }
  return input;
}

/** How far a .npy value may sit from an exact preprocessed byte: float32 rounding of (k/255 − mean)/std, with room. */
const NPY_BYTE_SLACK = 1e-3;

/** .npy model-input values [C,H,W] → the bytes they were preprocessed from (each must be one: the accelerator input is 8-bit). */
function npyToBytes(v: Float64Array, path: string, p: InputPipeline): Uint8Array {
  const { shape } = p;
  const out = new Uint8Array(v.length);
  const hw = shape[1] * shape[2], w = shape[2];
  for (let i = 0; i < v.length; i++) {
    const c = Math.floor(i / hw);
    // Without mean/std and with /256 the value must be exactly k/256 (today's check, bit for bit).
    const k = p.identity ? v[i]! * HARDWARE_PIXEL_DIVISOR : (v[i]! * p.std[c]! + p.mean[c]!) * p.divisor;
    const r = Math.round(k);
    const ok = p.identity ? Number.isInteger(k) && k >= 0 && k <= 255 : Math.abs(k - r) <= NPY_BYTE_SLACK && r >= 0 && r <= 255;
    if (!ok) {
      const at = `[${c},${Math.floor((i % hw) / w)},${i % w}]`;
      const form = p.identity ? 'k/256' : p.mean.some((m) => m !== 0) || p.std.some((s) => s !== 1) ? `(k/${p.divisor} − mean)/std` : `k/${p.divisor}`;
      throw new UserError(`${path}: pixel ${at} = ${v[i]} is not ${form} for an integer k in 0..255 (the accelerator input is 8-bit)`);
    }
    out[i] = r;
  }
  return out;
}

/**
 * The image's raw 8-bit pixels as CHW bytes, for PNG, JPEG or .npy input of the config's shape (a .npy holds the model's
 * input, so its preprocessing is undone). A bare shape means byte/256 without mean/std.
 */
export function loadImageBytes(path: string, input: InputPipeline | ImageShape, opts: ImageOptions = {}): Uint8Array {
  return bytesOf(readFileOrThrow(path, 'image'), path, pipelineOf(input), opts.resize);
}

function bytesOf(bytes: Buffer, path: string, p: InputPipeline, resize?: ResizeMode): Uint8Array {
  if (isPng(bytes)) return toChw(decodePng(bytes, path), path, p.shape, resize);
  if (isJpeg(bytes)) return toChw(decodeJpeg(bytes, path), path, p.shape, resize);
  if (isNpy(bytes)) return npyToBytes(npyValues(bytes, path, p.shape), path, p);
  throw new UserError(`${path}: not a PNG, JPEG or .npy image`);
}

/**
 * The model's input as CHW float64: PNG/JPEG bytes ÷ divisor, then (x − mean_c)/std_c; a .npy is taken as it is (it is
 * that tensor already; --resize applies to photographs), after the check csim and run make: every value must be a
 * preprocessed byte, so the reference accepts exactly the images the accelerator can take. A bare shape means byte/256
 * without mean/std (Edge-MoE's input convention).
 */
export function loadImage(path: string, input: InputPipeline | ImageShape, opts: ImageOptions = {}): Float64Array {
  const p = pipelineOf(input);
  const bytes = readFileOrThrow(path, 'image');
  if (isNpy(bytes)) {
    const v = npyValues(bytes, path, p.shape);
    npyToBytes(v, path, p);
    return v;
  }
  const raw = bytesOf(bytes, path, p, opts.resize);
  if (p.identity) return Float64Array.from(raw, (b) => b / HARDWARE_PIXEL_DIVISOR);
  const hw = p.shape[1] * p.shape[2];
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const c = Math.floor(i / hw);
    out[i] = (raw[i]! / p.divisor - p.mean[c]!) / p.std[c]!;
  }
  return out;
}

/** A float .npy image [C,H,W] of the config's shape, as float64 (finite values only). */
function npyValues(bytes: Buffer, path: string, shape: ImageShape): Float64Array {
  const t = parseNpy(bytes, path);
  if (t.dtype !== 'f32' && t.dtype !== 'f64') throw new UserError(`${path}: image .npy must be float32 or float64, got ${t.dtype}`);
  if (t.shape.length !== 3) throw new UserError(`${path}: image .npy must be [C,H,W], got ${shapeStr(t.shape)}`);
  checkSize(path, shape, t.shape);
  const v = asF64(t);
  const bad = v.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new UserError(`${path}: image .npy value #${bad} is ${v[bad]}`);
  return v;
}
