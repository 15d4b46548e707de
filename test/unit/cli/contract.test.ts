import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command, type Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/cli/commandTable.js';

// The CLI contract (docs/operations.md#the-cli-contract), checked on every command's definition:
// numeric flags go through src/cli/numberOption.ts, --wait and --detach come as an exclusive pair,
// every command that prints a result can print it as JSON, and exit codes come from exitCodes.ts.

/** Commands that run until stopped and print logs, not a result. */
const SERVERS = new Set(['worker', 'webhook', 'emulate']);
/** Value placeholders that name a number. */
const NUMERIC = /<(n|s|k|m|x|seconds|rate|dollars|0\.\.1|n\|auto|x\|auto)>/;

async function everyCommand(): Promise<Command[]> {
  const top = await Promise.all(COMMANDS.map(([, load]) => load()));
  return top.flatMap((c) => [c, ...c.commands]);
}

const label = (c: Command) => (c.parent ? `${c.parent.name()} ${c.name()}` : c.name());
/** commander keeps `.conflicts()` in `conflictsWith`, which its typings leave out. */
type WithConflicts = Option & { conflictsWith?: string[] };
const option = (c: Command, long: string): WithConflicts | undefined =>
  c.options.find((o) => o.long === long);

describe('CLI contract', () => {
  it('every numeric flag has a parser (numberOption.ts), so a bad value fails before anything runs', async () => {
    const unparsed = (await everyCommand()).flatMap((c) =>
      c.options
        .filter((o) => NUMERIC.test(o.flags) && !o.parseArg)
        .map((o) => `${label(c)} ${o.flags}`),
    );
    expect(unparsed).toEqual([]);
  });

  it("every numeric flag's parser refuses a value that is no number as commander's invalid argument", async () => {
    const accepted = (await everyCommand()).flatMap((c) =>
      c.options
        .filter((o) => NUMERIC.test(o.flags) && o.parseArg)
        .filter((o) => {
          try {
            o.parseArg!('twelve', undefined);
            return true;
          } catch (err) {
            return !(err instanceof InvalidArgumentError);
          }
        })
        .map((o) => `${label(c)} ${o.flags}`),
    );
    expect(accepted).toEqual([]);
  });

  it('--wait and --detach come together and exclude each other', async () => {
    const commands = await everyCommand();
    const withEither = commands.filter((c) => option(c, '--wait') || option(c, '--detach'));
    expect(withEither.map(label).sort()).toEqual(['kb ingest', 'migrate', 'start', 'sync']);
    for (const c of withEither) {
      expect(option(c, '--wait')?.conflictsWith, label(c)).toEqual(['detach']);
      expect(option(c, '--detach')?.conflictsWith, label(c)).toEqual(['wait']);
    }
  });

  it('every command that prints a result has --json', async () => {
    const missing = (await everyCommand())
      .filter((c) => c.commands.length === 0 && !SERVERS.has(c.parent?.name() ?? c.name()))
      .filter((c) => !SERVERS.has(c.name()) && !option(c, '--json'))
      .map(label);
    expect(missing).toEqual([]);
  });

  it('commands set exit codes only through the table in exitCodes.ts, never as a bare number', () => {
    const dir = join(import.meta.dirname, '../../../src/cli');
    const files = [
      ...readdirSync(dir).map((f) => join(dir, f)),
      ...readdirSync(join(dir, 'commands')).map((f) => join(dir, 'commands', f)),
    ].filter((f) => f.endsWith('.ts'));
    const bare = files.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter((line) => /process\.exit(Code\s*=\s*|\()\d/.test(line))
        .map((line) => `${f}: ${line.trim()}`),
    );
    expect(files.length).toBeGreaterThan(10);
    expect(bare).toEqual([]);
  });
});
