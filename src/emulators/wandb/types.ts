import type { AliasMove } from './store/artifacts.js';
/** Public shapes of the W&B emulator: options, the running handle and its read-only state views. */

export interface WandbFaults {
  /** Probability (0..1) that a request is answered 503 instead of being handled. */
  rate5xx?: number;
  /** Probability (0..1) that a request is answered 429 with `Retry-After: 1`. */
  rate429?: number;
  /**
   * Probability (0..1) that a request is handled — its effects happen — but answered 503, as if
   * the response were lost on the way back. A client must retry idempotently.
   */
  rate5xxAfterHandling?: number;
  /** Added delay before every matching request. */
  latencyMs?: number;
  /** Only requests whose path matches are affected (default: every path). */
  onlyPaths?: RegExp;
}

export interface WandbEmulatorOptions {
  host?: string;
  port?: number;
  /** Accepted API keys (HTTP basic auth, user "api"). Default: any key of valid shape. */
  apiKeys?: string[];
  /** The viewer's default entity (default "sandbox"). */
  defaultEntity?: string;
  /**
   * The organization the default entity belongs to, whose entity owns W&B Registry projects
   * (`wandb-registry-<name>`). Default: none, as for a personal account.
   */
  organization?: { name: string; orgEntity: string };
  faults?: WandbFaults;
  /** Where blobs are kept (a temp dir by default, removed on close). */
  dataDir?: string;
  /**
   * Keep the state here between runs (the sandbox's `.sandbox/wandb`): loaded at start, written
   * after each change and on close, blobs included. Wins over `dataDir`.
   */
  stateDir?: string;
  /** A run with no file-stream traffic for this long reads as "crashed" (default 5 minutes). */
  heartbeatTimeoutMs?: number;
}

export type EmulatedRunState = 'running' | 'finished' | 'failed' | 'crashed' | 'preempting';

export interface EmulatedRunFile {
  name: string;
  size: number;
  /** base64 MD5 of the stored bytes. */
  md5: string;
}

export interface EmulatedArtifactRef {
  id: string;
  /** `<collection>:v<N>` once committed, `<collection>:<digest>` while pending. */
  name: string;
  type: string;
}

export interface EmulatedRun {
  id: string;
  entity: string;
  project: string;
  name: string;
  displayName: string | null;
  jobType: string | null;
  tags: string[];
  notes: string | null;
  group: string | null;
  /** Config as stored: `{key: {value: v}}` as the SDK sends it. */
  rawConfig: Record<string, unknown>;
  /** Config with the `{value}` wrapping removed (plain values kept as they are). */
  config: Record<string, unknown>;
  summary: Record<string, unknown>;
  /** Parsed history rows in line order (holes left by offset gaps are skipped). */
  history: Record<string, unknown>[];
  /** Console lines (`output.log`). */
  console: string[];
  /** Run files whose bytes were uploaded. */
  files: EmulatedRunFile[];
  /** Paths reported in the file stream's `uploaded` lists. */
  reportedUploaded: string[];
  state: EmulatedRunState;
  exitcode: number | null;
  inputs: EmulatedArtifactRef[];
  outputs: EmulatedArtifactRef[];
}

export interface EmulatedArtifactFile {
  path: string;
  /** base64 MD5 of the bytes. */
  digest: string;
  size: number;
  birthArtifactId: string | null;
  ref: string | null;
}

export interface EmulatedArtifactVersion {
  id: string;
  collection: string;
  type: string;
  versionIndex: number | null;
  digest: string;
  state: 'PENDING' | 'COMMITTED' | 'DELETED';
  aliases: string[];
  files: EmulatedArtifactFile[];
  metadata: Record<string, unknown> | null;
  description: string | null;
  createdByRun: string | null;
  usedByRuns: string[];
}

export interface WandbEmulatorStats {
  /** GraphQL requests by operation name (also ones that failed validation). */
  graphql: Record<string, number>;
  /** GraphQL requests by operation name that were answered with errors. */
  graphqlErrors: Record<string, number>;
  fileStreamPosts: number;
  uploads: number;
  faultsInjected: number;
}

/** The first request seen per GraphQL operation name: its document and variables. */
export interface RecordedOperation {
  query: string;
  variables: Record<string, unknown>;
}

export interface WandbEmulatorStateView {
  run(entity: string, project: string, runName: string): EmulatedRun | undefined;
  artifactVersions(entity: string, project: string, collection: string): EmulatedArtifactVersion[];
  stats(): WandbEmulatorStats;
  /** First document and variables per operation name (for recording what a client sends). */
  operations(): Record<string, RecordedOperation>;
  /** Every move of a user alias (not `latest`), oldest first. */
  aliasMoves(): AliasMove[];
}

export interface RunningWandbEmulator {
  /** Base URL, e.g. http://127.0.0.1:PORT — what WANDB_BASE_URL is set to. */
  url: string;
  close(): Promise<void>;
  setFaults(f: WandbFaults | undefined): void;
  state: WandbEmulatorStateView;
}
