import { describe, expect, it } from 'vitest';
import { DeliveryLedger } from '../../../src/webhooks/deliveryLedger.js';
import { redactSecrets } from '../../../src/shared/redact.js';
import { providerFileName } from '../../../src/activities/training/fileNames.js';

describe('DeliveryLedger', () => {
  it('accepts an id once and forgets the oldest beyond capacity', () => {
    const l = new DeliveryLedger(2);
    expect(l.firstTime('a')).toBe(true);
    expect(l.firstTime('a')).toBe(false);
    l.firstTime('b');
    l.firstTime('c'); // evicts a
    expect(l.firstTime('a')).toBe(true);
    l.forget('c');
    expect(l.firstTime('c')).toBe(true);
  });
});

describe('redactSecrets', () => {
  it('scrubs API keys, webhook secrets and auth headers', () => {
    const s = redactSecrets(
      'key sk-proj-abc123def456 secret whsec_c2VjcmV0c2VjcmV0 Bearer abcdefghijklmnop w 0123456789abcdef0123456789abcdef01234567',
    );
    expect(s).not.toMatch(/sk-proj|whsec_c2|abcdefghijklmnop|0123456789abcdef0123/);
    expect(s.match(/\[redacted\]/g)).toHaveLength(4);
  });
});

describe('providerFileName', () => {
  it('carries a digest prefix so the same content is found again', () => {
    expect(providerFileName('/data/train.jsonl', 'sha256:0123456789abcdef0123')).toBe(
      'train.sha256-0123456789abcdef.jsonl',
    );
    expect(providerFileName('/data/noext', 'sha256:ffffffffffffffffff')).toBe(
      'noext.sha256-ffffffffffffffff.jsonl',
    );
  });
});
