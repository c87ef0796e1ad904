// Options and helpers shared by the CLI subcommands.
import type { Command } from 'commander';
import { isUserError } from '../errors.ts';
import { ConfigError, DEFAULT_PRESET, parseSet, resolveConfig } from '../config/index.ts';
import type { Config } from '../config/index.ts';

/**
 * Adds --preset, --config and repeatable --set to a command. `optional`: the command uses a config only when one is
 * named (no default preset), e.g. `weights info`, which then checks against it.
 */
export function withConfigOptions(cmd: Command, optional?: { use: string }): Command {
  const preset = optional
    ? `a built-in preset (see \`edgemoe presets\`) to ${optional.use}; none by default: nothing is checked without --preset, --config or --set (--set alone applies to ${DEFAULT_PRESET})`
    : `a built-in preset (see \`edgemoe presets\`; default: ${DEFAULT_PRESET} when no config file is given)`;
  return cmd
    .option('-p, --preset <name>', preset)
    .option('-c, --config <file>', 'a JSON config file; it may "extends" a preset or another file (not with --preset)')
    .option('-s, --set <path=value>', 'override one config field, e.g. hardware.attnParallel=8 (repeatable; an unknown field is an error)', collect);
}

/** commander arg parser that collects repeated options into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The config named by --preset / --config / --set (default preset when neither is given). */
export function configFromOptions(opts: { preset?: string; config?: string; set?: string[] }, file?: string, o: { boardFit?: boolean } = {}): Config {
  const sets = opts.set ?? [];
  try {
    return resolveConfig({ preset: opts.preset, file: file ?? opts.config, sets, boardFit: o.boardFit });
  } catch (e) {
    if (e instanceof ConfigError) e.message += setTypeHint(e, sets);
    throw e;
  }
}

/** Runs `check`; when it rejects the input and the config was the default preset by omission, the error says so. */
export function withDefaultConfigHint<T>(opts: { preset?: string; config?: string }, check: () => T, file?: string): T {
  try {
    return check();
  } catch (e) {
    // Only for errors about the input's fit to the config, not a file that cannot be read at all.
    if (isUserError(e) && !opts.preset && !opts.config && !file && !/^cannot read /.test(e.message)) {
      e.message += `\nhint: no --preset or --config was given, so the default preset ${DEFAULT_PRESET} was used`;
    }
    throw e;
  }
}

/** A hint when a --set value has the wrong type: values are read as JSON, else as a string (`a,b` is no list). */
function setTypeHint(e: ConfigError, sets: string[]): string {
  const hints: string[] = [];
  for (const expr of sets) {
    const { path, value } = parseSet(expr);
    const v = e.violations.find((x) => x.path === path.join('.') && /expected \w+, received \w+/.test(x.rule));
    if (v) hints.push(`--set ${expr}: ${path.join('.')} got ${typeof value === 'string' ? `the string '${value}'` : JSON.stringify(value)}`);
  }
  return hints.length ? `\n${hints.map((h) => `  hint: ${h}`).join('\n')}\n  hint: a --set value is read as JSON (8, true, "text", ["a","b"]), otherwise as a string` : '';
}
