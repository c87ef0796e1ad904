// Loaded by mocha before any test (.mocharc.json "require"): what every test process shares.
import { join } from 'node:path';
import { ROOT } from './paths.ts';

// One csim build cache for every design the tests generate (and the CLIs they spawn, which inherit it): the many
// identical tiny designs compile once per content, and a re-run compiles nothing. Like test/kernel's drivers, it lives
// in the project's .cache/ (gitignored; `make clean` removes it; entries unused for two weeks are pruned). Tests of the
// per-design cache itself set it to '' (off).
process.env.EDGEMOE_CSIM_CACHE ??= join(ROOT, '.cache', 'csim');
