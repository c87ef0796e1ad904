// Fake vitis_hls, vitis-run, v++ and emconfigutil executables for the build tests: each records its arguments,
// working dir, the flow switches of the environment and the script / config it was given, then writes the output
// the real tool would (v++ -o, emconfigutil's emconfig.json, --package's out dir). The fake vitis_hls / vitis-run
// run the tcl script in tclsh with the HLS commands stubbed to record themselves, so the tests see which steps the
// script really runs under each switch (and a tcl syntax error fails the tool).
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Tcl prelude: every Vitis HLS command records itself; export_design writes its -output file; exit dumps the steps. */
const PRELUDE = `set ::edgemoe_steps {}
proc edgemoe_rec {name args} { lappend ::edgemoe_steps [list $name {*}$args] }
foreach c {open_project set_top add_files open_solution set_part create_clock config_interface csim_design csynth_design cosim_design} {
  interp alias {} $c {} edgemoe_rec $c
}
proc export_design {args} {
  edgemoe_rec export_design {*}$args
  set f [lindex $args [expr {[lsearch $args -output] + 1}]]
  file mkdir [file dirname $f]
  set h [open $f w]; puts $h "fake xo"; close $h
}
rename exit edgemoe_exit
proc exit {args} {
  set h [open $::env(EDGEMOE_FAKE_STEPS) w]
  foreach s $::edgemoe_steps { puts $h $s }
  close $h
  edgemoe_exit 0
}
source [lindex $argv 0]
`;

/** One recorded invocation. */
export interface ToolCall {
  tool: string;
  args: string[];
  cwd: string;
  env: { CSIM: string | null; COSIM: string | null; XO: string | null };
  /** Text of the tcl script (-f) or link config (--config) the tool was given. */
  input: string | null;
  /** vitis_hls / vitis-run: the HLS commands the script ran, each as its Tcl list text (e.g. 'set_part xczu9eg-ffvb1156-2-e'). */
  steps?: string[];
}

const SCRIPT = (tool: string, log: string, prelude: string) => `#!${process.execPath}
const fs = require('fs');
const path = require('path');
const cp = require('child_process');
const args = process.argv.slice(2);
const at = (flag) => { const i = args.indexOf(flag); return i >= 0 ? args[i + 1] : undefined; };
const hlsTool = ${JSON.stringify(tool)} === 'vitis_hls' || ${JSON.stringify(tool)} === 'vitis-run';
const inputFile = ${JSON.stringify(tool)} === 'vitis_hls' ? at('-f') : ${JSON.stringify(tool)} === 'vitis-run' ? at('--tcl') : at('--config');
const input = inputFile && fs.existsSync(inputFile) ? fs.readFileSync(inputFile, 'utf8') : null;
const env = { CSIM: process.env.CSIM ?? null, COSIM: process.env.COSIM ?? null, XO: process.env.XO ?? null };
let steps;
if (hlsTool) {
  const stepsFile = path.join(${JSON.stringify(log)} + '.steps');
  const r = cp.spawnSync('tclsh', [${JSON.stringify(prelude)}, inputFile], { env: { ...process.env, EDGEMOE_FAKE_STEPS: stepsFile }, encoding: 'utf8' });
  if (r.status !== 0) { process.stderr.write('fake ' + ${JSON.stringify(tool)} + ': tclsh failed: ' + (r.stderr || r.error) + '\\n'); process.exit(1); }
  steps = fs.readFileSync(stepsFile, 'utf8').split('\\n').filter(Boolean);
}
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ tool: ${JSON.stringify(tool)}, args, cwd: process.cwd(), env, input, steps }) + '\\n');
if (${JSON.stringify(tool)} === 'v++' && at('-o')) { fs.mkdirSync(path.dirname(at('-o')), { recursive: true }); fs.writeFileSync(at('-o'), 'fake ' + (args.includes('-c') ? 'xo' : 'xclbin')); }
if (${JSON.stringify(tool)} === 'v++' && at('--package.out_dir')) { fs.mkdirSync(at('--package.out_dir'), { recursive: true }); fs.writeFileSync(path.join(at('--package.out_dir'), 'sd_card.img'), 'fake image'); }
if (${JSON.stringify(tool)} === 'emconfigutil' && at('--od')) { fs.mkdirSync(at('--od'), { recursive: true }); fs.writeFileSync(path.join(at('--od'), 'emconfig.json'), JSON.stringify({ platform: at('--platform') })); }
`;

/** The tools a test can install. */
export type FakeTool = 'vitis_hls' | 'vitis-run' | 'v++' | 'emconfigutil';

/** Writes fake tools into `dir` (only those named) and returns the log reader. */
export function installFakeTools(dir: string, tools: FakeTool[] = ['vitis_hls', 'v++', 'emconfigutil']): { dir: string; calls: () => ToolCall[]; log: string } {
  mkdirSync(dir, { recursive: true });
  const log = join(dir, 'calls.jsonl');
  const prelude = join(dir, 'prelude.tcl');
  writeFileSync(log, '');
  writeFileSync(prelude, PRELUDE);
  for (const t of tools) {
    writeFileSync(join(dir, t), SCRIPT(t, log, prelude));
    chmodSync(join(dir, t), 0o755);
  }
  const calls = () =>
    readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ToolCall);
  return { dir, calls, log };
}
