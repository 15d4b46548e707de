import { DistributionBuilder } from '../dataset/distribution.js';
import type { DatasetProfile } from '../shared/promotionTypes.js';

// A dataset's shape for the drift gate, accumulated one example at a time in constant memory.
// Pure (no Node built-ins): workflow code may import it. The file reader is in profileFile.ts.

/**
 * Bin edges of tokens per example: bin i holds [edges[i], edges[i+1]); the last bin is open.
 * Log-spaced, because token counts spread over orders of magnitude.
 */
export const TOKEN_BIN_EDGES: readonly number[] = Object.freeze([
  0,
  32,
  64,
  128,
  256,
  512,
  1024,
  2048,
  4096,
  8192,
  16384,
  Number.POSITIVE_INFINITY,
]);

/** Bin edges of messages per example: 1, 2, 3, 4, 5–6, 7–10, 11+. */
export const TURN_BIN_EDGES: readonly number[] = Object.freeze([
  1,
  2,
  3,
  4,
  5,
  7,
  11,
  Number.POSITIVE_INFINITY,
]);

/** Index of the bin holding `value`; values below the first edge go to the first bin. */
export function binIndex(edges: readonly number[], value: number): number {
  const last = edges.length - 2;
  for (let i = last; i > 0; i--) {
    if (value >= edges[i]!) return i;
  }
  return 0;
}

/** "0–31", "5–6", "16384+": readable names of the bins, for tables and summaries. */
export function binLabels(edges: readonly number[]): string[] {
  const labels: string[] = [];
  for (let i = 0; i < edges.length - 1; i++) {
    const lo = edges[i]!;
    const hi = edges[i + 1]!;
    if (hi === Number.POSITIVE_INFINITY) labels.push(`${lo}+`);
    else if (hi - lo === 1) labels.push(`${lo}`);
    else labels.push(`${lo}–${hi - 1}`);
  }
  return labels;
}

/**
 * What the profile needs of one example; the dataset module's `ExampleView` fits. Legacy
 * prompt/completion examples (no messages, `completion` set) count as two turns, with the roles
 * `prompt` and `completion`. DPO views list the input messages plus both outputs, as the
 * dataset statistics do.
 */
export interface ProfileExample {
  messages: readonly { role: string }[];
  completion?: unknown;
}

const SYSTEM_ROLES = new Set(['system', 'developer']);

/** Accumulates a DatasetProfile; feed it valid examples only (as validation counts them). */
export class ProfileBuilder {
  private examples = 0;
  private withSystem = 0;
  private readonly tokenBins: number[] = new Array<number>(TOKEN_BIN_EDGES.length - 1).fill(0);
  private readonly turnBins: number[] = new Array<number>(TURN_BIN_EDGES.length - 1).fill(0);
  private readonly roles = new Map<string, number>();
  private readonly tokens = new DistributionBuilder();

  /** `tokens`: the example's token count, or the dataset module's ExampleTokens. */
  add(example: ProfileExample, tokens: number | { total: number }): void {
    const total = typeof tokens === 'number' ? tokens : tokens.total;
    if (!Number.isFinite(total) || total < 0) {
      throw new RangeError(`token count must be a non-negative number, got ${total}`);
    }
    this.examples++;
    this.tokenBins[binIndex(TOKEN_BIN_EDGES, total)]!++;
    this.tokens.add(total);
    if (example.messages.length === 0 && example.completion !== undefined) {
      this.countRole('prompt');
      this.countRole('completion');
      this.turnBins[binIndex(TURN_BIN_EDGES, 2)]!++;
      return;
    }
    let system = false;
    for (const message of example.messages) {
      this.countRole(message.role);
      if (SYSTEM_ROLES.has(message.role)) system = true;
    }
    if (system) this.withSystem++;
    this.turnBins[binIndex(TURN_BIN_EDGES, example.messages.length)]!++;
  }

  build(): DatasetProfile {
    const roles: Record<string, number> = {};
    for (const role of [...this.roles.keys()].sort()) roles[role] = this.roles.get(role)!;
    const profile: DatasetProfile = {
      examples: this.examples,
      tokenBins: [...this.tokenBins],
      turnBins: [...this.turnBins],
      roles,
      systemShare: this.examples === 0 ? 0 : this.withSystem / this.examples,
    };
    if (this.examples > 0) profile.tokenMedian = this.tokens.percentile(0.5);
    return profile;
  }

  private countRole(role: string): void {
    this.roles.set(role, (this.roles.get(role) ?? 0) + 1);
  }
}
