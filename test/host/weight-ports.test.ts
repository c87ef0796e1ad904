// Several weight ports (hardware.weightPorts = 2) through the design.json contract: format /4 with weights.parts, the
// packed image as the weight regions one after the other (rows of each split matrix dealt out), link.cfg giving the
// extra bundle its own port, and the host's csim backend writing every part (its output equal to one port's, bit for
// bit).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderLinkConfig } from '../../generator/build/link.ts';
import { resolveConfig } from '../../generator/config/index.ts';
import { parseManifest, readDesign, weightParts, weightsImageBytes } from '../../generator/emit/design.ts';
import { emitDesign } from '../../generator/emit/emit.ts';
import { isUserError } from '../../generator/errors.ts';
import { loadImageBytes } from '../../generator/io/image.ts';
import { MANIFEST_FORMAT, MANIFEST_FORMAT_PORTS } from '../../generator/manifest.ts';
import { packDesign, packImage } from '../../generator/pack/pack.ts';
import { buildPlan, planToManifest } from '../../generator/plan/index.ts';
import { loadWeights } from '../../generator/weights/load.ts';
import { Accelerator } from '../../host/accelerator.ts';
import { bufferArgs, loadDesign } from '../../host/design.ts';
import { loadPackedWeights } from '../../host/weights.ts';
import { scratch, TINY } from '../helpers/paths.ts';

const TWO = ['hardware.weightPorts=2'];

describe('two weight ports: design.json, packed image, link.cfg and the host', function () {
  this.timeout(300_000);
  const plan1 = buildPlan(resolveConfig({ preset: 'tiny' }));
  const plan2 = buildPlan(resolveConfig({ preset: 'tiny', sets: TWO }));
  const m1 = planToManifest(plan1, 'h');
  const m2 = planToManifest(plan2, 'h');

  it('design.json: format /4 only with several ports, weights.parts in port order, split tensors marked, a buffer argument per part', () => {
    assert.equal(m1.format, MANIFEST_FORMAT);
    assert.equal(m1.weights.parts, undefined);
    assert.ok(m1.weights.tensors.every((t) => t.ports === undefined));
    assert.equal(m2.format, MANIFEST_FORMAT_PORTS);
    assert.deepEqual(m2.weights.parts, [
      { bundle: 'weights', region: 'weights' },
      { bundle: 'weights1', region: 'weights1' },
    ]);
    const split = m2.weights.tensors.filter((t) => t.ports === 2).map((t) => t.name);
    assert.ok(split.includes('blocks.0.attn.q.weight') && split.includes('blocks.1.mlp.experts.h4toh.weight'));
    assert.ok(!split.some((n) => n.includes('gate') || n.includes('bias') || n.startsWith('patch_embed') || n === 'pos_embed'), split.join(', '));
    assert.deepEqual(m2.kernel.args.filter((a) => a.kind === 'buffer').map((a) => a.name), ['inout1', 'inout2', 'inout3', 'inout4', 'weights', 'weights1']);
    // A split tensor keeps its offset in both regions and holds half its rows in each.
    const q1 = m1.weights.tensors.find((t) => t.name === 'blocks.0.attn.q.weight')!;
    const q2 = m2.weights.tensors.find((t) => t.name === 'blocks.0.attn.q.weight')!;
    assert.equal(q2.bytes * 2, q1.bytes);
  });

  it('parseManifest refuses /4 without parts, /3 with parts, and a tensor split over another port count', () => {
    const bad = (m: object, re: RegExp) => assert.throws(() => parseManifest(m, 'design.json'), (e) => isUserError(e) && re.test(e.message));
    bad({ ...m2, format: MANIFEST_FORMAT }, /format edgemoe-design\/3 cannot carry weights\.parts/);
    bad({ ...m2, weights: { ...m2.weights, parts: undefined } }, /format edgemoe-design\/4 needs weights\.parts/);
    const tensors = m2.weights.tensors.map((t) => (t.ports ? { ...t, ports: 4 } : t));
    bad({ ...m2, weights: { ...m2.weights, tensors } }, /split over 4 weight ports, weights\.parts lists 2/);
    assert.equal(parseManifest(JSON.parse(JSON.stringify(m2)), 'design.json').format, MANIFEST_FORMAT_PORTS);
  });

  it('link.cfg: the extra weight bundle on an HP port of its own', () => {
    const cfg = renderLinkConfig(plan2);
    const sp = [...cfg.matchAll(/^sp=\S+\.(\w+):(\w+)$/gm)].map((m) => [m[1], m[2]]);
    assert.equal(sp.length, 6);
    assert.equal(new Set(sp.map(([, p]) => p)).size, 6, cfg);
    assert.match(sp.find(([b]) => b === 'weights1')![1]!, /^HP\d$/);
  });

  it('packed image: the weight regions one after the other, row r of a split matrix in part r mod 2', () => {
    const cfg1 = resolveConfig({ preset: 'tiny' });
    const cfg2 = resolveConfig({ preset: 'tiny', sets: TWO });
    const sd = loadWeights(join(TINY, 'weights.safetensors')).tensors;
    const img1 = packImage(cfg1, m1, sd).bytes;
    const img2 = packImage(cfg2, m2, sd).bytes;
    assert.equal(img2.length, weightsImageBytes(m2));
    const parts = weightParts(m2);
    assert.equal(parts[1]!.at, parts[0]!.region.bytes);
    for (const name of ['blocks.0.attn.q.weight', 'blocks.1.mlp.experts.htoh4.weight', 'blocks.1.mlp.gate.0.w_gate', 'blocks.0.norm1.weight']) {
      const t1 = m1.weights.tensors.find((t) => t.name === name)!;
      const t2 = m2.weights.tensors.find((t) => t.name === name)!;
      const rowBytes = t1.shape[t1.shape.length - 1]! * t1.elemBytes;
      const rows = t1.shape.slice(0, -1).reduce((a, b) => a * b, 1);
      for (let r = 0; r < rows; r++) {
        const want = img1.subarray(t1.offset + r * rowBytes, t1.offset + (r + 1) * rowBytes);
        const at = t2.ports ? parts[r % 2]!.at + t2.offset + Math.floor(r / 2) * rowBytes : t2.offset + r * rowBytes;
        assert.deepEqual(img2.subarray(at, at + rowBytes), want, `${name} row ${r}`);
      }
    }
  });

  it('host csim backend: every part written to its buffer, output bit for bit equal to one port', async () => {
    const pixels = loadImageBytes(join(TINY, 'image.png'), [3, 32, 64]);
    const outs: Float32Array[] = [];
    for (const [name, sets] of [['one', []], ['two', TWO]] as const) {
      const dir = join(scratch(), `wports-host-${name}`);
      emitDesign(resolveConfig({ preset: 'tiny', sets: [...sets] }), dir);
      packDesign(readDesign(dir), join(TINY, 'weights.safetensors'));
      const design = loadDesign(dir);
      const w = loadPackedWeights(design, join(dir, 'weights.bin'));
      assert.equal(w.bytes.length, weightsImageBytes(design.manifest));
      const acc = await Accelerator.open(design, { backend: 'csim' });
      acc.loadWeights(w);
      outs.push(acc.infer([pixels], 'task1').outputs[0]!);
      acc.close();
      if (name === 'two') {
        assert.equal(bufferArgs(design.manifest).length, 6);
        // A packed image of one port's size is refused with both numbers.
        const short = join(dir, 'short.bin');
        writeFileSync(short, readFileSync(join(dir, 'weights.bin')).subarray(0, weightParts(design.manifest)[0]!.region.bytes));
        assert.throws(() => loadPackedWeights(design, short), (e) => isUserError(e) && /bytes of weights in 2 weight regions/.test(e.message));
      }
    }
    assert.deepEqual(outs[1], outs[0]);
  });
});
