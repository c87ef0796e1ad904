// XRT's noop emulation (XCL_EMULATION_MODE=noop): the whole C-API flow runs with no FPGA; kernels compute nothing.
// Used by the tests and the benchmark to exercise the real FFI path.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes the emconfig.json noop mode needs into `dir` and returns the env vars that select the mode. */
export function noopEmulationEnv(dir: string, platform = 'edgemoe_noop'): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const emconfig = { Version: { Major: 1, Minor: 0, FileVersion: '2.0' }, Platform: { Boards: [{ Devices: [{ Name: platform, NumDevices: 1 }] }] } };
  writeFileSync(join(dir, 'emconfig.json'), `${JSON.stringify(emconfig)}\n`);
  return { XCL_EMULATION_MODE: 'noop', EMCONFIG_PATH: dir };
}
