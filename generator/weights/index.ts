export { readSafetensors, readSafetensorsFile, writeSafetensors, parseSafetensors, encodeSafetensors, type SafetensorsMetadata } from './safetensors.ts';
export { expectedTensors, isExpertTensor } from './expected.ts';
export { randomWeights, initRule, MAX_SEED } from './random.ts';
export { checkWeights, weightProblems } from './check.ts';
export { loadWeights, type LoadedWeights } from './load.ts';
export { loadPth } from './checkpoint.ts';
export { loadSharded } from './sharded.ts';
