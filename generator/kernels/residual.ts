// Cycle count of templates/kernel/residual_add.h (x += y, one word per cycle).

/** EDGEMOE_TICK count of one residual_add call: N · dim/lanes (Edge-MoE: 129·24 = 3,096). */
export function residualAddTicks(n: number, dim: number, lanes: number): number {
  return n * (dim / lanes);
}
