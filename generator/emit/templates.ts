// Handlebars rendering of templates/design/* (strict: a missing field is an error, not an empty string).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

/** The project's templates/ dir. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

const cache = new Map<string, HandlebarsTemplateDelegate>();

/** Renders templates/design/<file> with `view`. */
export function renderDesignTemplate(file: string, view: object): string {
  let t = cache.get(file);
  if (!t) {
    t = Handlebars.compile(readFileSync(join(TEMPLATES_DIR, 'design', file), 'utf8'), { noEscape: true, strict: true });
    cache.set(file, t);
  }
  return t(view);
}

/** A static file of templates/design/ as it is. */
export function designFile(file: string): string {
  return readFileSync(join(TEMPLATES_DIR, 'design', file), 'utf8');
}
