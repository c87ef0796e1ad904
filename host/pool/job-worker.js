// A worker process of host/pool/map.ts: loads the TypeScript sources through tsx, then runs jobs (an exported
// function of a module, called with one JSON argument). It installs the CLI's interrupt handlers, so SIGINT/SIGTERM
// (or its parent going away) remove its temp files and end its testbench process groups before it exits.
import { register } from 'tsx/esm/api';
import workerpool from 'workerpool';

register();
const { installInterruptHandlers, runInterruptCleanups } = await import('../../generator/interrupt.ts');
installInterruptHandlers();
// The parent ending first disconnects this worker, which exits at once: clean up then too.
process.on('exit', runInterruptCleanups);

/** Loads a job module ahead of its jobs (host/pool/map.ts asks each worker first thing). */
async function load(module) {
  workerpool.workerEmit({ pid: process.pid });
  await import(module);
}

async function call(module, fn, arg) {
  workerpool.workerEmit({ pid: process.pid });
  const m = await import(module);
  if (typeof m[fn] !== 'function') throw new Error(`pool job: ${module} exports no function ${fn}`);
  return m[fn](arg);
}
workerpool.worker({ load, call });
