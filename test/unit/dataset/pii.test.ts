import { describe, expect, it } from 'vitest';
import { findPii, luhnValid, PiiScanner } from '../../../src/dataset/pii.js';
import { fixture, validate } from './support.js';

describe('PII scan', () => {
  it('finds the e-mail, both phones and the Luhn-valid card in pii.jsonl, with their lines', async () => {
    const r = await validate(fixture('pii.jsonl'), { piiScan: true });
    expect(r.ok).toBe(true); // PII is a finding, not a format error; the caller decides
    expect(r.pii).toEqual({
      emails: 1,
      phones: 2,
      cardNumbers: 1,
      linesWithPii: 4,
      lines: [2, 4, 6, 9],
    });
  });

  it('is absent when not asked for', async () => {
    const r = await validate(fixture('pii.jsonl'), { piiScan: false });
    expect(r.pii).toBeUndefined();
  });

  it('checks card numbers with Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('5500005555555559')).toBe(true);
  });

  it('ignores dates, times, plain ids and version numbers', () => {
    for (const text of [
      'delivered 2024-01-15 at 10:30',
      'ticket 1700000000 and order 123456',
      'version 1.2.3.4',
    ]) {
      expect(findPii(text), text).toEqual({ emails: 0, phones: 0, cardNumbers: 0 });
    }
  });

  it('skips base64 images, whose digit runs would pass Luhn by chance', () => {
    const scanner = new PiiScanner();
    scanner.scan(1, `{"url": "data:image/png;base64,${'4111111111111111'.repeat(20)}"}`);
    expect(scanner.result().linesWithPii).toBe(0);
    expect(findPii('4111111111111111').cardNumbers).toBe(1); // the same digits outside an image count
  });

  it('counts formatted phone numbers of several styles', () => {
    // +4915112345678 also passes Luhn; a leading + makes it a phone number, not a card.
    expect(findPii('call +1-202-555-0143 or 202.555.0143 or +4915112345678')).toMatchObject({
      phones: 3,
      cardNumbers: 0,
    });
    expect(findPii('card 5500-0055-5555-5559 and mail a.b+c@mail.example.org').cardNumbers).toBe(1);
    expect(findPii('mail a.b+c@mail.example.org').emails).toBe(1);
  });
});
