import { createHash } from 'node:crypto';

/** A run's key is 12 characters: it fits beside a person's suffix in a 64-character limit. */
export const RUN_KEY_LENGTH = 12;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * The run's key: `tf` + 10 base32 characters of sha256(workflow id, first run id). It goes in
 * the job's `suffix` on hosts that keep no job metadata (Together, OpenAI-compatible ones), so
 * a job is found as this run's by the key alone — a run id is never reused, so no other
 * pipeline's job carries it.
 */
export function runKey(workflowId: string, runId: string): string {
  const digest = createHash('sha256').update(`${workflowId}:${runId}`).digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < RUN_KEY_LENGTH - 2) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return `tf${out}`;
}
