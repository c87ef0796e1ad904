// Several images of one command on worker processes (host/pool/map.ts, loaded only when a command uses it): the
// generator's commands take this as their image map, so the generator itself never imports the host.
// `local`: how many of the lanes run in this process (host/pool/map.ts mapJobs), default 1.
export type PoolMap = (<A, R>(list: A[], workers: number, onResult?: (i: number, r: R) => void, local?: number) => Promise<R[]>) & {
  /** Starts the workers of the map to come now (call it only when the map will run, or the process will exit). */
  warm: (workers: number, local?: number) => Promise<void>;
};

/**
 * The map of `fn` exported by `module` (relative to this file): worker processes load the module's source;
 * `loadHere` gives this process's own copy of it (an import with a literal specifier, so the bundled CLI has it).
 */
export const poolMap = (module: string, fn: string, loadHere: () => Promise<object>): PoolMap => {
  const url = new URL(module, import.meta.url).href;
  const map = async <A, R>(list: A[], workers: number, onResult?: (i: number, r: R) => void, local?: number): Promise<R[]> => {
    const { mapJobs } = await import('../host/pool/map.ts');
    return mapJobs<R>(list.map((arg) => ({ module: url, fn, arg })), workers, onResult, { local, importHere: () => loadHere() as Promise<Record<string, unknown>> });
  };
  const warm = async (workers: number, local?: number) => (await import('../host/pool/map.ts')).warmJobWorkers([url], workers, local);
  return Object.assign(map, { warm });
};
