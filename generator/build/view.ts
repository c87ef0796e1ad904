// What the design Makefile and run_hls.tcl need from the Vitis build flow (merged into the emitter's build view).
import type { Plan } from '../plan/index.ts';
import { hlsXo } from './commands.ts';
import { platformInfo } from './platforms.ts';

/** Path of the exported kernel object inside a design dir. */
export function xoPath(plan: Pick<Plan, 'kernelName'>): string {
  return hlsXo(plan.kernelName);
}

/** Template data for the Vitis part of the Makefile and run_hls.tcl. */
export function vitisBuildView(plan: Plan) {
  const p = platformInfo(plan.config.hardware.platform);
  const embedded = p.kind === 'embedded';
  return {
    platformId: p.id,
    board: p.board,
    embedded,
    // Embedded base platforms are named after the release (the Makefile derives it from XILINX_VITIS).
    vppPlatform: embedded ? p.vppPlatform.replace(/_\d{6}_(\d+)$/, '_<release>_$1') : p.vppPlatform,
    embeddedPlatformPrefix: embedded ? p.vppPlatform.replace(/_\d{6}_\d+$/, '_') : '',
    embeddedPlatformSuffix: embedded ? `0_${/_\d{6}_(\d+)$/.exec(p.vppPlatform)![1]}` : '',
    clockMHz: plan.config.hardware.clockMHz,
    xo: xoPath(plan),
  };
}
