import { randomBytes } from 'node:crypto';
import type { Random } from './random.js';

export const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const HEX = '0123456789abcdef';

/** Ids in the shapes the real API uses (`file-…`, `upload_…`, `ftjob-…`, …). */
export class IdFactory {
  constructor(protected readonly random: Random) {}

  protected pick(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.random() * alphabet.length)];
    return out;
  }

  file = (): string => `file-${this.pick(ALPHANUMERIC, 22)}`;
  upload = (): string => `upload_${this.pick(ALPHANUMERIC, 24)}`;
  part = (): string => `part_${this.pick(ALPHANUMERIC, 24)}`;
  job = (): string => `ftjob-${this.pick(ALPHANUMERIC, 24)}`;
  event = (): string => `ftevent-${this.pick(ALPHANUMERIC, 24)}`;
  checkpoint = (): string => `ftckpt_${this.pick(ALPHANUMERIC, 24)}`;
  organization = (): string => `org-${this.pick(ALPHANUMERIC, 24)}`;
  webhookEvent = (): string => `evt_${this.pick(HEX, 32)}`;
  webhookDelivery = (): string => `wh_${this.pick(HEX, 32)}`;
  /** The 8-character tag at the end of a fine-tuned model name. */
  modelTag = (): string => this.pick(ALPHANUMERIC, 8);
  /** A job seed when the request gives none (the API generates one and echoes it). */
  jobSeed = (): number => Math.floor(this.random() * 2_147_483_647);
}

/** Request ids are never part of a repeatable run, so they do not consume the seeded stream. */
export function requestId(): string {
  return `req_${randomBytes(16).toString('hex')}`;
}

/**
 * `chatcmpl-` and 29 letters or digits. Not seeded either: evaluations call chat concurrently,
 * and their order must not shift the ids of files and jobs in a seeded run.
 */
export function chatCompletionId(): string {
  const bytes = randomBytes(29);
  let out = 'chatcmpl-';
  for (const b of bytes) out += ALPHANUMERIC[b % ALPHANUMERIC.length];
  return out;
}
