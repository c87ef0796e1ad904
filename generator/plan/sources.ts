// The kernel library headers a design copies from templates/kernel/ into src/, and the generated file names.

/** Headers of templates/kernel/ every design's src/ gets (the kernel library). */
export const KERNEL_HEADERS = [
  'count_cycles.h',
  'trace_hook.h',
  'fixed_math.h',
  'gelu_approx.h',
  'single_pass_softmax.h',
  'reordered_attention.h',
  'layernorm.h',
  'residual_add.h',
  'unified_linear.h',
  'patch_reordering.h',
  'patch_embed.h',
] as const;

/** Generated kernel sources, relative to the design dir. */
export const KERNEL_CPP = 'src/kernel.cpp';
export const PARAMS_H = 'src/params.h';
