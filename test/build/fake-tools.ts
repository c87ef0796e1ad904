// Fake vitis_hls and v++ executables for the build tests: each records its arguments, working dir, the flow
// switches of the environment and the script / config it was given, then writes the output the real tool would.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One recorded invocation. */
export interface ToolCall {
  tool: string;
  args: string[];
  cwd: string;
  env: { CSIM: string | null; COSIM: string | null; XO: string | null };
  /** Text of the tcl script (-f) or link config (--config) the tool was given. */
  input: string | null;
}

const SCRIPT = (tool: string, log: string) => `#!${process.execPath}
const fs = require('fs');
const path = require('path');
const args = process.argv.slice(2);
const at = (flag) => { const i = args.indexOf(flag); return i >= 0 ? args[i + 1] : undefined; };
const inputFile = ${JSON.stringify(tool)} === 'vitis_hls' ? at('-f') : at('--config');
const input = inputFile && fs.existsSync(inputFile) ? fs.readFileSync(inputFile, 'utf8') : null;
const env = { CSIM: process.env.CSIM ?? null, COSIM: process.env.COSIM ?? null, XO: process.env.XO ?? null };
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ tool: ${JSON.stringify(tool)}, args, cwd: process.cwd(), env, input }) + '\\n');
if (${JSON.stringify(tool)} === 'vitis_hls' && env.XO === '1' && input) {
  const m = /export_design -format xo -output \\[pwd\\]\\/(\\S+)/.exec(input);
  if (m) { fs.mkdirSync(path.dirname(m[1]), { recursive: true }); fs.writeFileSync(m[1], 'fake xo'); }
}
if (${JSON.stringify(tool)} === 'v++' && at('-o')) { fs.mkdirSync(path.dirname(at('-o')), { recursive: true }); fs.writeFileSync(at('-o'), 'fake xclbin'); }
process.stdout.write(${JSON.stringify(tool)} + ' (fake): done\\n');
`;

/** Writes fake tools into `dir` (only those named) and returns the log reader. */
export function installFakeTools(dir: string, tools: Array<'vitis_hls' | 'v++'> = ['vitis_hls', 'v++']): { dir: string; calls: () => ToolCall[]; log: string } {
  mkdirSync(dir, { recursive: true });
  const log = join(dir, 'calls.jsonl');
  writeFileSync(log, '');
  for (const t of tools) {
    writeFileSync(join(dir, t), SCRIPT(t, log));
    chmodSync(join(dir, t), 0o755);
  }
  const calls = () =>
    readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ToolCall);
  return { dir, calls, log };
}
