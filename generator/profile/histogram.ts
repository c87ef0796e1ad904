// A mergeable summary of many values: exact min / max / counts and a log2 histogram of |v| for percentiles.

/** Bins per octave of the |v| histogram and its lowest octave (values below 2^LOW_OCTAVE fall in bin 0). */
const PER_OCTAVE = 8;
const LOW_OCTAVE = -40;
const OCTAVES = 64;
const BINS = PER_OCTAVE * OCTAVES;

/** ValueStats as JSON: the histogram as [bin, count] pairs of its non-empty bins. */
export interface ValueStatsJson {
  n: number;
  zeros: number;
  min: number | null;
  max: number | null;
  sum: number;
  sumSq: number;
  hist: Array<[number, number]>;
}

/** Running statistics of a stream of values. */
export class ValueStats {
  n = 0;
  zeros = 0;
  min = Infinity;
  max = -Infinity;
  sum = 0;
  sumSq = 0;
  private readonly hist = new Float64Array(BINS);

  add(values: ArrayLike<number>): this {
    // Each call's sums are taken apart and then added, so stats built per image and merged in order (profile's
    // worker processes) equal those added image by image in one process, bit for bit.
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      this.n++;
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
      sum += v;
      sumSq += v * v;
      const a = Math.abs(v);
      if (a === 0) {
        this.zeros++;
        continue;
      }
      const b = Math.floor((Math.log2(a) - LOW_OCTAVE) * PER_OCTAVE);
      this.hist[b < 0 ? 0 : b >= BINS ? BINS - 1 : b]!++;
    }
    this.sum += sum;
    this.sumSq += sumSq;
    return this;
  }

  /** Adds another summary (exact; sums as one more add() call would). */
  merge(o: ValueStats): this {
    this.n += o.n;
    this.zeros += o.zeros;
    if (o.min < this.min) this.min = o.min;
    if (o.max > this.max) this.max = o.max;
    this.sum += o.sum;
    this.sumSq += o.sumSq;
    for (let b = 0; b < BINS; b++) this.hist[b]! += o.hist[b]!;
    return this;
  }

  /** JSON-safe form (for worker processes); min/max of an empty summary are null. */
  toJson(): ValueStatsJson {
    const hist: Array<[number, number]> = [];
    for (let b = 0; b < BINS; b++) if (this.hist[b]) hist.push([b, this.hist[b]!]);
    return { n: this.n, zeros: this.zeros, min: this.n ? this.min : null, max: this.n ? this.max : null, sum: this.sum, sumSq: this.sumSq, hist };
  }

  static fromJson(j: ValueStatsJson): ValueStats {
    const s = new ValueStats();
    s.n = j.n;
    s.zeros = j.zeros;
    s.min = j.min ?? Infinity;
    s.max = j.max ?? -Infinity;
    s.sum = j.sum;
    s.sumSq = j.sumSq;
    for (const [b, c] of j.hist) s.hist[b] = c;
    return s;
  }

  get maxAbs(): number {
    return this.n ? Math.max(Math.abs(this.min), Math.abs(this.max)) : 0;
  }

  get std(): number {
    if (!this.n) return 0;
    const m = this.sum / this.n;
    return Math.sqrt(Math.max(0, this.sumSq / this.n - m * m));
  }

  get rms(): number {
    return this.n ? Math.sqrt(this.sumSq / this.n) : 0;
  }

  /** The q-quantile (0..1) of |v| from the histogram (upper edge of its bin, capped at the exact max |v|). */
  absQuantile(q: number): number {
    const target = q * this.n;
    let seen = this.zeros;
    if (seen >= target) return 0;
    for (let b = 0; b < BINS; b++) {
      seen += this.hist[b]!;
      if (seen >= target) return Math.min(this.maxAbs, 2 ** (LOW_OCTAVE + (b + 1) / PER_OCTAVE));
    }
    return this.maxAbs;
  }
}

/** Integer bits a signed fixed-point type needs so that ±maxAbs fits: the smallest I with 2^(I−1) ≥ maxAbs. */
export function neededIntBits(maxAbs: number): number {
  if (!(maxAbs > 0)) return 1;
  return Math.ceil(Math.log2(maxAbs)) + 1;
}
