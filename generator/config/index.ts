export * from './schema.ts';
export { PRESETS, DEFAULT_PRESET } from './presets.ts';
export { resolveConfig, validateConfig, ConfigError, parseSet, deepMerge, type ConfigSource } from './load.ts';
export { checkRules, type Violation } from './rules.ts';
