// Options and helpers shared by the CLI subcommands.
import { Command, Option } from 'commander';
import { resolveConfig } from '../config/index.ts';
import type { Config } from '../config/index.ts';

/** Adds --preset, --config and repeatable --set to a command. */
export function withConfigOptions(cmd: Command): Command {
  return cmd
    .option('-p, --preset <name>', 'start from a built-in preset (see `edgemoe presets`)')
    .option('-c, --config <file>', 'a JSON config file (may "extends" a preset or another file)')
    .addOption(new Option('-s, --set <path=value>', 'override one field, e.g. hardware.attnParallel=8 (repeatable)').argParser(collect).default([]));
}

/** commander arg parser that collects repeated options into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The config named by --preset / --config / --set (default preset when neither is given). */
export function configFromOptions(opts: { preset?: string; config?: string; set?: string[] }, file?: string): Config {
  return resolveConfig({ preset: opts.preset, file: file ?? opts.config, sets: opts.set ?? [] });
}
