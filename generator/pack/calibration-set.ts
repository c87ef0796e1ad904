// The shipped calibration set of GPTQ rounding (README "Precision"): public-domain / CC0 photographs independent of
// the measured demo images, stored as 256×128 RGB PNG in test/fixtures/calibration (provenance in its README).
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputPipeline } from '../config/input.ts';
import type { Config } from '../config/schema.ts';
import { UserError } from '../errors.ts';
import { loadImage, type ResizeMode } from '../io/image.ts';
import type { TensorMap } from '../tensor.ts';
import { collectHessians, type LayerHessian } from './calibrate.ts';

export const CALIBRATION_DIR = fileURLToPath(new URL('../../test/fixtures/calibration/', import.meta.url));

/** The shipped calibration photographs (absolute paths, sorted by name). */
export function calibrationSet(): string[] {
  const files = existsSync(CALIBRATION_DIR) ? readdirSync(CALIBRATION_DIR).filter((f) => /\.png$/i.test(f)).sort() : [];
  if (!files.length) throw new UserError(`pack: the shipped calibration set ${CALIBRATION_DIR} has no PNG image; give images with --calibrate IMAGES…`);
  return files.map((f) => join(CALIBRATION_DIR, f));
}

/** Calibration images and the statistics GPTQ rounds with (what `packDesign` takes). */
export interface Calibration {
  /** The images' file names, as the packed image's sidecar records them. */
  images: string[];
  hessians: ReadonlyMap<string, LayerHessian>;
}

/**
 * GPTQ statistics over `files` (every task) for a config; each image is loaded as the model's input, fitted by
 * `resize`. The shipped set (no `files`) is stretched to the model's input size when that is not 256×128.
 */
export function calibrate(config: Config, sd: TensorMap, files?: readonly string[], resize: ResizeMode = 'stretch', onRun?: (done: number, total: number) => void): Calibration {
  const paths = files ?? calibrationSet();
  const images = paths.map((f) => loadImage(f, inputPipeline(config.model), { resize: files ? resize : 'stretch' }));
  return { images: paths.map((f) => basename(f)), hessians: collectHessians(config, sd, images, onRun) };
}
