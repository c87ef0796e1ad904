export { runReference, type ReferenceResult } from './model.ts';
export { compareArrays, type Comparison } from './compare.ts';
export { erf, erfc, gelu } from './erf.ts';
