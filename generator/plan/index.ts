// The plan (typed IR) of a design: build it once from a validated config, read it everywhere.
export * from './types.ts';
export { buildPlan, KERNEL_NAME, patchIndexBits, type PlanOptions } from './build.ts';
export { planToManifest, kernelArgs, WEIGHTS_FILE } from './manifest.ts';
export { OPS_PER_BLOCK, OP_PATCH_EMBED, STEP, blockOpId } from './schedule.ts';
export { TYPE_NAMES, DEFAULT_MAX_IMAGES } from './sizes.ts';
export { REGION_ALIGN, attnStepWords, softmaxInfoWords } from './dram.ts';
export { KERNEL_HEADERS, KERNEL_CPP, PARAMS_H } from './sources.ts';
