// A worker process of the run pool (host/pool/pool.ts): loads the TypeScript sources through tsx, then serves
// openLane / runLane calls (host/pool/lane.ts). A process, not a thread: each worker dlopens its own copy of the csim
// bridge's static state.
import { register } from 'tsx/esm/api';
import workerpool from 'workerpool';

register();
const { openLane, runLane } = await import('./lane.ts');
workerpool.worker({ openLane, runLane });
