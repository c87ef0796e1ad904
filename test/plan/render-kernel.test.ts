// renderKernelSources: deterministic params.h / kernel.cpp from the plan, constants that match the plan, and a
// kernel.cpp that g++ accepts against templates/csim-include for configs off the default path.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { buildPlan, KERNEL_HEADERS, recurrenceII } from '../../generator/plan/index.ts';
import { renderKernelSources } from '../../generator/plan/render-kernel.ts';
import { ROOT, scratch } from '../helpers/paths.ts';

const constant = (src: string, name: string): string => {
  const m = new RegExp(`static const (?:int|long long) ${name.replace(/[[\]]/g, '\\$&')} = ([^;]+);`).exec(src);
  assert.ok(m, `params.h has no ${name}`);
  return m[1]!.trim();
};

describe('plan: renderKernelSources', function () {
  this.timeout(120_000);

  it('renders params.h, kernel.cpp and every library header, byte-identical across runs', () => {
    const plan = buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes' }));
    const a = renderKernelSources(plan);
    const b = renderKernelSources(buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes' })));
    assert.deepEqual([...a.keys()].sort(), ['src/kernel.cpp', 'src/params.h', ...KERNEL_HEADERS.map((h) => `src/${h}`)].sort());
    for (const [k, v] of a) assert.equal(b.get(k), v, k);
  });

  it('every pipelined loop of every config declares an II its carried dependences allow; params.h carries the raised ones', () => {
    const cases: Array<[string, string[]]> = [['m3vit-t-cityscapes', []], ['m3vit-t-cityscapes', ['hardware.attnParallel=8']], ['tiny', []], ['tiny', ['hardware.axiBits=512']]];
    for (const [preset, sets] of cases) {
      const plan = buildPlan(resolveConfig({ preset, sets }));
      for (const l of plan.loops) if (l.ii !== null) assert.ok(l.ii >= recurrenceII(l), `${preset} ${sets.join(' ')}: ${l.label} II ${l.ii} < ${recurrenceII(l)}`);
      const h = renderKernelSources(plan).get('src/params.h')!;
      const ii = (label: string) => String(plan.loops.find((l) => l.label === label)!.ii);
      for (const [name, label] of [['LIN_TILES_II', 'lin_tiles'], ['ATTN_AV_II', 'av_blocks'], ['PE_MAC_II', 'pe_macs'], ['ATTN_FIN_II', 'qk_fin_slots']]) assert.equal(constant(h, name!), ii(label!), `${preset}: ${name}`);
    }
    // tiny: D 32 over a 16-wide tile is 2 input tiles, so the row cache's 3-cycle update comes back after 2: II 2;
    // at 512-bit AXI (16 lanes) D 32 is 2 feature blocks, so softmax·V's accumulator does the same.
    const tiny = buildPlan(resolveConfig({ preset: 'tiny' })).loops;
    assert.equal(tiny.find((l) => l.label === 'lin_tiles')!.ii, 2);
    assert.equal(tiny.find((l) => l.label === 'av_blocks')!.ii, 1);
    assert.equal(buildPlan(resolveConfig({ preset: 'tiny', sets: ['hardware.axiBits=512'] })).loops.find((l) => l.label === 'av_blocks')!.ii, 2);
    const dflt = buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes' })).loops;
    assert.deepEqual(['lin_tiles', 'av_blocks', 'pe_macs'].map((x) => dflt.find((l) => l.label === x)!.ii), [1, 1, 1]);
  });

  it('writes the plan into params.h: types, sizes, region and weight offsets, op ids', () => {
    const plan = buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes' }));
    const h = renderKernelSources(plan).get('src/params.h')!;
    assert.match(h, /typedef ap_fixed<32,10> act_t;/);
    assert.match(h, /typedef ap_fixed<16,2> wlin_t;/);
    assert.match(h, /typedef ap_ufixed<8,0> pixel_t;/);
    assert.match(h, /typedef ap_uint<256> word_t;/);
    assert.equal(constant(h, 'TOKENS'), '129');
    assert.equal(constant(h, 'ACT_LANES'), '8');
    assert.equal(constant(h, 'LIN_WBUF_TILES'), '576');
    assert.equal(constant(h, 'Q_BLOCKS'), '33');
    assert.equal(constant(h, 'REG_X_WORD'), String(plan.regions.x.wordOffset));
    assert.equal(constant(h, 'REG_ATTN_WORDS'), String(272_448 / 32));
    const q5 = plan.weights.find((w) => w.name === 'blocks.5.attn.q.weight')!;
    const table = constant(h, 'WO_ATTN_Q_WEIGHT[DEPTH]').replace(/[{}\s]/g, '').split(',');
    assert.equal(table[5], String(q5.wordOffset));
    const fc1 = constant(h, 'WO_MLP_FC1_WEIGHT[DEPTH]').replace(/[{}\s]/g, '').split(',');
    assert.equal(fc1[1], '-1'); // block 1 is MoE
    const gate = plan.weights.find((w) => w.name === 'blocks.3.mlp.gate.1.w_gate')!;
    assert.match(h, new RegExp(`WO_GATE\\[DEPTH\\]\\[TASKS\\] = \\{ [^;]*\\b${gate.wordOffset}\\b`));
    assert.equal(constant(h, 'OPS_PER_BLOCK'), String(plan.opsPerBlock));
    assert.equal(constant(h, 'NUM_OPS'), String(plan.ops.length));
    assert.equal(constant(h, 'ATTN_SCALE_RAW'), String(2 ** 22 / 8));
    assert.doesNotMatch(h, /\bfloat\b|\bdouble\b/);
  });

  it('the top function has one m_axi bundle per config bundle and the four scalars, in manifest order', () => {
    const plan = buildPlan(resolveConfig({ preset: 'tiny' }));
    const k = renderKernelSources(plan).get('src/kernel.cpp')!;
    assert.match(k, /extern "C" void edgemoe_top\(word_t \*inout1, word_t \*inout2, word_t \*inout3, word_t \*inout4, word_t \*weights, int num_images, int task_id, int reload, int debug_stop\)/);
    for (const b of plan.bundles) assert.match(k, new RegExp(`m_axi port = ${b.name} bundle = ${b.name} offset = slave`));
    assert.match(k, /allocation function instances = linear_unit_step limit = 1/);
  });

  for (const [what, preset, sets] of [
    ['tiny, cls as a token, MoE in every block, 3 bundles', 'tiny', ['model.cls=token', 'model.moe.blocks=[0,1]', 'hardware.bundles={"a":["tmp1","attn","images","x"],"b":["tmp2","tmp3","hidden"],"w":["softmaxInfo","weights"]}']],
    ['tiny with a 48-bit accumulator and top-1 routing', 'tiny', ['precision.accumulator.W=48', 'precision.accumulator.I=16', 'model.moe.topK=1']],
  ] as const) {
    it(`kernel.cpp compiles with g++ against csim-include: ${what}`, async () => {
      const plan = buildPlan(resolveConfig({ preset, sets: [...sets] }));
      const dir = scratch();
      mkdirSync(join(dir, 'src'));
      for (const [k, v] of renderKernelSources(plan)) writeFileSync(join(dir, k), v);
      await execa('g++', ['-std=c++14', '-fsyntax-only', '-Wno-unknown-pragmas', '-w', `-I${join(ROOT, 'templates', 'csim-include')}`, `-I${join(dir, 'src')}`, join(dir, 'src', 'kernel.cpp')]);
    });
  }
});
