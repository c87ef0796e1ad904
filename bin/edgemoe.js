#!/usr/bin/env node
// Entry point: loads the TypeScript CLI through tsx, so the sources are the only build (never a stale dist/).
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
