// `edgemoe validate`: resolves a config, checks every rule, and prints a one-screen summary (or JSON).
import { describeInput } from '../config/input.ts';
import type { Command } from 'commander';
import { ConfigError, DEFAULT_PRESET, PRECISION_CLASSES, type Config } from '../config/index.ts';
import { axiLanes } from '../config/rules.ts';
import { ON_CHIP_REGIONS, activationsOnChip, dramRegionsOf } from '../config/schema.ts';
import { isUserError, UserError } from '../errors.ts';
import { cppType } from '../fixed.ts';
import { modelStats, type ModelStats } from '../model/stats.ts';
import { checkPinnedSlr } from '../build/slr.ts';
import { configFromOptions, withConfigOptions } from './common.ts';
import { channelScale } from '../plan/precision.ts';

interface ValidateOptions {
  preset?: string;
  config?: string;
  set?: string[];
  json?: boolean;
}

const int = (n: number) => n.toLocaleString('en-US');
const layers = (n: number) => `${n} layer${n === 1 ? '' : 's'}`;
/** MACs in GMAC, or MMAC below 0.1 GMAC (so the tiny configs do not print 0.000 GMAC). */
const macUnit = (n: number) => (n >= 1e8 ? `${(n / 1e9).toFixed(3)} GMAC` : `${(n / 1e6).toPrecision(3)} MMAC`);

function describeBlocks(blocks: number[], depth: number): string {
  return blocks.length ? `${blocks.join(', ')} (${blocks.length} of ${depth})` : `none (0 of ${depth})`;
}

/** The human-readable summary `edgemoe validate` prints for a valid config. */
export function formatSummary(c: Config, s: ModelStats, origin: string): string {
  const m = c.model;
  const hw = c.hardware;
  const k = s.macs.byKind;
  const N = s.tokens;
  const D = m.dim;
  const nMoe = s.moeBlocks.length;
  const nDense = s.denseBlocks.length;
  const macRows: Array<[string, number, string]> = [
    ['patch embed', k.patchEmbed, `${s.grid[0] * s.grid[1]} patches · ${m.image[0]}·${m.patch}² · ${D}`],
    ['qkv', k.qkv, `${layers(m.depth)} · ${N}·${D}·${3 * D}`],
    ['Q·Kᵀ', k.qk, `${layers(m.depth)} · ${m.heads}·${N}·${N}·${s.headDim}  (act×act)`],
    ['A·V', k.av, `${layers(m.depth)} · ${m.heads}·${N}·${N}·${s.headDim}  (act×act)`],
    ['proj', k.proj, `${layers(m.depth)} · ${N}·${D}·${D}`],
    ['dense MLP', k.mlp, `${layers(nDense)} · ${N}·2·${D}·${s.mlpHidden}`],
    ['gate', k.gate, `${layers(nMoe)} · ${N}·${D}·${m.moe.experts}`],
    ['experts', k.experts, `${layers(nMoe)} · ${N}·${m.moe.topK}·2·${D}·${m.moe.expertHidden}  (top-${m.moe.topK} per token)`],
  ];
  const w = Math.max(...macRows.map((r) => int(r[1]).length));
  const lines = [
    `config      ${c.name}  ${origin}`,
    `image       ${m.image.join('x')}, patch ${m.patch} -> grid ${s.grid.join('x')}, ${N} tokens (cls included), cls ${m.cls}`,
    `input       ${describeInput(m)}`,
    `backbone    dim ${D}, depth ${m.depth}, heads ${m.heads} (head dim ${s.headDim}), MLP hidden ${s.mlpHidden}, qkv bias ${m.qkvBias ? 'yes' : 'no'}, LN eps ${m.lnEps}`,
    `MoE blocks  ${describeBlocks(s.moeBlocks, m.depth)}; ${m.moe.experts} experts, top-${m.moe.topK}, expert hidden ${m.moe.expertHidden}`,
    `tasks       ${m.tasks.join(', ')} (${m.tasks.length} gate${m.tasks.length === 1 ? '' : 's'} per MoE block)`,
    `parameters  ${int(s.params.total)} total (experts ${int(s.params.experts)}, other ${int(s.params.nonExpert)}); ${int(s.params.activePerToken)} active per token (one task, top-${m.moe.topK})`,
    `MACs/image  ${int(s.macs.total)} (${macUnit(s.macs.total)}, one task): weight×act ${int(s.macs.weightAct)}, act×act ${int(s.macs.actAct)}`,
    `            counted: multiply-accumulates of matrix products only (N = tokens, D = dim); not LayerNorm, softmax, GELU, biases, residual adds`,
    ...macRows.map(([name, n, how]) => `  ${name.padEnd(11)}  ${int(n).padStart(w)}  = ${how}`),
    `types       ${PRECISION_CLASSES.map((p) => `${p} ${cppType(c.precision[p])}`).join(', ')}`,
    ...(c.precision.tensors ? [`            per tensor: ${Object.keys(c.precision.tensors).length} pattern(s) in precision.tensors (each tensor's type: design.json weights.tensors[].ctype)`] : []),
    ...(channelScale(c.precision.linearWeight)
      ? [`            per channel: linearWeight rows scaled by m/2^${channelScale(c.precision.linearWeight)!.scaleBits} · 2^-sh (sh ≤ ${channelScale(c.precision.linearWeight)!.scaleShift}), set per row by pack${c.precision.linearWeight.gptq ? '; rows GPTQ-rounded by pack on the shipped calibration set (or --calibrate IMAGES)' : ''}`]
      : []),
    `hardware    ${hw.platform} (${hw.part}) @ ${hw.clockMHz} MHz; AXI ${hw.axiBits} bit = ${axiLanes(c)} lanes; linear tile ${hw.linearTile.in}x${hw.linearTile.out}; attention P=${hw.attnParallel}`,
    `bundles     ${Object.entries(hw.bundles).map(([b, r]) => `${b}: ${r.join(' ')}`).join('; ')}`,
    ...((hw.weightPorts ?? 1) > 1
      ? [`            weight ports: ${hw.weightPorts} (linear and expert matrix rows alternate over weights${Array.from({ length: hw.weightPorts! - 1 }, (_, k) => `, weights${k + 1}`).join('')}; one bundle each)`]
      : []),
    ...(hw.patchEmbed === 'unified' ? ['            patch embedding: on the unified linear unit (a [dim][C·p·p] layer per image; no patch MAC array, nothing loaded once)'] : []),
    ...(hw.gate === 'unified' ? ['            MoE gate: logits on the unified linear unit (an [experts][dim] layer over all tokens, loaded during attn proj; no gate MAC array), then a routing process'] : []),
    ...(activationsOnChip(c)
      ? [`            activations on chip: ${ON_CHIP_REGIONS.join(' ')} and the working x are on-chip arrays; DRAM bundles: ${Object.entries(hw.bundles).filter(([, r]) => dramRegionsOf(c, r).length > 0).map(([b, r]) => `${b}: ${dramRegionsOf(c, r).join(' ')}`).join('; ')} (x: the output)`]
      : []),
    ...(hw.attention === 'fused' ? ['            attention: fused (Q·Kᵀ/softmax and softmax·V in one DATAFLOW region, scores on chip; V into hidden first)'] : []),
  ];
  return `${lines.join('\n')}\n`;
}

function originOf(opts: ValidateOptions, file?: string): string {
  const f = file ?? opts.config;
  return f ? `(file ${f})` : opts.preset ? `(preset ${opts.preset})` : `(preset ${DEFAULT_PRESET}, the default)`;
}

/** Registers `edgemoe validate`. */
export function register(program: Command): void {
  withConfigOptions(
    program
      .command('validate')
      .summary('check a config; print its sizes, parameters, MACs')
      .description('check a config against the schema and every hardware rule (the bundles fit the board\'s memory, the resource estimate its BRAM36 / URAM / LUT / FF; a U280 design pinned by hardware.slr fits that SLR less the shell); print a summary (exit 0) or every violation with its path (exit 2)')
      .argument('[file]', 'a JSON config file (same as --config)'),
  )
    .option('--json', 'print a JSON object: {valid: true, config, stats} or {valid: false, violations | error}')
    .action((file: string | undefined, opts: ValidateOptions) => {
      const resolve = () => {
        if (file && opts.config) throw new UserError(`give the config file once: as an argument ('${file}') or with --config ('${opts.config}')`);
        const c = configFromOptions(opts, file);
        checkPinnedSlr(c, originOf(opts, file)); // U280: the resource estimate must fit the SLR the kernel is pinned to
        return c;
      };
      if (!opts.json) {
        const c = resolve();
        process.stdout.write(formatSummary(c, modelStats(c), originOf(opts, file)));
        return;
      }
      try {
        const c = resolve();
        process.stdout.write(`${JSON.stringify({ valid: true, config: c, stats: modelStats(c) }, null, 2)}\n`);
      } catch (e) {
        if (e instanceof ConfigError) {
          process.stdout.write(`${JSON.stringify({ valid: false, violations: e.violations }, null, 2)}\n`);
        } else if (isUserError(e)) {
          process.stdout.write(`${JSON.stringify({ valid: false, violations: [], error: e.message }, null, 2)}\n`);
        } else throw e;
        process.exitCode = 2;
      }
    });
}
