// The `edgemoe` command line: one subcommand per module, errors mapped to exit codes.
import { Command, CommanderError } from 'commander';
import { isUserError } from '../generator/errors.ts';
import { installInterruptHandlers, runInterruptCleanups } from '../generator/interrupt.ts';
import { COMMANDS } from './commands.ts';

const program = new Command('edgemoe')
  .description('Compile multi-task MoE vision transformers (M3ViT) into Vitis HLS accelerators after Edge-MoE, C-simulate them, and run them through XRT')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride()
  // commander's own errors (unknown option, missing argument) get the same prefix as ours; subcommands inherit this.
  .configureOutput({ outputError: (str, write) => write(str.startsWith('error: ') ? `edgemoe: ${str}` : str) });

// A command's module (and all it imports: tsx transpiles each module on load) is imported only when that command runs;
// `--version` loads none, `--help`, `help` and unknown words load them all (in the order `--help` lists them).
const word = process.argv[2];
const only = COMMANDS.filter(([name]) => name === word);
const load = only.length ? only : word === '--version' || word === '-V' ? [] : COMMANDS;
for (const [, module] of load) (await module()).register(program);

// A closed pipe (`edgemoe ... | head`) ends the output quietly instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

// Ctrl-C / SIGTERM: temp files removed, child process groups ended, exit 130 / 143.
installInterruptHandlers();

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  // Work still in flight (another image's testbench and run dir, say) ends and is removed as on Ctrl-C.
  runInterruptCleanups();
  if (isUserError(e)) {
    process.stderr.write(`edgemoe: error: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  process.stderr.write(`edgemoe: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
}
