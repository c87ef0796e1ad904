// The plan (typed IR) of a design: build it once from a validated config, read it everywhere.
//
//   const plan = buildPlan(config, { maxImages: 4 });   // deterministic; throws UserError on bad options
//   planToManifest(plan, configHash)                     // design.json (generator/manifest.ts)
//   renderKernelSources(plan)                            // src/params.h, src/kernel.cpp, src/<library headers>
//                                                        //   (generator/plan/render-kernel.ts)
// Invariants the kernel, testbench, packer and estimator rely on:
//   - op ids: 1 = patch embed, block i step k (1..OPS_PER_BLOCK) = 1 + i·OPS_PER_BLOCK + k; the id is the
//     debug_stop value, the EDGEMOE_OP_BEGIN counter and the trace-hook id; op 0 counts the one-time load;
//   - regions sit at 4096-aligned byte offsets inside their bundle (config order); packed weights are
//     word-aligned inside the weights region, in plan.weights order;
//   - plan.ops[].trips = EDGEMOE_TICK calls per image (moe_experts: with the planning routing, every expert
//     active; the real count follows generator/kernels/moe.ts moeExpertsTrips for the actual queue lengths).
export * from './types.ts';
export { buildPlan, KERNEL_NAME, patchIndexBits, type PlanOptions } from './build.ts';
export { planToManifest, kernelArgs, WEIGHTS_FILE } from './manifest.ts';
export { OPS_PER_BLOCK, OP_PATCH_EMBED, STEP, blockOpId } from './schedule.ts';
export { TYPE_NAMES, DEFAULT_MAX_IMAGES } from './sizes.ts';
export { REGION_ALIGN, attnStepWords, softmaxInfoWords } from './dram.ts';
export { KERNEL_HEADERS, KERNEL_CPP, PARAMS_H } from './sources.ts';
export { routeLayout, type RouteLayout } from './route.ts';
export { loaderShiftBits, planBanks, planLoops, planSharedPairs, type PlanSharedPair, recurrenceII, unitProducts, RMW_LATENCY, SOFTMAX_RESCALE_LATENCY, type PlanLoop, type PlanProduct, type PlanCarried, type PlanShifter, type ShiftClass, type AxiKind } from './loops.ts';
