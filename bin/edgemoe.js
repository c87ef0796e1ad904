#!/usr/bin/env node
// Entry point. The CLI runs from its TypeScript sources, never from a stale build: as one module bundled from them and
// cached while they are unchanged (bin/bundle-cache.js), or through tsx (EDGEMOE_NO_BUNDLE=1, or when no bundle can be
// written).
import { bundledModule } from './bundle-cache.js';

await import(await bundledModule('bin/cli.ts'));
