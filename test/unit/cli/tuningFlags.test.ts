import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addTuningFlags, tuningFromFlags, type TuningFlags } from '../../../src/cli/tuningFlags.js';

const parse = (argv: string[]): TuningFlags =>
  addTuningFlags(new Command('start').exitOverride())
    .parse(argv, { from: 'user' })
    .opts<TuningFlags>();

describe('start: open-weight settings and the price ceiling', () => {
  it('LoRA settings, learning rate and --max-cost become the pipeline input', () => {
    const f = parse([
      '--lora-r',
      '16',
      '--lora-dropout',
      '0.05',
      '--learning-rate',
      '2e-5',
      '--max-cost',
      '25',
    ]);
    expect(tuningFromFlags(f)).toEqual({
      lora: { r: 16, dropout: 0.05 },
      learningRate: 2e-5,
    });
    expect(f.maxCost).toBe(25);
    expect(tuningFromFlags(parse([]))).toBeUndefined();
    expect(tuningFromFlags(parse(['--full']))).toEqual({ type: 'full' });
  });

  it('refuses --full with LoRA settings, and bad numbers before anything runs', () => {
    expect(() => tuningFromFlags(parse(['--full', '--lora-r', '8']))).toThrow(
      /--full trains every weight/,
    );
    expect(() => parse(['--lora-dropout', '1'])).toThrow(/0 to 0.999/);
    expect(() => parse(['--max-cost', 'lots'])).toThrow(/expected a number/);
  });
});
