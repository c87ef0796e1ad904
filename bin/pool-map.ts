// Several images of one command on worker processes (host/pool/map.ts, loaded only when a command uses it): the
// generator's commands take this as their image map, so the generator itself never imports the host.
export const poolMap =
  (module: string, fn: string) =>
  async <A, R>(list: A[], workers: number, onResult?: (i: number, r: R) => void): Promise<R[]> => {
    const { mapJobs } = await import('../host/pool/map.ts');
    const url = new URL(module, import.meta.url).href;
    return mapJobs<R>(list.map((arg) => ({ module: url, fn, arg })), workers, onResult);
  };
