// Every command's --help against the commands as registered, the short flags across commands, and README's table.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { COMMANDS } from '../../bin/commands.ts';
import { runCli } from '../helpers/cli.ts';
import { ROOT } from '../helpers/paths.ts';

/** The program as bin/cli.ts builds it with every command loaded (as for `edgemoe --help`), in order. */
async function registeredProgram(): Promise<Command> {
  assert.ok(COMMANDS.length >= 11, `found ${COMMANDS.length} commands in bin/commands.ts`);
  const program = new Command('edgemoe');
  for (const [, module] of COMMANDS) (await module()).register(program);
  return program;
}

/** Every command with its path from the root, subcommands included. */
function allCommands(cmd: Command, path: string[] = []): Array<{ path: string[]; cmd: Command }> {
  return cmd.commands.flatMap((c) => [{ path: [...path, c.name()], cmd: c }, ...allCommands(c, [...path, c.name()])]);
}

/** The short flag each of these long options has wherever it appears. */
const STANDARD_SHORT: Record<string, string> = {
  '--preset': '-p',
  '--config': '-c',
  '--set': '-s',
  '--weights': '-w',
  '--task': '-t',
  '--out': '-o',
  '--design': '-d',
};

describe('commands: --help of every command (CLI)', function () {
  let commands: Array<{ path: string[]; cmd: Command }>;
  let rootHelp: Awaited<ReturnType<typeof runCli>>; // one spawn of `edgemoe --help` for the tests of the command list
  before(async () => {
    [commands, rootHelp] = await Promise.all([registeredProgram().then((p) => allCommands(p)), runCli(['--help'])]);
  });

  it('`edgemoe --help` lists every command with its whole summary on one line', () => {
    const r = rootHelp;
    assert.equal(r.exitCode, 0, r.stderr);
    const lines = r.stdout.split('\n');
    for (const { path, cmd } of commands.filter((c) => c.path.length === 1)) {
      const summary = cmd.summary();
      assert.ok(summary, `${path[0]} has a summary for the command list`);
      assert.ok(!summary.includes('\n') && summary.length <= 50, `${path[0]}: summary '${summary}' fits the list (≤ 50 chars)`);
      const line = lines.find((l) => l.trimStart().startsWith(`${path[0]} `));
      assert.ok(line?.trimEnd().endsWith(summary), `${path[0]}: '${line}' ends with its summary`);
    }
  });

  it('`edgemoe --help` lists the commands in the order of the flow', () => {
    const r = rootHelp;
    assert.equal(r.exitCode, 0, r.stderr);
    const listed = [...r.stdout.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!).filter((n) => n !== 'help');
    assert.deepEqual(listed, ['presets', 'validate', 'weights', 'reference', 'profile', 'gen', 'pack', 'csim', 'estimate', 'explore', 'build', 'sweep', 'report', 'run']);
  });

  it('each command module registers exactly the command it is listed under (the CLI loads only that module)', async () => {
    for (const [name, module] of COMMANDS) {
      const alone = new Command('edgemoe');
      (await module()).register(alone);
      assert.deepEqual(alone.commands.map((c) => c.name()), [name], `bin/commands.ts: '${name}' module`);
    }
  });

  it('each command\'s help shows every argument and option, with its true default', () => {
    for (const { path, cmd } of commands) {
      const name = path.join(' ');
      const help = cmd.helpInformation().replace(/\s+/g, ' ');
      assert.ok(help.startsWith(`Usage: edgemoe ${name} `), `${name}: ${help.slice(0, 80)}`);
      assert.ok(help.includes(cmd.description().replace(/\s+/g, ' ')), `${name}: full description shown`);
      for (const a of cmd.registeredArguments) assert.ok(help.includes(` ${a.name()} `), `${name}: argument ${a.name()}`);
      for (const o of cmd.options) {
        const flags = o.short ? `${o.short}, ${o.long}` : o.long!;
        assert.ok(help.includes(flags), `${name}: option ${flags}`);
        assert.ok(o.description.trim().length > 0, `${name} ${o.long}: described`);
        if (o.defaultValue !== undefined) {
          const shown = o.defaultValueDescription ?? JSON.stringify(o.defaultValue);
          assert.ok(help.includes(`default: ${shown}`), `${name} ${o.long}: default ${shown} shown`);
          assert.ok(!/\(default[ :]/.test(o.description), `${name} ${o.long}: default given once, not also in the text`);
        }
      }
    }
  });

  it('`edgemoe CMD --help` (CLI, which loads only that command) prints the same help, exit 0, for a command and a subcommand', async () => {
    const paths = [['csim'], ['weights', 'info']];
    const results = await Promise.all(paths.map((path) => runCli([...path, '--help'])));
    for (const [i, path] of paths.entries()) {
      const r = results[i]!;
      assert.equal(r.exitCode, 0, `${path.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr, '');
      const cmd = commands.find((c) => c.path.join(' ') === path.join(' '))!.cmd;
      assert.equal(r.stdout, cmd.helpInformation().trimEnd(), path.join(' ')); // runCli drops the final newline
    }
  });

  it('`edgemoe help CMD` and `edgemoe --version` work with the lazy loading', async () => {
    const [help, version] = await Promise.all([runCli(['help', 'pack']), runCli(['--version'])]);
    assert.equal(help.exitCode, 0, help.stderr);
    assert.ok(help.stdout.startsWith('Usage: edgemoe pack '), help.stdout.slice(0, 80));
    assert.equal(version.exitCode, 0, version.stderr);
    assert.match(version.stdout, /^\d+\.\d+\.\d+$/);
  });

  it('a short flag means the same long option in every command, and the common options use the standard one', () => {
    const seen = new Map<string, string>();
    for (const { path, cmd } of commands) {
      for (const o of cmd.options) {
        const want = STANDARD_SHORT[o.long!];
        if (want) assert.equal(o.short, want, `${path.join(' ')} ${o.long}: short flag ${want}`);
        if (!o.short) continue;
        const before = seen.get(o.short);
        assert.ok(before === undefined || before === o.long, `${o.short} is ${before} elsewhere but ${o.long} in ${path.join(' ')}`);
        seen.set(o.short, o.long!);
      }
    }
  });

  it("README's commands table documents every command with options that exist", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const rows = readme.split('\n').filter((l) => l.startsWith('| `edgemoe '));
    const byPath = new Map(commands.map((c) => [c.path.join(' '), c.cmd]));
    const documented = new Set<string>();
    for (const row of rows) {
      // A row's first cell may hold several usages: `edgemoe weights random …` / `weights info W`.
      const cell = row.split(' | ')[0]!;
      for (const span of [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/^edgemoe /, ''))) {
        const words = span.split(/\s+/);
        let path = '';
        for (const w of words) {
          const next = path ? `${path} ${w}` : w;
          if (!byPath.has(next)) break;
          path = next;
        }
        assert.ok(path, `README usage '${span}' names a command`);
        documented.add(path);
        const cmd = byPath.get(path)!;
        const flags = new Set(cmd.options.flatMap((o) => [o.long, o.short]).filter(Boolean));
        for (const f of span.match(/(?<![\w-])--?[a-zA-Z][\w-]*/g) ?? []) assert.ok(flags.has(f), `README: '${f}' is not an option of edgemoe ${path}`);
      }
    }
    for (const { path, cmd } of commands) {
      if (cmd.commands.length === 0) assert.ok(documented.has(path.join(' ')), `README's table documents edgemoe ${path.join(' ')}`);
    }
  });
});
