// Input images: PNG / JPEG / .npy → CHW pixels, as raw bytes (hardware, ap_ufixed<8,0>) or byte/256 floats (reference).
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { UserError } from '../errors.ts';
import { asF64, shapeStr } from '../tensor.ts';
import { readFileOrThrow } from './files.ts';
import { isNpy, parseNpy } from './npy.ts';

/** Image shape [C, H, W] as in config.model.image. */
export type ImageShape = readonly [number, number, number];

/** Decoded 8-bit pixels, RGBA interleaved (both decoders expand gray and palettes), rows top to bottom. */
interface Decoded {
  width: number;
  height: number;
  data: Uint8Array;
  /** Whether the source had colour (so a 1-channel config must not silently drop it). */
  color: boolean;
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
    throw new UserError(`${path}: corrupt or unsupported PNG (${(e as Error).message})`);
  }
  const meta = png as unknown as { depth?: number; color?: boolean; palette?: boolean };
  if (meta.depth === 16) throw new UserError(`${path}: 16-bit PNG is not supported (the accelerator input is 8 bits per channel); save it as 8-bit`);
  return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length), color: meta.color !== false || meta.palette === true };
}

function decodeJpeg(bytes: Buffer, path: string): Decoded {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
  } catch (e) {
    throw new UserError(`${path}: corrupt or unsupported JPEG (${(e as Error).message ?? String(e)})`);
  }
  if (img.data.length !== img.width * img.height * 4) throw new UserError(`${path}: corrupt JPEG (decoded ${img.data.length} bytes for ${img.width}x${img.height})`);
  return { width: img.width, height: img.height, data: img.data, color: true };
}

function checkSize(path: string, expected: ImageShape, got: readonly number[]): void {
  const [c, h, w] = expected;
  if (got[0] !== c || got[1] !== h || got[2] !== w) {
    throw new UserError(`${path}: image is ${shapeStr(got)} (C,H,W; ${got[2]}x${got[1]} pixels) but the config expects ${shapeStr(expected)} (${w}x${h} pixels)`);
  }
}

/** Decoded PNG/JPEG → CHW bytes, checking the size; alpha is ignored, gray arrives as R = G = B. */
function toChw(d: Decoded, path: string, shape: ImageShape): Uint8Array {
  const [c, h, w] = shape;
  if (c !== 1 && c !== 3) throw new UserError(`${path}: the config has ${c} input channels; PNG/JPEG input supports 1 (gray) or 3 (RGB); use a .npy [${c},H,W]`);
  checkSize(path, shape, [c, d.height, d.width]);
  if (c === 1 && d.color) throw new UserError(`${path}: colour image but the config expects 1 channel (gray)`);
  const out = new Uint8Array(c * h * w);
  const hw = h * w;
  for (let p = 0; p < hw; p++) {
    for (let ch = 0; ch < c; ch++) out[ch * hw + p] = d.data[p * 4 + ch]!;
  }
  return out;
}

/** .npy float image [C,H,W] → bytes (value·256 must be an integer 0..255). */
function npyToBytes(bytes: Buffer, path: string, shape: ImageShape): Uint8Array {
  const v = npyValues(bytes, path, shape);
  const out = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const k = v[i]! * 256;
    if (!(Number.isInteger(k) && k >= 0 && k <= 255)) {
      const [hw, w] = [shape[1] * shape[2], shape[2]];
      const at = `[${Math.floor(i / hw)},${Math.floor((i % hw) / w)},${i % w}]`;
      throw new UserError(`${path}: pixel ${at} = ${v[i]} is not k/256 for an integer k in 0..255 (the accelerator input is ap_ufixed<8,0>)`);
    }
    out[i] = k;
  }
  return out;
}

/** The image's raw 8-bit pixels as CHW bytes (value = byte/256), for PNG, JPEG or .npy input of the config's shape. */
export function loadImageBytes(path: string, shape: ImageShape): Uint8Array {
  return bytesOf(readFileOrThrow(path, 'image'), path, shape);
}

function bytesOf(bytes: Buffer, path: string, shape: ImageShape): Uint8Array {
  if (isPng(bytes)) return toChw(decodePng(bytes, path), path, shape);
  if (isJpeg(bytes)) return toChw(decodeJpeg(bytes, path), path, shape);
  if (isNpy(bytes)) return npyToBytes(bytes, path, shape);
  throw new UserError(`${path}: not a PNG, JPEG or .npy image`);
}

/** The image as CHW float64 values byte/256 (Edge-MoE's input convention); .npy floats are taken as they are. */
export function loadImage(path: string, shape: ImageShape): Float64Array {
  const bytes = readFileOrThrow(path, 'image');
  if (isNpy(bytes)) return npyValues(bytes, path, shape);
  return Float64Array.from(bytesOf(bytes, path, shape), (b) => b / 256);
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
