import { describe, expect, it } from 'vitest';
import { enqueue } from '../../../src/workflows/aliasLock.js';

describe('the alias lock queue', () => {
  it('adds newcomers at the back, in order, once each', () => {
    expect(enqueue([], { waiters: ['a'], front: false })).toEqual(['a']);
    expect(enqueue(['a', 'b'], { waiters: ['c', 'a', 'c'], front: false })).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('puts movers that were handed the lock and lost it to a newcomer first, with their queue', () => {
    expect(enqueue(['n1', 'x'], { waiters: ['h', 'x'], front: true })).toEqual(['h', 'x', 'n1']);
  });

  it('keeps the queue as it was for nobody', () => {
    expect(enqueue(['a'], { waiters: [], front: true })).toEqual(['a']);
  });
});
