// A small sweep for the tests: 4 points of the tiny preset emitted as a sweep dir, and the stand-in vitis_hls — the
// build tests' fake (test/build/fake-tools.ts) followed by the csynth report a synthesis leaves (a shipped Vitis HLS
// 2023.2 csynth.xml, renamed to our top) — which exits 1 in the point named by EDGEMOE_FAKE_FAIL.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { evaluatePoints, rankPoints, type EvaluatedPoint } from '../../generator/explore/evaluate.ts';
import { emitSweep, type SweepManifest } from '../../generator/explore/jobs.ts';
import { enumeratePoints } from '../../generator/explore/space.ts';
import { installFakeTools } from '../build/fake-tools.ts';
import { REPORTS } from '../helpers/paths.ts';

export const CSYNTH_FIXTURE = join(REPORTS, 'vitis-hls-2023.2-u55c-dataflow-kernel-flow', 'hls', 'solution1', 'syn', 'report', 'csynth.xml');

/** Four fitting points of tiny, spread over the ranking (deterministic). */
export function fourPoints(): EvaluatedPoint[] {
  const base = resolveConfig({ preset: 'tiny' });
  const { points } = enumeratePoints(base);
  const wanted = ['t16x16-p4-a256', 't8x8-p2-a128', 't16x32-p4-a256', 't4x4-p1-a128'];
  // These are split-attention points: the held-back twins of fused ones.
  const all = points.flatMap((p) => [p, ...(p.twin ? [p.twin] : [])]);
  const ranked = rankPoints(evaluatePoints(all.filter((p) => wanted.includes(p.id)), { maxUtil: 0.9 }), 'latency');
  if (ranked.length !== 4) throw new Error(`expected 4 fitting points, got ${ranked.map((p) => p.id).join(', ')}`);
  return ranked;
}

export function emitFourPointSweep(dir: string, settings = ''): SweepManifest {
  return emitSweep(dir, 'tiny', 'zcu102', fourPoints(), { time: '0:05:00', mem: '500M', cpus: 1, settings });
}

/** Installs the stand-in vitis_hls under `dir`; returns the PATH to run make with and the fake's call log. */
export function installStandIn(dir: string): { path: string; calls: () => ReturnType<ReturnType<typeof installFakeTools>['calls']> } {
  const fake = installFakeTools(join(dir, 'fake'), ['vitis_hls']);
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const report = readFileSync(CSYNTH_FIXTURE, 'utf8').replaceAll('streamhls', 'edgemoe_top');
  writeFileSync(join(dir, 'csynth.xml'), report);
  writeFileSync(
    join(bin, 'vitis_hls'),
    `#!/bin/sh
case "$(basename "$PWD")" in "\${EDGEMOE_FAKE_FAIL:-none}") echo "stand-in vitis_hls: synthesis failed" >&2; exit 1;; esac
"${join(fake.dir, 'vitis_hls')}" "$@" || exit $?
mkdir -p hls_prj/solution1/syn/report && cp "${join(dir, 'csynth.xml')}" hls_prj/solution1/syn/report/csynth.xml
`,
  );
  chmodSync(join(bin, 'vitis_hls'), 0o755);
  return { path: [bin, dirname(process.execPath), '/usr/bin', '/bin', '/usr/sbin', '/sbin'].join(delimiter), calls: fake.calls };
}
