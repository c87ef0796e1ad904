// The host's view of a generated design: design.json (the only contract; the host re-derives nothing from the config),
// read and validated; its buffers' layout is in host/layout.ts.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../generator/errors.ts';
import { nonUtf8Note } from '../generator/io/files.ts';
import { parseManifest } from '../generator/emit/design.ts';
import type { DesignManifest } from '../generator/manifest.ts';
import { bufferArgs, ioLayout, regionOf, type HostDesign } from './layout.ts';

export { bufferArgs, decodeFixed, ioLayout, regionOf, scalarArgs, taskIndex, type BufferArg, type HostDesign, type IoLayout, type ScalarArg } from './layout.ts';

/** Reads and validates `<dir>/design.json` (config.json is not needed to run a design). */
export function loadDesign(dir: string): HostDesign {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new UserError(`design dir ${dir} does not exist${nonUtf8Note(dir)} (generate it with \`edgemoe gen\`)`);
  const path = join(abs, 'design.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `${path}: no such file (is ${dir} a design dir?)` : `${path}: ${code ?? `not valid JSON (${(e as Error).message})`}`);
  }
  const manifest = parseManifest(raw, path);
  checkManifest(manifest, path);
  return { dir: abs, manifest };
}

/** Consistency checks the host relies on (the schema cannot express them). */
function checkManifest(m: DesignManifest, path: string): void {
  const fail = (msg: string): never => {
    throw new UserError(`${path}: ${msg}`);
  };
  const names = new Set<string>();
  for (const a of m.kernel.args) {
    if (names.has(a.name)) fail(`kernel argument '${a.name}' appears twice`);
    names.add(a.name);
    if (a.kind === 'buffer' && !m.bundles.some((b) => b.name === a.bundle)) fail(`kernel argument '${a.name}' names bundle '${a.bundle}', which is not in bundles`);
  }
  for (const b of m.bundles) {
    if (!(Number.isSafeInteger(b.bytes) && b.bytes > 0)) fail(`bundle '${b.name}' has ${b.bytes} bytes`);
    for (const r of b.regions) if (r.offset < 0 || r.bytes < 0 || r.offset + r.bytes > b.bytes) fail(`region '${r.name}' (${r.offset}+${r.bytes}) lies outside bundle '${b.name}' (${b.bytes} bytes)`);
  }
  const roles = Object.entries(m.scalars);
  for (const [role, name] of roles) {
    const a = m.kernel.args.find((x) => x.name === name);
    if (!a || a.kind !== 'scalar') fail(`scalars.${role} names '${name}', which is not a scalar kernel argument`);
  }
  for (const a of m.kernel.args) if (a.kind === 'scalar' && !roles.some(([, n]) => n === a.name)) fail(`scalar kernel argument '${a.name}' has no role in scalars (the host would not know what to pass)`);
  if (m.tasks.length === 0) fail('no tasks');
  if (!(m.maxImages >= 1)) fail(`maxImages is ${m.maxImages}`);
  const bundleOf = (region: string) => m.bundles.find((b) => b.regions.some((r) => r.name === region) && m.kernel.args.some((a) => a.kind === 'buffer' && a.bundle === b.name));
  for (const [what, region] of [['input', m.input.region], ['output', m.output.region], ['weights', m.weights.region]] as const) {
    if (!bundleOf(region)) fail(`${what} region '${region}' is not on any buffer argument's bundle`);
  }
  ioLayout(m, fail);
  const w = regionOf(m, m.weights.region);
  if (bufferArgs(m)[w.buffer]!.bundle !== m.weights.bundle) fail(`weights region '${m.weights.region}' is not on bundle '${m.weights.bundle}'`);
  // Several weight ports (format /4): every part region on its own buffer argument's bundle.
  for (const p of m.weights.parts ?? []) {
    if (bundleOf(p.region)?.name !== p.bundle) fail(`weight part region '${p.region}' is not on a buffer argument's bundle '${p.bundle}'`);
  }
}

