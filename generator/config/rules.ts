// Hardware rules a schema-valid config must also satisfy; each violation names its field path.
import { DRAM_REGIONS, type Config } from './schema.ts';

/** One broken rule: the config path (e.g. `model.heads`) and what was expected. */
export interface Violation {
  path: string;
  rule: string;
}

/** Every rule the generated hardware relies on. */
export function checkRules(c: Config): Violation[] {
  const v: Violation[] = [];
  const bad = (path: string, rule: string) => v.push({ path, rule });
  const m = c.model;
  if (m.heads <= 0 || m.dim % m.heads !== 0) bad('model.heads', `heads must divide dim (${m.dim})`);
  if (m.image[1] % m.patch !== 0) bad('model.image', `patch (${m.patch}) must divide the image height (${m.image[1]})`);
  if (m.image[2] % m.patch !== 0) bad('model.image', `patch (${m.patch}) must divide the image width (${m.image[2]})`);
  if (m.moe.topK < 1 || m.moe.topK > m.moe.experts) bad('model.moe.topK', `topK must be in 1..experts (${m.moe.experts})`);
  if (m.tasks.length < 1) bad('model.tasks', 'at least one task is required');
  const seen = new Map<string, string>();
  for (const [bundle, regions] of Object.entries(c.hardware.bundles)) {
    for (const r of regions) {
      if (!(DRAM_REGIONS as readonly string[]).includes(r)) bad(`hardware.bundles.${bundle}`, `unknown region '${r}' (known: ${DRAM_REGIONS.join(', ')})`);
      else if (seen.has(r)) bad(`hardware.bundles.${bundle}`, `region '${r}' is already on bundle ${seen.get(r)}`);
      else seen.set(r, bundle);
    }
  }
  for (const r of DRAM_REGIONS) if (!seen.has(r)) bad('hardware.bundles', `region '${r}' is on no bundle`);
  return v;
}
