// A worker process of the run pool (host/pool/pool.ts): loads host/pool/lane.ts (bundled from its sources and cached as
// the CLI is, bin/bundle-cache.js, or through tsx), then serves openLane / runLane calls. A process, not a thread: each
// worker dlopens its own copy of the csim bridge's static state.
import workerpool from 'workerpool';
import { bundledModule } from '../../bin/bundle-cache.js';

const { openLane, runLane } = await import(await bundledModule('host/pool/lane.ts'));
workerpool.worker({ openLane, runLane });
