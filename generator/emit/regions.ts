// Where things sit in a design's buffers, read from design.json alone: regions by name and the weight regions in port
// order. Kept apart from design.ts (which validates design.json and config.json) so a pool worker loads no schema.
import { UserError } from '../errors.ts';
import type { DesignManifest, Region } from '../manifest.ts';

/** The region named `region` of bundle `bundle` (throws a UserError naming both when absent). */
export function findRegion(m: DesignManifest, bundle: string, region: string): Region {
  const b = m.bundles.find((x) => x.name === bundle);
  const r = b?.regions.find((x) => x.name === region);
  if (!r) throw new UserError(`design.json: no region '${region}' on bundle '${bundle}'`);
  return r;
}

/** The weight regions of a design in port order (one without weights.parts), each with its byte offset in the packed
 *  image (the regions' contents one after the other). */
export function weightParts(m: DesignManifest): Array<{ bundle: string; region: Region; at: number }> {
  const list = m.weights.parts ?? [{ bundle: m.weights.bundle, region: m.weights.region }];
  let at = 0;
  return list.map((p) => {
    const region = findRegion(m, p.bundle, p.region);
    const out = { bundle: p.bundle, region, at };
    at += region.bytes;
    return out;
  });
}

/** Bytes of a design's packed weights image: the sum of its weight regions. */
export function weightsImageBytes(m: DesignManifest): number {
  return weightParts(m).reduce((a, p) => a + p.region.bytes, 0);
}

/** The bundle carrying region `region`, and the region. */
export function locateRegion(m: DesignManifest, region: string): { bundle: string; region: Region } {
  for (const b of m.bundles) {
    const r = b.regions.find((x) => x.name === region);
    if (r) return { bundle: b.name, region: r };
  }
  throw new UserError(`design.json: no bundle carries region '${region}'`);
}
