// The calibration images of a model: the shipped photographs of its input size (test/fixtures/images/*-WxH.png).
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.ts';

export const PHOTOGRAPHS_DIR = fileURLToPath(new URL('../../test/fixtures/images/', import.meta.url));

/** The shipped photographs of W×H pixels (sorted), as paths relative to the current dir when that is shorter. */
export function calibrationImages(image: readonly [number, number, number]): string[] {
  const [, H, W] = image;
  const suffix = new RegExp(`-${W}x${H}\\.(png|jpe?g)$`);
  const files = existsSync(PHOTOGRAPHS_DIR) ? readdirSync(PHOTOGRAPHS_DIR).filter((f) => suffix.test(f)).sort() : [];
  if (!files.length) throw new UserError(`explore: no shipped photograph of the model's input size ${W}x${H} in ${PHOTOGRAPHS_DIR}; give calibration images with --images`);
  return files.map((f) => {
    const abs = join(PHOTOGRAPHS_DIR, f);
    const rel = relative(process.cwd(), abs);
    return rel.length < abs.length ? rel : abs;
  });
}
