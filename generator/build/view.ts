// What the design Makefile and run_hls.tcl need from the Vitis build flow (merged into the emitter's build view).
import type { Plan } from '../plan/index.ts';
import { platformInfo } from './platforms.ts';

/** Path of the exported kernel object inside a design dir. */
export function xoPath(plan: Pick<Plan, 'kernelName'>): string {
  return `build/${plan.kernelName}.xo`;
}

/** Path of the linked xclbin for a v++ target (hw, hw_emu, sw_emu). */
export function xclbinPath(kernel: string, mode: string): string {
  return `build/${mode}/${kernel}.xclbin`;
}

/** Template data for the Vitis part of the Makefile and run_hls.tcl. */
export function vitisBuildView(plan: Plan) {
  const p = platformInfo(plan.config.hardware.platform);
  return { platformId: p.id, board: p.board, vppPlatform: p.vppPlatform, xo: xoPath(plan) };
}
