// `edgemoe presets`: lists the built-in configs.
import type { Command } from 'commander';
import { PRESETS, DEFAULT_PRESET } from '../config/index.ts';

/** The preset listing, one line per preset, the default marked with '*'. */
export function formatPresets(): string {
  const names = Object.keys(PRESETS);
  const width = Math.max(...names.map((n) => n.length));
  const lines = names.map((n) => `${n === DEFAULT_PRESET ? '*' : ' '} ${n.padEnd(width)}  ${PRESETS[n]!.description}`);
  return `${lines.join('\n')}\n\n* default (used when neither --preset nor a config file is given)\n`;
}

/** Registers `edgemoe presets`. */
export function register(program: Command): void {
  program
    .command('presets')
    .summary('list the built-in configs (default marked *)')
    .description('list the built-in model/hardware presets (the default is marked with *)')
    .option('--json', 'print [{name, description, default}] as JSON')
    .action((opts: { json?: boolean }) => {
      if (opts.json) {
        const list = Object.entries(PRESETS).map(([name, p]) => ({ name, description: p.description, default: name === DEFAULT_PRESET }));
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      } else process.stdout.write(formatPresets());
    });
}
