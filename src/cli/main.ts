import { PROVIDERS } from '../providers/registry.js';
import { Command } from 'commander';
import { COMMANDS } from './commandTable.js';
import { readFileSync } from 'node:fs';
import { EXIT, EXIT_CODES_HELP, WorkflowEndedError } from './exitCodes.js';
import { UserError } from './userError.js';

/**
 * The command a command line names: the first word that is not an option (`finetune help start`
 * names `start`). Undefined when there is none or it is not one of ours.
 */
function invokedCommand(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const first = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.some(([name]) => name === first) ? first : undefined;
}

/** This package's version (src/cli or dist/cli: package.json is two folders up either way). */
function packageVersion(): string {
  const pkg = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

/** The `finetune` program with the commands `args` needs (all of them when it names none). */
async function buildProgram(args: readonly string[]): Promise<Command> {
  const program = new Command('finetune')
    .description(
      `LLM fine-tuning as durable Temporal workflows, on ${PROVIDERS.map((p) => p.label).join(', ')}`,
    )
    .version(packageVersion(), '-V, --version', 'print the version of temporal-finetune')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError();
  if (args.length === 1 && ['-V', '--version'].includes(args[0]!)) return program;
  const wanted = invokedCommand(args);
  if (wanted !== undefined) {
    const [, load] = COMMANDS.find(([name]) => name === wanted)!;
    return program.addCommand(await load());
  }
  // Listing every command: one that fails to load is left out (and named), not fatal to the rest.
  const loaded = await Promise.allSettled(COMMANDS.map(([, load]) => load()));
  loaded.forEach((r, i) => {
    if (r.status === 'fulfilled') program.addCommand(r.value);
    else
      process.stderr.write(
        `finetune: the ${COMMANDS[i]![0]} command failed to load: ${(r.reason as Error).message}\n`,
      );
  });
  return program;
}

/**
 * Errors of set-up that say what to do (a missing Temporal CLI, an incomplete environment, no
 * worker on the queue): by name, so this file need not load the modules that throw them.
 */
const FIXABLE = new Set([
  'ConfigError',
  'NoWorkerError',
  'TemporalCliNotFoundError',
  'TemporalTestServerNotFoundError',
]);
function isFixable(err: unknown): err is Error {
  return err instanceof Error && FIXABLE.has(err.name);
}

try {
  const program = await buildProgram(process.argv.slice(2));
  await program.parseAsync(process.argv);
} catch (err) {
  // Errors a person can fix are printed plainly; anything else keeps its stack for a bug report.
  if (
    err instanceof UserError ||
    err instanceof WorkflowEndedError ||
    (isFixable(err) && !process.env.FINETUNE_DEBUG)
  ) {
    process.stderr.write(`error: ${err.message}\n`);
  } else {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exitCode = err instanceof WorkflowEndedError ? err.exitCode : EXIT.userError;
}
