// Public shapes of the dataset module. The report travels through Temporal history, so every
// per-line list in it is capped (see limits.ts) and it holds counts and summaries only.

import type { FineTuneMethodType } from '../shared/types.js';

/** `chat`: supervised messages; `completion`: legacy prompt/completion (babbage-002, davinci-002). */
export type DatasetFormat = 'chat' | 'completion' | 'dpo' | 'reinforcement' | 'unknown';

export interface ValidateDatasetOptions {
  /** Base model snapshot or `ft:` model; chooses the tokenizer, context limit and price. */
  model: string;
  method: FineTuneMethodType;
  /** The service rejects training files with fewer than 10 examples. */
  minExamples: number;
  piiScan: boolean;
  signal?: AbortSignal;
  /** Called at most about once a second while the file is read. */
  onProgress?: (p: { bytesRead: number; lines: number }) => void;
  /** `n_epochs` of the job when set; otherwise the service's default heuristic is used. */
  nEpochs?: number;
  /** Throttle for onProgress in milliseconds (default 1000). */
  progressIntervalMs?: number;
}

/** A problem at a 1-based line; line 0 means the whole file. */
export interface DatasetIssue {
  line: number;
  message: string;
}

/** Summary of a numeric column. p50/p90 are exact below 4096 and within 1% above. */
export interface Distribution {
  count: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p90: number;
}

export interface DatasetStats {
  /** Messages per role over all valid examples (DPO: input messages plus both outputs). */
  messagesByRole: Record<string, number>;
  messagesPerExample: Distribution;
  /** Examples with neither a system nor a developer message. */
  withoutSystem: number;
  withoutUser: number;
  withTools: number;
  withImages: number;
  images: number;
  /** Assistant messages marked `weight: 0` (not trained on). */
  untrainedAssistantMessages: number;
  blankLines: number;
}

export interface TokenReport {
  encoding: 'o200k_base' | 'cl100k_base';
  /** Training context of the model; examples beyond it are truncated by the service. */
  contextLimit: number;
  /** False when the model is not in our table and a default limit was assumed. */
  contextLimitKnown: boolean;
  total: number;
  /** Σ min(contextLimit, tokens of example): what one epoch is billed for. */
  billableTotal: number;
  overLimit: number;
  /** First line numbers of examples over the limit (capped). */
  overLimitLines: number[];
  perExample: Distribution;
  /** Tokens of trained assistant messages (DPO: the preferred output). */
  assistantPerExample: Distribution;
}

export interface CostEstimate {
  epochs: number;
  epochsFrom: 'nEpochs' | 'heuristic';
  estimatedTrainedTokens: number;
  /** USD per 1M training tokens, only when our price table knows the model and method. */
  pricePerMillionUsd?: number;
  estimatedUsd?: number;
  note?: string;
}

export interface PiiReport {
  emails: number;
  phones: number;
  cardNumbers: number;
  linesWithPii: number;
  /** First line numbers with a finding (capped). */
  lines: number[];
}

export interface DatasetReport {
  ok: boolean;
  /** Detected from the first recognisable line; `unknown` when no line was recognisable. */
  format: DatasetFormat;
  method: FineTuneMethodType;
  model: string;
  /** sha256 hex of the raw bytes. */
  digest: string;
  bytes: number;
  /** Physical lines read (a trailing newline does not start another line). */
  lines: number;
  /** Non-blank lines: the records a W&B Table or artifact `items` counts. */
  rows: number;
  /** Rows that passed every check. */
  examples: number;
  errors: DatasetIssue[];
  errorCount: number;
  warnings: DatasetIssue[];
  warningCount: number;
  stats: DatasetStats;
  tokens: TokenReport;
  cost?: CostEstimate;
  pii?: PiiReport;
}
