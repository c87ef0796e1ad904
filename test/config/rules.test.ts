import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig, ConfigError, PRESETS, type ConfigSource } from '../../generator/config/index.ts';
import { checkRules, containerBits } from '../../generator/config/rules.ts';
import { scratch } from '../helpers/paths.ts';

/** The violations a config source produces (fails the test when it is valid or fails for another reason). */
function violationsOf(src: ConfigSource): Array<{ path: string; rule: string }> {
  try {
    resolveConfig(src);
  } catch (e) {
    if (e instanceof ConfigError) return e.violations;
    throw e;
  }
  assert.fail(`expected ${JSON.stringify(src)} to be invalid`);
}

function expectPath(src: ConfigSource, path: string, ruleWords?: RegExp): void {
  const v = violationsOf(src);
  const hit = v.find((x) => x.path === path);
  assert.ok(hit, `expected a violation at ${path}, got ${JSON.stringify(v)}`);
  if (ruleWords) assert.match(hit.rule, ruleWords);
}

// Each case starts from the tiny preset (dim 32, 2 heads, 9 tokens, 8 AXI lanes, 16x16 tile) and breaks one rule.
const CASES: Array<[string[], string, RegExp?]> = [
  [['model.heads=3'], 'model.heads', /divide dim/],
  [['model.dim=48', 'model.heads=4'], 'model.heads', /head dim .* multiple of the AXI lane count 8/],
  [['model.dim=40', 'model.heads=1'], 'model.dim', /linearTile\.in/],
  [['model.image=[3,30,64]'], 'model.image', /height/],
  [['model.image=[3,32,60]'], 'model.image', /width/],
  [['model.image=[0,32,64]'], 'model.image', /channels/],
  [['model.mlpRatio=0.1'], 'model.mlpRatio', /integer/],
  [['model.mlpRatio=2.25'], 'model.mlpRatio', /multiple of hardware\.linearTile/],
  [['model.moe.expertHidden=40'], 'model.moe.expertHidden', /multiple of hardware\.linearTile\.in/],
  [['model.moe.expertHidden=0'], 'model.moe.expertHidden', /≥ 1/],
  [['model.moe.topK=5'], 'model.moe.topK', /1\.\.experts \(4\)/],
  [['model.moe.topK=0'], 'model.moe.topK'],
  [['model.moe.experts=0', 'model.moe.topK=1'], 'model.moe.experts'],
  [['model.moe.blocks=[1,1]'], 'model.moe.blocks.1', /twice/],
  [['model.moe.blocks=[2]'], 'model.moe.blocks.0', /0\.\.depth-1/],
  [['model.tasks=[]'], 'model.tasks', /at least one/],
  [['model.tasks=["semseg","semseg"]'], 'model.tasks.1', /twice/],
  [['model.tasks=["sem seg"]'], 'model.tasks.0', /identifier/],
  [['model.depth=0', 'model.moe.blocks=[]'], 'model.depth'],
  [['model.lnEps=0'], 'model.lnEps'],
  [['model.lnEps=1e-8'], 'model.lnEps', /below one LSB of the accumulator type \(2\^-22\)/],
  [['hardware.attnParallel=10'], 'hardware.attnParallel', /≤ tokens \(9\)/],
  [['hardware.attnParallel=0'], 'hardware.attnParallel'],
  [['hardware.clockMHz=0'], 'hardware.clockMHz'],
  [['hardware.clockMHz=1200'], 'hardware.clockMHz'],
  [['hardware.axiBits=100'], 'hardware.axiBits', /one of/],
  [['precision.linearWeight.W=12'], 'hardware.axiBits', /linear weight W/],
  [['precision.pixel.W=6'], 'hardware.axiBits', /pixel W/],
  [['hardware.linearTile.in=12'], 'hardware.linearTile.in', /power of two/],
  [['hardware.linearTile.out=0'], 'hardware.linearTile.out', /power of two/],
  [['hardware.linearTile.out=4'], 'hardware.linearTile.out', /linearTile\.out \(4\) must be at least the AXI lane count 8/],
  [['hardware.linearTile.in=2'], 'hardware.linearTile.in', /linearTile\.in \(2\) must be at least the AXI lane count 8/],
  [['hardware.part=xcu280-fsvh2892-2L-e'], 'hardware.part', /xczu9eg/],
  [['hardware.platform=u50'], 'hardware.part', /xcu50/],
  [['hardware.bundles.inout3=[]'], 'hardware.bundles', /tmp3' is on no bundle/],
  [['hardware.bundles.inout3=["tmp3","x"]'], 'hardware.bundles.inout3', /already on bundle inout2/],
  [['hardware.bundles.inout3=["tmp9"]'], 'hardware.bundles.inout3', /unknown region/],
  [['precision.activation.W=65'], 'precision.activation.W', /1\.\.64/],
  [['precision.activation.W=0'], 'precision.activation.W'],
  [['precision.accumulator.W=40', 'precision.activation.W=40'], 'precision.activation.W', /at most 32/],
  [['precision.pixel.W=16'], 'precision.pixel.W', /bytes/],
  [['precision.bias.signed=false'], 'precision.bias.signed', /signed/],
  [['precision.accumulator.W=16'], 'precision.accumulator.W', /≥ activation W/],
  [['precision.accumulator.I=8'], 'precision.accumulator.I', /≥ activation I/],
  [['precision.pixel.o="AP_WRAP_SM"'], 'precision.pixel.o', /WRAP_SM/],
  [['precision.activation.n=3', 'precision.activation.o="AP_SAT"'], 'precision.activation.n', /only applies/],
  [['precision.activation.n=40'], 'precision.activation.n', /0\.\.W/],
  [['name=my model'], 'name'],
  [['hardware.weightPorts=3'], 'hardware.weightPorts', /one of 1, 2, 4 \(got 3\)/],
  [['hardware.weightPorts=4'], 'hardware.weightPorts', /weightPorts 4 needs 3 free memory ports beside the 5 bundles of hardware\.bundles, but the ZCU102 has 6 \(HP0, HP1, HP2, HP3, HPC0, HPC1\): 1 free/],
  [['hardware.weightPorts=4', 'hardware.linearTile.out=2', 'hardware.bundles={"a":["tmp1","attn","images","tmp2","x","tmp3","hidden","softmaxInfo"],"weights":["weights"]}'], 'hardware.weightPorts', /must divide hardware\.linearTile\.out \(2\)/],
  [['hardware.weightPorts=2', 'hardware.bundles.weights1=["hidden"]', 'hardware.bundles.inout4=["softmaxInfo"]'], 'hardware.bundles.weights1', /taken by the extra weight port/],
  [['hardware.weightPorts=2', 'model.dim=40', 'model.heads=5'], 'hardware.weightPorts', /model\.dim \(40\) is not a multiple of 16 weights per word/],
  // hardware.patchEmbed = 'unified': the patch matrix must tile the unit and a pixel group must lie inside one word.
  [['hardware.patchEmbed=unified', 'model.patch=4', 'hardware.linearTile.in=32'], 'hardware.patchEmbed', /C·p·p \(48\) to be a multiple of hardware\.linearTile\.in \(32\)/],
  [['hardware.patchEmbed=unified', 'model.image=[3,48,96]', 'model.patch=24'], 'hardware.patchEmbed', /min\(pixels per word, p\) = 24 pixels .* the 32 pixels per AXI word/],
  [['hardware.patchEmbed=unified', 'model.patch=4', 'precision.linearWeight.W=8', 'precision.linearWeight.I=1'], 'hardware.patchEmbed', /C·p·p \(48\) is not a multiple of 32 weights per word/],
  [['hardware.patchEmbed="shared"'], 'hardware.patchEmbed'],
  // hardware.gate = 'unified': the gate must tile the unit, its logit rows fill whole words and fit the hidden rows,
  // the routing needs enough tokens for II 1, and the logits stay exact only with a wrapping accumulator.
  [['hardware.gate=unified'], 'hardware.gate', /model\.moe\.experts \(4\) to be a multiple of hardware\.linearTile\.out \(16\)/],
  [['hardware.gate=unified', 'hardware.linearTile.out=4'], 'hardware.gate', /experts \(4\) must be a multiple of the AXI lane count 8/],
  [['hardware.gate=unified', 'hardware.axiBits=128', 'hardware.linearTile.out=4', 'precision.accumulator.o="AP_SAT"'], 'hardware.gate', /AP_WRAP \(got AP_SAT\)/],
  [['hardware.gate=unified', 'hardware.axiBits=128', 'hardware.linearTile.out=4', 'model.image=[3,32,48]'], 'hardware.gate', /at least 8 tokens .* the model has 7/],
  [['hardware.gate=unified', 'hardware.axiBits=128', 'hardware.linearTile.out=4', 'model.mlpRatio=1', 'model.moe.expertHidden=32', 'model.moe.experts=64'], 'hardware.gate', /experts \(64\) must be at most the hidden width \(32\)/],
  [['hardware.gate="shared"'], 'hardware.gate'],
  // hardware.activations = 'onchip': not with the unified patch embedding.
  [['hardware.activations=onchip', 'hardware.patchEmbed=unified'], 'hardware.activations', /activations 'onchip' with patchEmbed 'unified' is not supported/],
  [['hardware.activations="sram"'], 'hardware.activations'],
  // hardware.attention = 'fused': V goes to the hidden region, whose rows must hold DIM activations.
  [['hardware.attention=fused', 'model.mlpRatio=0.5', 'model.moe.expertHidden=16'], 'hardware.attention', /hidden region, whose rows \(max of .* = 16\) must hold model\.dim \(32\)/],
  [['hardware.attention="both"'], 'hardware.attention'],
  [['hardware.attention=fused', 'hardware.bundles={"inout1":["tmp1","attn","images","tmp2","x"],"inout3":["tmp3","hidden","softmaxInfo"],"weights":["weights"]}'], 'hardware.attention', /reads K \(tmp3\) and V \(hidden\) concurrently: put them on different bundles .* \(both are on inout3\)/],
  // Schema errors come out as paths too.
  [['model.heads="two"'], 'model.heads'],
  [['precision.activation.q="AP_FLOOR"'], 'precision.activation.q'],
  [['hardware.platform="vck190"'], 'hardware.platform'],
  [['model.foo=1'], 'model.foo', /unknown field 'foo'/],
  [['hardware.linearTile.x=1'], 'hardware.linearTile.x', /unknown field/],
];

describe('config/rules', () => {
  it('accepts every preset', () => {
    for (const name of Object.keys(PRESETS)) assert.deepEqual(checkRules(PRESETS[name]!.config()), [], name);
  });

  it("activations 'onchip': a bundle of on-chip regions only takes no memory port, so Edge-MoE's bundles leave three for weights", () => {
    assert.doesNotThrow(() => resolveConfig({ sets: ['hardware.weightPorts=4', 'hardware.activations=onchip'] }));
    assert.equal(violationsOf({ sets: ['hardware.weightPorts=4'] })[0]?.path, 'hardware.weightPorts');
  });

  for (const [sets, path, words] of CASES) {
    it(`rejects ${sets.join(' ')} at ${path}`, () => expectPath({ preset: 'tiny', sets }, path, words));
  }

  it('collects every violation instead of stopping at the first', () => {
    const v = violationsOf({ preset: 'tiny', sets: ['model.heads=3', 'model.moe.topK=9', 'hardware.clockMHz=-1', 'precision.pixel.W=9'] });
    const paths = v.map((x) => x.path);
    for (const p of ['model.heads', 'model.moe.topK', 'hardware.clockMHz', 'precision.pixel.W']) assert.ok(paths.includes(p), `${p} in ${paths}`);
  });

  it('names the path in the error message', () => {
    assert.throws(() => resolveConfig({ preset: 'tiny', sets: ['model.moe.topK=7'] }), /model\.moe\.topK: topK must be in 1\.\.experts \(4\)/);
  });

  it('reports violations of a file that extends a preset, and of a file extending that file', () => {
    const dir = scratch();
    const a = join(dir, 'a.json');
    const b = join(dir, 'sub-b.json');
    writeFileSync(a, JSON.stringify({ extends: 'tiny', name: 'a', model: { heads: 4 } }));
    writeFileSync(b, JSON.stringify({ extends: './a.json', name: 'b', hardware: { attnParallel: 64 } }));
    // heads 4 is fine for dim 32 except the head dim 8 is still a lane multiple: a.json alone is valid.
    assert.equal(resolveConfig({ file: a }).model.heads, 4);
    const v = violationsOf({ file: b });
    assert.deepEqual(v.map((x) => x.path), ['hardware.attnParallel']);
    const c = join(dir, 'c.json');
    writeFileSync(c, JSON.stringify({ extends: './sub-b.json', model: { heads: 5 } }));
    const paths = violationsOf({ file: c }).map((x) => x.path);
    assert.deepEqual(paths.sort(), ['hardware.attnParallel', 'model.heads']);
  });

  it('names every missing field of a file without "extends"', () => {
    const dir = scratch();
    const f = join(dir, 'partial.json');
    const full = PRESETS.tiny!.config();
    const { heads: _h, ...model } = full.model;
    writeFileSync(f, JSON.stringify({ ...full, model, hardware: { ...full.hardware, clockMHz: undefined } }));
    const v = violationsOf({ file: f });
    assert.deepEqual(v.map((x) => x.path).sort(), ['hardware.clockMHz', 'model.heads']);
    assert.ok(v.every((x) => /required field is missing/.test(x.rule)), JSON.stringify(v));
  });

  it('rejects an unknown preset, a bad JSON file and an "extends" cycle with UserErrors naming them', () => {
    const dir = scratch();
    assert.throws(() => resolveConfig({ preset: 'huge' }), /unknown preset 'huge'/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "name": "x", ');
    assert.throws(() => resolveConfig({ file: bad }), /bad\.json is not valid JSON/);
    const ext = join(dir, 'ext.json');
    writeFileSync(ext, JSON.stringify({ extends: 'no-such-preset' }));
    assert.throws(() => resolveConfig({ file: ext }), /"extends": "no-such-preset" is neither a preset \(.*\) nor a readable config file \(.*no-such-preset: no such file\)/);
    const x = join(dir, 'x.json');
    const y = join(dir, 'y.json');
    writeFileSync(x, JSON.stringify({ extends: './y.json' }));
    writeFileSync(y, JSON.stringify({ extends: './x.json' }));
    assert.throws(() => resolveConfig({ file: x }), /"extends" cycle/);
  });

  it('maps stored widths to 8/16/32-bit containers', () => {
    assert.deepEqual([1, 8, 9, 16, 17, 32, 33].map(containerBits), [8, 8, 16, 16, 32, 32, 0]);
  });
});
