import type { Random } from '../openai/random.js';

const HEX = '0123456789abcdef';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Ids in Together's shapes: `file-<uuid>` and `ft-<uuid>` (docs and spec examples),
 * `endpoint-<uuid>` (spec), and the v2 resource prefixes `ep_`, `dep_`, `cr_`, `ml_`, `rv_`
 * (facts sheet §7.3; what follows the prefix is a guess). Seeded, so a run with a seed repeats.
 */
export class TogetherIds {
  constructor(private readonly random: Random) {}

  private pick(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.random() * alphabet.length)];
    return out;
  }

  /** A version-4 UUID drawn from the seeded stream. */
  uuid(): string {
    const h = this.pick(HEX, 32).split('');
    h[12] = '4';
    h[16] = HEX[(Number.parseInt(h[16]!, 16) & 0x3) | 0x8]!;
    const s = h.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }

  file = (): string => `file-${this.uuid()}`;
  job = (): string => `ft-${this.uuid()}`;
  v1Endpoint = (): string => `endpoint-${this.uuid()}`;
  v2 = (prefix: 'ep' | 'dep' | 'cr' | 'ml' | 'rv' | 'proj' | 'org' | 'key' | 'user'): string =>
    `${prefix}_${this.pick(LOWER_ALNUM, 24)}`;
  /** The hex tag at the end of an output model name and in event hashes. */
  tag = (length = 8): string => this.pick(HEX, length);
  /** A job's training seed when the request names none (the SDK says the default is e.g. 42). */
  seed = (): number => Math.floor(this.random() * 2_147_483_647);
}
