import { describe, expect, it } from 'vitest';
import { decisionCommands, reachFlags, shellQuote } from '../../../src/shared/commandHints.js';

describe('reachFlags', () => {
  it('is empty for the defaults, so a printed command carries only what differs', () => {
    expect(reachFlags()).toBe('');
    expect(reachFlags({ address: 'localhost:7233', namespace: 'default' })).toBe('');
  });

  it('names another address and namespace, quoted for a shell', () => {
    expect(reachFlags({ address: '127.0.0.1:7301', namespace: 'default' })).toBe(
      ' --address 127.0.0.1:7301',
    );
    expect(reachFlags({ address: 'temporal.example:7233', namespace: 'team a' })).toBe(
      " --address temporal.example:7233 --namespace 'team a'",
    );
  });
});

describe('decisionCommands', () => {
  it('approve and reject as runnable command lines, the person and id quoted', () => {
    expect(decisionCommands("wf'1", 'Ann Lee', { address: '127.0.0.1:9' })).toEqual({
      approve: `npx finetune approve 'wf'\\''1' --by 'Ann Lee' --address 127.0.0.1:9`,
      reject: `npx finetune reject 'wf'\\''1' --by 'Ann Lee' --comment 'why not' --address 127.0.0.1:9`,
    });
    expect(shellQuote('finetune-1')).toBe('finetune-1');
  });
});
