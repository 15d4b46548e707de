import { describe, expect, it } from 'vitest';
import { resultsRowToHistory } from '../../../src/providers/openaiApi/results.js';

describe('resultsRowToHistory', () => {
  it('makes step the W&B step and every numeric cell a number', () => {
    expect(
      resultsRowToHistory({
        step: '7',
        train_loss: '1.25',
        train_accuracy: '0.5',
        valid_loss: '2',
      }),
    ).toEqual({ step: 7, values: { train_loss: 1.25, train_accuracy: 0.5, valid_loss: 2 } });
  });

  it('leaves empty cells out, so sparse columns never log zeros', () => {
    const row = resultsRowToHistory({
      step: '3',
      train_loss: '0.9',
      valid_loss: '',
      valid_mean_token_accuracy: '',
    });
    expect(row).toEqual({ step: 3, values: { train_loss: 0.9 } });
    expect(row?.values).not.toHaveProperty('valid_loss');
  });

  it('a blank cell is left out, not read as 0', () => {
    expect(resultsRowToHistory({ step: '4', train_loss: ' ', valid_loss: '0' })).toEqual({
      step: 4,
      values: { valid_loss: 0 },
    });
  });

  it('keeps text cells as text instead of failing', () => {
    expect(resultsRowToHistory({ step: '1', phase: 'warmup', train_loss: '1e-3' })).toEqual({
      step: 1,
      values: { phase: 'warmup', train_loss: 0.001 },
    });
  });

  it('keeps column names verbatim', () => {
    const row = resultsRowToHistory({ step: '2', full_valid_mean_token_accuracy: '0.75' });
    expect(Object.keys(row?.values ?? {})).toEqual(['full_valid_mean_token_accuracy']);
  });

  it('a row without a usable step is not a history line', () => {
    for (const step of ['', '  ', 'x', '1.5', '-1']) {
      expect(resultsRowToHistory({ step, train_loss: '1' })).toBeUndefined();
    }
    expect(resultsRowToHistory({ train_loss: '1' })).toBeUndefined();
  });

  it('step 0 is a valid step', () => {
    expect(resultsRowToHistory({ step: '0', train_loss: '3' })).toEqual({
      step: 0,
      values: { train_loss: 3 },
    });
  });
});
