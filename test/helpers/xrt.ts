// Tests that need the real XRT library: skipped (with the reason) on a machine without it, but never in CI
// (CI=true), where .ci/run installs Debian's libxrt1 and a missing library must fail the run.
import { findXrtLibDir } from '../../host/xrt/env.ts';

/** The reason XRT is unusable here, or undefined when libxrt_coreutil.so.2 is found. */
export function xrtMissing(): string | undefined {
  try {
    findXrtLibDir();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** In a mocha `before`/`it`: skips the suite/test when XRT is missing, outside CI. */
export function requireXrt(ctx: Mocha.Context): void {
  const why = xrtMissing();
  if (!why) return;
  if (process.env.CI === 'true') throw new Error(`CI needs XRT (.ci/run installs libxrt1 libxrt-dev): ${why}`);
  console.log(`      (skipped: ${why})`);
  ctx.skip();
}
