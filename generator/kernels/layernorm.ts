// Cycle count and constants of templates/kernel/layernorm.h.
import { UserError } from '../errors.ts';

/** Container bits of a packed weight element of `bits` bits (8, 16 or 32; kernel contract). */
export function containerBits(bits: number): number {
  return bits <= 8 ? 8 : bits <= 16 ? 16 : 32;
}

/**
 * EDGEMOE_TICK count of one layernorm call: loading gamma and beta (one word per cycle each) plus one cycle per
 * activation word (the two passes overlap as a dataflow pipeline). Edge-MoE: 2·12 + 129·24 = 3,120.
 */
export function layernormTicks(n: number, dim: number, lanes: number, axiBits: number, paramBits: number): number {
  const perWord = axiBits / containerBits(paramBits);
  return 2 * Math.ceil(dim / perWord) + n * (dim / lanes);
}

/** The EPS_Q48 template argument: floor(eps · 2^48), exact for 0 <= eps < 32. */
export function lnEpsQ48(eps: number): bigint {
  if (!(eps >= 2 ** -40 && eps < 32)) throw new UserError(`model.lnEps: expected a value in [2^-40, 32) for the fixed-point LayerNorm, got ${eps}`);
  return BigInt(Math.floor(eps * 2 ** 48));
}
