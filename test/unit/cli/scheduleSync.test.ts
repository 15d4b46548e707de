import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseEveryOption, scheduleSyncCommand } from '../../../src/cli/commands/scheduleSync.js';
import { syncCommand } from '../../../src/cli/commands/sync.js';
import {
  addSyncOptionFlags,
  syncOptionsFromFlags,
  type SyncOptionFlags,
} from '../../../src/cli/syncOptions.js';
import { parseEvery } from '../../../src/client/schedule.js';
import { SYNC_DEFAULTS } from '../../../src/shared/syncTypes.js';

describe('parseEvery', () => {
  it('reads s, m, h, d and combinations, largest unit first', () => {
    expect(parseEvery('30s')).toBe(30_000);
    expect(parseEvery('15m')).toBe(900_000);
    expect(parseEvery('1h')).toBe(3_600_000);
    expect(parseEvery('1d')).toBe(86_400_000);
    expect(parseEvery('1h30m')).toBe(5_400_000);
    expect(parseEvery(' 2d12h ')).toBe(216_000_000);
  });

  it.each(['', '1', 'h', '1x', '1.5h', '-1h', '0s', '30m1h', '1 h', '1hour', 'every hour', '1h1h'])(
    'refuses %j with what it accepts',
    (raw) => {
      expect(() => parseEvery(raw)).toThrow(
        /not an interval: use a whole number with s, m, h or d/,
      );
    },
  );

  it('is a commander parser that keeps Temporal’s own text', () => {
    expect(parseEveryOption(' 1h ')).toBe('1h');
    expect(() => parseEveryOption('soon')).toThrow(/"soon" is not an interval/);
  });
});

describe('sync option flags', () => {
  /** The SyncOptions a command's flags turn into, without running its action. */
  async function optionsOf(make: () => Command, argv: string[]) {
    const cmd = make().exitOverride();
    let flags: SyncOptionFlags | undefined;
    cmd.action((f: SyncOptionFlags) => {
      flags = f;
    });
    await cmd.parseAsync(argv, { from: 'user' });
    return syncOptionsFromFlags(flags!);
  }

  const argv = [
    '--last',
    '5',
    '--project',
    'p',
    '--entity',
    'e',
    '--overwrite',
    '--no-wait-for-job-success',
    '--no-datasets',
    '--tags',
    'a, b,,c',
    '--notes',
    'n',
    '--group',
    'g',
    '--concurrency',
    '2',
  ];

  it('`sync` and `schedule-sync` read them the same way', async () => {
    const expected = {
      fineTuneJobId: undefined,
      numFineTunes: 5,
      project: 'p',
      entity: 'e',
      overwrite: true,
      waitForJobSuccess: false,
      logDatasets: false,
      modelArtifactName: SYNC_DEFAULTS.modelArtifactName,
      modelArtifactType: SYNC_DEFAULTS.modelArtifactType,
      maxConcurrent: 2,
      runOptions: { tags: ['a', 'b', 'c'], notes: 'n', group: 'g' },
    };
    expect(await optionsOf(syncCommand, argv)).toEqual(expected);
    expect(await optionsOf(scheduleSyncCommand, [...argv, '--every', '1h'])).toEqual(expected);
  });

  it('defaults are WandbLogger.sync()’s', async () => {
    const make = () => addSyncOptionFlags(new Command('x'));
    expect(await optionsOf(make, [])).toMatchObject({
      project: SYNC_DEFAULTS.project,
      overwrite: false,
      waitForJobSuccess: true,
      logDatasets: true,
      maxConcurrent: SYNC_DEFAULTS.maxConcurrent,
    });
  });

  it('refuses --job with --last, and bad numbers before anything runs', async () => {
    const base: SyncOptionFlags = {
      overwrite: false,
      project: 'p',
      waitForJobSuccess: true,
      datasets: true,
      modelArtifactName: 'm',
      modelArtifactType: 't',
      concurrency: 4,
    };
    expect(() => syncOptionsFromFlags({ ...base, job: 'j', last: 2 })).toThrow(
      /--job or --last, not both/,
    );
    for (const make of [syncCommand, scheduleSyncCommand]) {
      for (const bad of [
        ['--last', '0'],
        ['--concurrency', 'x'],
      ]) {
        const cmd = make()
          .exitOverride()
          .configureOutput({ writeErr: () => undefined });
        await expect(cmd.parseAsync(bad, { from: 'user' }), bad.join(' ')).rejects.toThrow(
          new RegExp(`option '${bad[0]} <n>' argument '${bad[1]}' is invalid`),
        );
      }
    }
  });

  it('schedule-sync refuses a bad --every before connecting anywhere', async () => {
    const cmd = scheduleSyncCommand()
      .exitOverride()
      .configureOutput({ writeErr: () => undefined });
    await expect(cmd.parseAsync(['--every', '5 minutes'], { from: 'user' })).rejects.toThrow(
      /--every <interval>' argument '5 minutes' is invalid/,
    );
  });
});
