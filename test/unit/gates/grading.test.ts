import { describe, expect, it } from 'vitest';
import {
  aggregateScores,
  compileRegex,
  gradeContains,
  gradeExact,
  gradeRegex,
  InvalidRegexError,
  MAX_REGEX_LENGTH,
  normalizeAnswer,
  type DeterministicGrader,
} from '../../../src/gates/grading.js';

/** The deterministic graders the eval gate runs on one answer, together. */
function gradeAnswer(
  answer: string,
  reference: string,
  regex?: RegExp,
): Partial<Record<DeterministicGrader, number>> {
  const scores: Partial<Record<DeterministicGrader, number>> = {
    exact: gradeExact(answer, reference),
    contains: gradeContains(answer, reference),
  };
  if (regex) scores.regex = gradeRegex(answer, regex);
  return scores;
}

describe('normalizeAnswer', () => {
  it('folds case, whitespace and punctuation', () => {
    expect(normalizeAnswer('  Paris.  ')).toBe('paris');
    expect(normalizeAnswer('PARIS!!!')).toBe('paris');
    expect(normalizeAnswer('Hello,\n\tWorld?')).toBe('hello world');
    expect(normalizeAnswer('"Yes" — of course')).toBe('yes of course');
    expect(normalizeAnswer('**42**')).toBe('42');
    expect(normalizeAnswer('well-known')).toBe('well known');
  });

  it("drops apostrophes instead of splitting words: don't = dont", () => {
    expect(normalizeAnswer("Don't")).toBe('dont');
    expect(normalizeAnswer('Don’t')).toBe('dont');
  });

  it('keeps punctuation inside numbers and a leading minus', () => {
    expect(normalizeAnswer('3.14')).toBe('3.14');
    expect(normalizeAnswer('The answer is 3.14.')).toBe('the answer is 3.14');
    expect(normalizeAnswer('1,000')).toBe('1,000');
    expect(normalizeAnswer('10:30')).toBe('10:30');
    expect(normalizeAnswer('-5')).toBe('-5');
    expect(normalizeAnswer('−5')).toBe('-5'); // U+2212 minus sign
    expect(normalizeAnswer('3.14')).not.toBe(normalizeAnswer('31.4'));
  });

  it('normalises Unicode forms and invisible characters', () => {
    expect(normalizeAnswer('ＰＡＲＩＳ')).toBe('paris'); // full-width
    expect(normalizeAnswer('Pa\u200bris')).toBe('paris'); // zero-width space
    expect(normalizeAnswer('caf\u0065\u0301')).toBe(normalizeAnswer('café')); // combining accent
    expect(normalizeAnswer('a\u00a0b')).toBe('a b'); // no-break space
  });

  it('keeps symbols that change the meaning', () => {
    expect(normalizeAnswer('$5')).not.toBe(normalizeAnswer('5'));
    expect(normalizeAnswer('50%')).toBe('50%');
  });
});

describe('gradeExact', () => {
  it('matches after normalisation only', () => {
    expect(gradeExact(' paris. ', 'Paris')).toBe(1);
    expect(gradeExact('Paris, France', 'Paris')).toBe(0);
    expect(gradeExact('21', '21.0')).toBe(0);
    expect(gradeExact('', '')).toBe(1);
  });
});

describe('gradeContains', () => {
  it('finds the reference as whole words', () => {
    expect(gradeContains('The capital is PARIS, of course.', 'paris')).toBe(1);
    expect(gradeContains('It is 14.', '4')).toBe(0);
    expect(gradeContains('It is 4.', '4')).toBe(1);
    expect(gradeContains('pi is about 3.14', '3')).toBe(0);
    expect(gradeContains('New   York City', 'new york')).toBe(1);
    expect(gradeContains('Newark', 'new')).toBe(0);
  });

  it('does not treat an empty reference as contained in everything', () => {
    expect(gradeContains('anything', '')).toBe(0);
    expect(gradeContains('  ...  ', '!')).toBe(1);
  });
});

describe('compileRegex and gradeRegex', () => {
  it('compiles bare patterns and /pattern/flags', () => {
    expect(gradeRegex('Yes, it is.', compileRegex('^yes\\b'))).toBe(0);
    expect(gradeRegex('Yes, it is.', compileRegex('/^yes\\b/i'))).toBe(1);
    expect(compileRegex('/a.b/s').flags).toBe('s');
    expect(gradeRegex('order A1234 shipped', compileRegex('A\\d{4}'))).toBe(1);
  });

  it('refuses an invalid regex with a clear error', () => {
    expect(() => compileRegex('(unclosed')).toThrow(InvalidRegexError);
    expect(() => compileRegex('(unclosed')).toThrow(/eval regex "\(unclosed" is invalid/);
    expect(() => compileRegex('')).toThrow(/empty/);
    expect(() => compileRegex('x'.repeat(MAX_REGEX_LENGTH + 1))).toThrow(/at most/);
  });

  it('refuses stateful flags, and a stateful RegExp passed in does not alternate', () => {
    expect(() => compileRegex('/yes/g')).toThrow(/only i, m, s and u/);
    expect(() => compileRegex('/yes/y')).toThrow(InvalidRegexError);
    const global = /yes/g;
    expect([1, 2, 3].map(() => gradeRegex('yes', global))).toEqual([1, 1, 1]);
  });

  it('grades the raw answer, not the normalised one', () => {
    expect(gradeRegex('Total: $12.50', compileRegex('\\$\\d+\\.\\d{2}'))).toBe(1);
  });
});

describe('gradeAnswer', () => {
  it('gives exact and contains, and regex only with one', () => {
    expect(gradeAnswer('Paris.', 'paris')).toEqual({ exact: 1, contains: 1 });
    expect(gradeAnswer('It is Paris', 'paris', compileRegex('^It'))).toEqual({
      exact: 0,
      contains: 1,
      regex: 1,
    });
  });
});

describe('aggregateScores', () => {
  it('averages per grader and counts failures apart, not as 0', () => {
    const result = aggregateScores([
      { exact: 1, contains: 1, model: 0.8 },
      { exact: 0, contains: 1, model: null },
      { exact: 0, contains: 0, model: 0.4 },
      { exact: 1, contains: 1, model: 1 },
    ]);
    expect(result.scores.exact).toBe(0.5);
    expect(result.scores.contains).toBe(0.75);
    expect(result.scores.model).toBeCloseTo((0.8 + 0.4 + 1) / 3, 12); // not / 4
    expect(result.graded).toEqual({ exact: 4, contains: 4, model: 3 });
    expect(result.errors).toEqual({ model: 1 });
    expect(result.failedRows).toBe(1);
    expect(result.scores.regex).toBeUndefined();
  });

  it('treats out-of-range and non-finite scores as failures', () => {
    const result = aggregateScores([{ model: 1.5 }, { model: Number.NaN }, { model: 0.5 }]);
    expect(result.scores.model).toBe(0.5);
    expect(result.errors.model).toBe(2);
    expect(result.failedRows).toBe(2);
  });

  it('leaves out a grader that failed on every row, and handles no rows', () => {
    const result = aggregateScores([{ model: null }, { model: null }]);
    expect(result.scores).toEqual({});
    expect(result.errors).toEqual({ model: 2 });
    expect(aggregateScores([])).toEqual({ scores: {}, graded: {}, errors: {}, failedRows: 0 });
  });
});
