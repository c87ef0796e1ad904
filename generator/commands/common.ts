// Options and helpers shared by the CLI subcommands.
import type { Command } from 'commander';
import { DEFAULT_PRESET, resolveConfig } from '../config/index.ts';
import type { Config } from '../config/index.ts';

/** Adds --preset, --config and repeatable --set to a command. */
export function withConfigOptions(cmd: Command): Command {
  return cmd
    .option('-p, --preset <name>', `a built-in preset (see \`edgemoe presets\`; default: ${DEFAULT_PRESET} when no config file is given)`)
    .option('-c, --config <file>', 'a JSON config file; it may "extends" a preset or another file (not with --preset)')
    .option('-s, --set <path=value>', 'override one config field, e.g. hardware.attnParallel=8 (repeatable; an unknown field is an error)', collect);
}

/** commander arg parser that collects repeated options into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The config named by --preset / --config / --set (default preset when neither is given). */
export function configFromOptions(opts: { preset?: string; config?: string; set?: string[] }, file?: string): Config {
  return resolveConfig({ preset: opts.preset, file: file ?? opts.config, sets: opts.set ?? [] });
}
