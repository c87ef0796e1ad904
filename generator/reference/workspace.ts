// Scratch arrays of the reference forward, reused from block to block and from one forward to the next.
//
// A forward allocates ~50 MB of Float64Arrays for ViT-T (~400 arrays); fresh ones each time are external memory that
// makes V8 run a full mark-compact about every forward. Reused, a process allocates about one block's worth per
// forward running at once. The values are the same: every array taken is written in full before it is read (or is
// taken zeroed).

/** Hands out Float64Arrays and takes back, at the end of each block, those the next block does not need. */
export class Workspace {
  /** Free buffers by capacity (a power of two: an expert's rows vary from block to block). */
  private readonly free = new Map<number, Float64Array[]>();
  /** What was handed out (a view of n values) and the buffer behind it. */
  private inUse: Array<{ view: Float64Array; buf: Float64Array }> = [];

  /** `reuse` false: every take is a new array and nothing is taken back (a trace keeps what it is given). */
  constructor(readonly reuses: boolean) {}

  /** An array of n values: its contents are left over from an earlier use unless `zero`. */
  take(n: number, zero = false): Float64Array {
    if (!this.reuses) return new Float64Array(n);
    const cap = n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n));
    const buf = this.free.get(cap)?.pop() ?? new Float64Array(cap);
    const view = cap === n ? buf : buf.subarray(0, n);
    if (zero) view.fill(0);
    this.inUse.push({ view, buf });
    return view;
  }

  /** Every array taken and not yet given back is free again, except those in `keep` (they stay taken). */
  recycle(keep: readonly Float64Array[]): void {
    if (!this.reuses) return;
    const kept = this.inUse.filter((u) => keep.includes(u.view));
    for (const u of this.inUse) {
      if (kept.includes(u)) continue;
      let list = this.free.get(u.buf.length);
      if (!list) this.free.set(u.buf.length, (list = []));
      list.push(u.buf);
    }
    this.inUse = kept;
  }
}

/** Idle workspaces: one per forward that ran at once (two csim lanes interleave theirs), at most IDLE_MAX kept. */
const idle: Workspace[] = [];
const IDLE_MAX = 2;

/** A reusing workspace for one forward: give it back with releaseWorkspace when the forward ends. */
export function acquireWorkspace(): Workspace {
  return idle.pop() ?? new Workspace(true);
}

/** Ends a forward's use of `ws`: its arrays are free for the next forward (none of them may be used after this). */
export function releaseWorkspace(ws: Workspace): void {
  if (!ws.reuses) return;
  ws.recycle([]);
  if (idle.length < IDLE_MAX) idle.push(ws);
}
