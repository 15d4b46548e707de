import { MAX_KEPT_LINE_NUMBERS } from './limits.js';
import type { PiiReport } from './types.js';

// Heuristic patterns, tuned to avoid the usual false alarms in training data: a card number must
// pass the Luhn check; a phone number must look formatted (a leading + or separated digit
// groups), so ids, timestamps and dates such as 2024-01-15 do not count.
// The lookbehind anchors at the start of a word run; without it long runs backtrack quadratically.
const EMAIL =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const CARD_CANDIDATE = /(?<![\d+-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const PHONE_PATTERNS = [
  // International: +44 20 7946 0958, +1-202-555-0143, +4915112345678
  /(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}(?!\d)/g,
  // North American style: (202) 555-0143, 202-555-0143, 202.555.0143
  /(?<!\d)(?:\(\d{3}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4}(?!\d)/g,
];

const DATA_URL = /data:[a-z]+\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=]*/gi;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export interface PiiCounts {
  emails: number;
  phones: number;
  cardNumbers: number;
}

/** Counts findings in one text; card numbers are blanked before the phone search. */
export function findPii(text: string): PiiCounts {
  const emails = text.includes('@') ? (text.match(EMAIL)?.length ?? 0) : 0;
  let cardNumbers = 0;
  const rest = text.replace(CARD_CANDIDATE, (candidate) => {
    const digits = candidate.replace(/\D/g, '');
    if (!luhnValid(digits)) return candidate;
    cardNumbers++;
    return ' '.repeat(candidate.length);
  });
  let phones = 0;
  let remaining = emails > 0 ? rest.replace(EMAIL, ' ') : rest;
  for (const pattern of PHONE_PATTERNS) {
    remaining = remaining.replace(pattern, (match) => {
      if (match.replace(/\D/g, '').length >= 7) phones++;
      return ' ';
    });
  }
  return { emails, phones, cardNumbers };
}

export class PiiScanner {
  private readonly report: PiiReport = {
    emails: 0,
    phones: 0,
    cardNumbers: 0,
    linesWithPii: 0,
    lines: [],
  };

  scan(lineNumber: number, text: string): void {
    // Base64 images are long runs of digits and letters that would only produce noise.
    const found = findPii(text.replace(DATA_URL, ''));
    if (found.emails + found.phones + found.cardNumbers === 0) return;
    this.report.emails += found.emails;
    this.report.phones += found.phones;
    this.report.cardNumbers += found.cardNumbers;
    this.report.linesWithPii++;
    if (this.report.lines.length < MAX_KEPT_LINE_NUMBERS) this.report.lines.push(lineNumber);
  }

  result(): PiiReport {
    return { ...this.report, lines: [...this.report.lines] };
  }
}
