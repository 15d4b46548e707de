import { createHash } from 'node:crypto';
import type { EmbeddingInput } from './embeddingRequest.js';

/** One answered (or held) embeddings request: which texts it carried, as digests. */
export interface EmbeddingRequestRecord {
  seq: number;
  model: string;
  /** sha256 (16 hex) of each input's text, or of its token ids. */
  digests: string[];
  /** Counted and then held without an answer (holdEmbeddings). */
  held: boolean;
}

/** A request held unanswered until `release()` or the emulator closes. */
export interface EmbeddingHold {
  /** The held request once it has come, else undefined. */
  request(): EmbeddingRequestRecord | undefined;
  /** Lets the held request go on (answered 500, like an interrupted upstream). */
  release(): void;
}

export const inputDigest = (input: EmbeddingInput): string =>
  createHash('sha256')
    .update('text' in input ? input.text : JSON.stringify(input.tokens))
    .digest('hex')
    .slice(0, 16);

interface ArmedHold {
  remaining: number;
  got?: EmbeddingRequestRecord;
  release: () => void;
  released: Promise<void>;
}

/**
 * Every embeddings request the emulator counted, by input digest, and the holds a test arms: the
 * `nth` request from arming is counted (its inputs were received and embedded) and then held, so a
 * test can kill its client while that batch is in flight, at a moment it chooses, not by a sleep.
 */
export class EmbeddingLog {
  readonly records: EmbeddingRequestRecord[] = [];
  private readonly armed: ArmedHold[] = [];
  private seq = 0;

  hold(nth: number): EmbeddingHold {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const entry: ArmedHold = { remaining: Math.max(1, Math.floor(nth)), release, released };
    this.armed.push(entry);
    return { request: () => entry.got, release };
  }

  /** Records an answered request; resolves when it may be answered (false: it was held, answer 500). */
  async record(model: string, inputs: readonly EmbeddingInput[]): Promise<boolean> {
    const rec: EmbeddingRequestRecord = {
      seq: ++this.seq,
      model,
      digests: inputs.map(inputDigest),
      held: false,
    };
    this.records.push(rec);
    let holdOn: Promise<void> | undefined;
    for (const a of this.armed) {
      if (a.got) continue;
      a.remaining -= 1;
      if (a.remaining === 0 && !holdOn) {
        a.got = rec;
        rec.held = true;
        holdOn = a.released;
      }
    }
    if (!holdOn) return true;
    await holdOn;
    return false;
  }

  releaseAll(): void {
    for (const a of this.armed) a.release();
  }
}
