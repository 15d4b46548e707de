import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  integerFrom,
  numberIn,
  port,
  positiveIntegerOrAuto,
  positiveNumberOrAuto,
  rate,
  secondsFrom,
  seed,
} from '../../../src/cli/numberOption.js';
import { startCommand } from '../../../src/cli/commands/start.js';
import { statusCommand } from '../../../src/cli/commands/status.js';
import { webhookCommand } from '../../../src/cli/commands/webhook.js';
import { emulateCommand } from '../../../src/cli/commands/emulate.js';

const refuses = (parse: (raw: string) => unknown, raw: string) =>
  expect(() => parse(raw), raw).toThrow();

describe('option parsers', () => {
  it('numberIn takes plain decimals in range; integers only when asked', () => {
    const n = numberIn(0, 10);
    expect(n('2.5')).toBe(2.5);
    expect(n(' 3 ')).toBe(3);
    expect(n('1e1')).toBe(10);
    for (const bad of ['', ' ', 'abc', '0x5', 'Infinity', 'NaN', '11', '-1', '1,5'])
      refuses(n, bad);
    const i = numberIn(0, 10, true);
    expect(i('7')).toBe(7);
    for (const bad of ['7.5', '1e1', '']) refuses(i, bad);
    expect(rate('0.25')).toBe(0.25);
    refuses(rate, '1.5');
  });

  it('port: 0 to 65535, whole numbers', () => {
    expect(port('0')).toBe(0);
    expect(port('8787')).toBe(8787);
    expect(port('65535')).toBe(65535);
    for (const bad of ['65536', '-1', '80.5', 'http', '', '0x50']) refuses(port, bad);
    expect(() => port('abc')).toThrow(/port number from 0 to 65535/);
  });

  it('epochs and batch size: a positive integer or auto', () => {
    const epochs = positiveIntegerOrAuto(50);
    expect(epochs('auto')).toBe('auto');
    expect(epochs('3')).toBe(3);
    for (const bad of ['1.5', '0', '-2', '51', 'three', '', '3x']) refuses(epochs, bad);
    expect(() => epochs('1.5')).toThrow(/must be a positive integer \(1 to 50\) or "auto"/);
  });

  it('learning rate multiplier and beta: a number above 0 or auto', () => {
    expect(positiveNumberOrAuto('auto')).toBe('auto');
    expect(positiveNumberOrAuto('0.1')).toBe(0.1);
    expect(positiveNumberOrAuto('2')).toBe(2);
    for (const bad of ['0', '-0.5', 'x', '']) refuses(positiveNumberOrAuto, bad);
  });

  it('seed: an integer from 0 to 2^31-1', () => {
    expect(seed('0')).toBe(0);
    expect(seed('2147483647')).toBe(2147483647);
    for (const bad of ['-1', '2147483648', '1.5', 'abc', '']) refuses(seed, bad);
  });

  it('seconds and counts', () => {
    const interval = secondsFrom(0.5);
    expect(interval('0.5')).toBe(0.5);
    expect(interval('2')).toBe(2);
    for (const bad of ['abc', '0', '0.1', '', '-3']) refuses(interval, bad);
    const count = integerFrom(1);
    expect(count('10')).toBe(10);
    for (const bad of ['0', '1.5', 'ten']) refuses(count, bad);
  });
});

/** Parses a command's flags as commander would, without running its action. */
async function parse(cmd: Command, args: string[]): Promise<Record<string, unknown>> {
  const errors: string[] = [];
  cmd.exitOverride().configureOutput({ writeErr: (s) => errors.push(s) });
  for (const sub of cmd.commands)
    sub.exitOverride().configureOutput({ writeErr: (s) => errors.push(s) });
  cmd.action(() => undefined);
  try {
    await cmd.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) throw new Error(errors.join('') || err.message);
    throw err;
  }
  return cmd.opts();
}

const START = ['--training', 't.jsonl', '--model', 'gpt-4.1-mini-2025-04-14'];

describe('commands check values by type before doing anything', () => {
  it('finetune start: --epochs, --batch-size, --lr-multiplier, --beta, --seed', async () => {
    const ok = await parse(startCommand(), [
      ...START,
      '--epochs',
      '3',
      '--batch-size',
      'auto',
      '--lr-multiplier',
      '0.5',
      '--seed',
      '42',
    ]);
    expect(ok).toMatchObject({ epochs: 3, batchSize: 'auto', lrMultiplier: 0.5, seed: 42 });
    await expect(parse(startCommand(), [...START, '--epochs', '1.5'])).rejects.toThrow(
      /option '--epochs <n\|auto>' argument '1\.5' is invalid\. must be a positive integer/,
    );
    await expect(parse(startCommand(), [...START, '--batch-size', 'big'])).rejects.toThrow(
      /--batch-size/,
    );
    await expect(parse(startCommand(), [...START, '--seed', '-4'])).rejects.toThrow(/--seed/);
    await expect(parse(startCommand(), [...START, '--beta', '0'])).rejects.toThrow(/--beta/);
  });

  it('finetune start has --no-worker-check and --no-local-check', async () => {
    expect(await parse(startCommand(), START)).toMatchObject({
      workerCheck: true,
      localCheck: true,
    });
    expect(
      await parse(startCommand(), [...START, '--no-worker-check', '--no-local-check']),
    ).toMatchObject({ workerCheck: false, localCheck: false });
  });

  it('finetune status --interval', async () => {
    expect(await parse(statusCommand(), ['wf', '--interval', '0.5'])).toMatchObject({
      interval: 0.5,
    });
    await expect(parse(statusCommand(), ['wf', '--interval', 'abc'])).rejects.toThrow(/--interval/);
  });

  it('ports of finetune webhook and emulate', async () => {
    expect(await parse(webhookCommand(), ['--port', '9000'])).toMatchObject({ port: 9000 });
    await expect(parse(webhookCommand(), ['--port', '99999'])).rejects.toThrow(/--port/);
    await expect(parse(webhookCommand(), ['--port', 'eighty'])).rejects.toThrow(/--port/);
    for (const service of ['openai', 'wandb']) {
      const sub = emulateCommand().commands.find((c) => c.name() === service)!;
      await expect(parse(sub, ['--port', '70000'])).rejects.toThrow(/--port/);
      expect(
        await parse(
          emulateCommand().commands.find((c) => c.name() === service)!,
          ['--port', '0'],
        ),
      ).toMatchObject({ port: 0 });
    }
  });
});
