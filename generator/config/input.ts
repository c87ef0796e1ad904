// What an input image goes through before the first layer: bytes ÷ pixelDivisor, then (x − mean_c)/std_c.
import { UserError } from '../errors.ts';
import type { ModelConfig } from './schema.ts';

/** torchvision's ImageNet statistics, as M³ViT's PASCAL-Context and NYUD-v2 pipelines use them (m3vit.md §6). */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/** The hardware's pixel: ap_ufixed<8,0>, value = byte/256 (it cannot hold 1.0, so never byte/255). */
export const HARDWARE_PIXEL_DIVISOR = 256;

/** The model fields that say how an image is preprocessed. */
export type InputFields = Pick<ModelConfig, 'image' | 'pixelDivisor' | 'normalize'>;

/** Per channel: model input = byte / divisor, then (· − mean[c]) / std[c] (mean 0, std 1 without normalisation). */
export interface InputPipeline {
  shape: readonly [number, number, number];
  divisor: number;
  mean: readonly number[];
  std: readonly number[];
  /** True when the model input is exactly the hardware's byte/256 (nothing to fold into the patch embedding). */
  identity: boolean;
}

/** The preprocessing a config states. */
export function inputPipeline(m: InputFields): InputPipeline {
  const [c] = m.image;
  if (m.normalize === 'imagenet') {
    if (c !== 3) throw new UserError(`model.normalize 'imagenet' needs 3 input channels, the config has ${c}`);
    return { shape: m.image, divisor: m.pixelDivisor, mean: IMAGENET_MEAN, std: IMAGENET_STD, identity: false };
  }
  return { shape: m.image, divisor: m.pixelDivisor, mean: Array(c).fill(0), std: Array(c).fill(1), identity: m.pixelDivisor === HARDWARE_PIXEL_DIVISOR };
}

/** One line for humans: what a PNG/JPEG byte becomes. */
export function describeInput(m: InputFields): string {
  const div = `byte/${m.pixelDivisor}`;
  return m.normalize === 'imagenet' ? `${div}, then (x − mean)/std with ImageNet mean (${IMAGENET_MEAN.join(', ')}) and std (${IMAGENET_STD.join(', ')})` : `${div}, no mean/std`;
}

/**
 * Per channel c, the model input as an affine function of the hardware pixel h = byte/256: scale[c]·h − offset[c].
 * pack folds these into the patch embedding (w' = w·scale_c, b' = b − Σ w·offset_c).
 */
export function hardwareToModel(p: InputPipeline): { scale: number[]; offset: number[] } {
  return {
    scale: p.std.map((s) => HARDWARE_PIXEL_DIVISOR / p.divisor / s),
    offset: p.mean.map((mu, c) => mu / p.std[c]!),
  };
}
