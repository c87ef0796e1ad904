// The plan's per-op trip counts (generator/kernels/*.ts formulas, composed by the schedule) equal the EDGEMOE_TICK
// counts of the whole generated kernel, op by op, for the tiny design run on arbitrary (seeded) DRAM contents.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { moeExpertsTrips } from '../../generator/kernels/moe.ts';
import { blockOpId, buildPlan, STEP, type Plan } from '../../generator/plan/index.ts';
import { renderKernelSources } from '../../generator/plan/render-kernel.ts';
import { ROOT, scratch } from '../helpers/paths.ts';

/** A main() that fills every bundle with seeded bits, runs the top once (reload, 1 image) and prints the counters. */
function mainCpp(plan: Plan): string {
  const wb = plan.sizes.axiBits / 8;
  const bundles = plan.bundles.map((b) => ({ name: b.name, words: b.bytes / wb }));
  return `#include "kernel.cpp"
#include <cstdio>
#include <vector>
#include <cstdlib>
int main(int argc, char **argv) {
  const int num_images = argc > 1 ? std::atoi(argv[1]) : 1;
  const int debug_stop = argc > 2 ? std::atoi(argv[2]) : 0;
  unsigned long long s = 12345;
  auto fill = [&](std::vector<word_t> &v) {
    for (auto &w : v)
      for (int c = 0; c < AXI_BITS / 32; c++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        w.range(c * 32 + 31, c * 32) = ap_uint<32>((unsigned)(s >> 33));
      }
  };
${bundles.map((b) => `  std::vector<word_t> ${b.name}(${b.words});\n  fill(${b.name});`).join('\n')}
  ${plan.kernelName}(${bundles.map((b) => `${b.name}.data()`).join(', ')}, num_images, 0, 1, debug_stop);
  edgemoe_count::report(stdout);
  for (int e = 0; e < EXPERTS; e++) std::printf("queue %d %d\\n", e, edgemoe_count::queue_lens()[e]);
  return 0;
}
`;
}

/** Runs the tiny main with (num_images, debug_stop); returns the per-op tick counts and the last queue lengths. */
/** An op's trips as the plan says; the MoE experts' from the queue lengths the run printed. */
function expectedTrips(plan: Plan, op: Plan['ops'][number], lens: number[]): number {
  const s = plan.sizes;
  if (op.kind !== 'moe_experts') return op.trips;
  return moeExpertsTrips(
    { tokens: s.tokens, dim: s.dim, experts: s.experts, topK: s.topK, expertHidden: s.expertHidden, actLanes: s.actLanes, tileIn: s.tileIn, tileOut: s.tileOut, wLanes: plan.types.linearWeight.lanes, bLanes: plan.types.bias.lanes },
    lens,
  );
}

/** Compiles the plan's kernel with the cycle counter and the driver above; returns the executable. */
async function buildCounter(plan: Plan): Promise<string> {
  const dir = scratch();
  mkdirSync(join(dir, 'src'));
  for (const [k, v] of renderKernelSources(plan)) writeFileSync(join(dir, k), v);
  writeFileSync(join(dir, 'src', 'main.cpp'), mainCpp(plan));
  const exe = join(dir, 'main');
  await execa('g++', ['-std=c++14', '-O1', '-w', '-DEDGEMOE_COUNT_CYCLES', `-I${join(ROOT, 'templates', 'csim-include')}`, `-I${join(dir, 'src')}`, '-o', exe, join(dir, 'src', 'main.cpp')]);
  return exe;
}

async function run(exe: string, numImages: number, debugStop: number): Promise<{ counts: Map<number, number>; lens: number[] }> {
  const { stdout } = await execa(exe, [String(numImages), String(debugStop)]);
  const counts = new Map<number, number>();
  const lens: number[] = [];
  for (const line of stdout.split('\n')) {
    const c = /^cycles (\d+) (\d+)$/.exec(line);
    if (c) counts.set(Number(c[1]), Number(c[2]));
    const qm = /^queue (\d+) (\d+)$/.exec(line);
    if (qm) lens[Number(qm[1])] = Number(qm[2]);
  }
  return { counts, lens };
}

describe('plan: trip counts of the whole schedule', function () {
  this.timeout(180_000);
  const plan = buildPlan(resolveConfig({ preset: 'tiny' }));
  let exe: string;
  before(async () => {
    exe = await buildCounter(plan);
  });

  it('tiny: every op (and the one-time load, op 0) ticks exactly as the plan says', async () => {
    const { counts, lens } = await run(exe, 1, 0);
    assert.equal(counts.get(0), plan.reloadTrips, 'one-time load');
    const s = plan.sizes;
    // The only MoE block of tiny is the last, so the queue lengths printed after the run are its own.
    for (const op of plan.ops) assert.equal(counts.get(op.id) ?? 0, expectedTrips(plan, op, lens), `op ${op.id} ${op.name}`);
    assert.equal(lens.reduce((a, b) => a + b, 0), s.tokens * s.topK);
    assert.equal(counts.size, plan.ops.length + 1);
  });

  it('debug_stop ends the call right after that op; later ops never start', async () => {
    const stop = plan.ops.find((o) => o.name === 'block1.qk_softmax')!;
    const { counts } = await run(exe, 1, stop.id);
    for (const op of plan.ops) assert.equal(counts.get(op.id) ?? 0, op.id <= stop.id ? op.trips : 0, `op ${op.id} ${op.name}`);
  });

  it('num_images = 2 runs every per-image op twice and the one-time load once', async () => {
    const one = await run(exe, 1, 0);
    const two = await run(exe, 2, 0);
    assert.equal(two.counts.get(0), one.counts.get(0));
    for (const op of plan.ops.filter((o) => o.kind !== 'moe_experts')) assert.equal(two.counts.get(op.id), 2 * op.trips, op.name);
  });
});

describe("plan: trip counts with fused attention (hardware.attention = 'fused')", function () {
  this.timeout(180_000);
  const plan = buildPlan(resolveConfig({ preset: 'tiny', sets: ['hardware.attention=fused'] }));
  let exe: string;
  before(async () => {
    exe = await buildCounter(plan);
  });

  it('tiny: every non-MoE op ticks as the plan says; one attention op per block at step attnV, none at step qk', async () => {
    const { counts } = await run(exe, 1, 0);
    for (const op of plan.ops.filter((o) => o.kind !== 'moe_experts')) assert.equal(counts.get(op.id) ?? 0, op.trips, `op ${op.id} ${op.name}`);
    assert.equal(counts.size, plan.ops.length + 1);
    for (let b = 0; b < plan.sizes.depth; b++) {
      const ops = plan.ops.filter((o) => o.block === b);
      assert.deepEqual(ops.slice(1, 5).map((o) => [o.step, o.name, o.output]), [[STEP.q, `block${b}.q`, 'tmp2'], [STEP.k, `block${b}.k`, 'tmp3'], [STEP.v, `block${b}.v`, 'hidden'], [STEP.attnV, `block${b}.attn_ctx`, 'tmp1']]);
      assert.equal(counts.get(blockOpId(b, STEP.qk)), undefined);
    }
  });

  it('debug_stop after V ends before the attention; after the attention, before proj', async () => {
    for (const name of ['block1.v', 'block1.attn_ctx']) {
      const stop = plan.ops.find((o) => o.name === name)!;
      const { counts } = await run(exe, 1, stop.id);
      for (const op of plan.ops.filter((o) => o.kind !== 'moe_experts')) assert.equal(counts.get(op.id) ?? 0, op.id <= stop.id ? op.trips : 0, `stop ${name}: op ${op.id} ${op.name}`);
    }
  });
});

describe("plan: trip counts with the MoE gate on the unified unit (hardware.gate = 'unified')", function () {
  this.timeout(180_000);
  it('tiny at 128-bit AXI, tile 16×4, seeded DRAM bits: every op ticks as the plan says (the gate op: bias, logits, routing)', async () => {
    const plan = buildPlan(resolveConfig({ preset: 'tiny', sets: ['hardware.gate=unified', 'hardware.axiBits=128', 'hardware.linearTile.out=4'] }));
    const { counts, lens } = await run(await buildCounter(plan), 1, 0);
    const s = plan.sizes;
    for (const op of plan.ops) assert.equal(counts.get(op.id) ?? 0, expectedTrips(plan, op, lens), `op ${op.id} ${op.name}`);
    assert.equal(lens.reduce((a, b) => a + b, 0), s.tokens * s.topK, 'every token queued for top-k distinct experts');
  });
});
