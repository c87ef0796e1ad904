// ROM contents of templates/kernel/fixed_math.h (exp, reciprocal, rsqrt), as raw integers of their table types.
// The header carries these tables verbatim; test/kernel/fixed-math.test.ts regenerates them and compares.

/** Fraction bits of the 2^-f table (entries are ap_ufixed<31,1>: 2^-(i/256) in [0.5, 1]). */
export const EXP2_TABLE_FRAC = 30;
/** Fraction bits of the reciprocal and rsqrt seed tables (entries are ap_ufixed<27,0>, values in (0.5, 1)). */
export const SEED_TABLE_FRAC = 27;
/** Entries in each table (8-bit index). */
export const TABLE_SIZE = 256;

/** 2^-(i/256) rounded to EXP2_TABLE_FRAC fraction bits, i = 0..255. */
export function exp2FracTable(): number[] {
  const out: number[] = [];
  for (let i = 0; i < TABLE_SIZE; i++) out.push(Math.round(2 ** (EXP2_TABLE_FRAC - i / TABLE_SIZE)));
  return out;
}

/** 1/m at the midpoint m = 1 + (i + 0.5)/256 of each mantissa interval, rounded to SEED_TABLE_FRAC bits (exact integer rounding). */
export function recipSeedTable(): number[] {
  // 1/(1 + (i+0.5)/256) = 512/(513 + 2i); raw = round(2^27 * 512 / (513 + 2i)) = round(2^36 / (513 + 2i)).
  const num = 1n << BigInt(SEED_TABLE_FRAC + 9);
  const out: number[] = [];
  for (let i = 0; i < TABLE_SIZE; i++) {
    const d = BigInt(513 + 2 * i);
    out.push(Number((2n * num + d) / (2n * d)));
  }
  return out;
}

/**
 * 1/sqrt(m) at interval midpoints, rounded to SEED_TABLE_FRAC bits. Entries 0..127: m = 1 + (i + 0.5)/128 in [1, 2)
 * (even exponent); entries 128..255: m = 2·(1 + (i + 0.5)/128) in [2, 4) (odd exponent folded into the mantissa).
 */
export function rsqrtSeedTable(): number[] {
  const out: number[] = [];
  for (let i = 0; i < TABLE_SIZE; i++) {
    const m = (i < 128 ? 1 : 2) * (1 + ((i % 128) + 0.5) / 128);
    out.push(Math.round(2 ** SEED_TABLE_FRAC / Math.sqrt(m)));
  }
  return out;
}

/** C++ initialiser text for a table: `{` + rows of `perLine` decimal integers + `}`, deterministic. */
export function cppTableBody(values: number[], perLine = 8): string {
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += perLine) lines.push('    ' + values.slice(i, i + perLine).join(', ') + ',');
  return '{\n' + lines.join('\n') + '\n}';
}
