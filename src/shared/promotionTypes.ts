import type { ServingRecord } from './providerTypes.js';
import type { DatasetMoveResult, DatasetRemovalResult, PrunedServing } from './aliasMoveResults.js';
import type { CorpusChange, KbPiiFindings, RetrievalReport } from './kbGateTypes.js';
import type {
  CandidateIdentity,
  PolicySummary,
  QuorumStatus,
  SignedDecision,
  SignedVote,
} from './approvalTypes.js';

// Types of governed promotion: gates, the approval decision, promotion and rollback.
// Workflow-safe (no Node imports); everything here travels through workflow history, so it holds
// verdicts, scores and refs, never dataset rows.

/** What a gate does with a bad measurement: nothing, tell the approver, or refuse promotion. */
export type GatePolicy = 'off' | 'warn' | 'block';
/** `skipped`: the gate could not measure (no baseline, no eval data); it never blocks. */
export type GateVerdict = 'pass' | 'warn' | 'block' | 'skipped' | 'off';
/** The fine-tune's gates, then the knowledge base's (corpusChange, retrieval; pii is shared). */
export type GateName = 'pii' | 'tokenLimit' | 'drift' | 'eval' | 'corpusChange' | 'retrieval';

export interface GateResult {
  gate: GateName;
  policy: GatePolicy;
  verdict: GateVerdict;
  /** One line for the approver (CLI, UI current details, W&B metadata). */
  summary: string;
  pii?: PiiFindings;
  drift?: DriftReport;
  eval?: EvalReport;
  /** Knowledge base: PII in its documents (by document, not line). */
  kbPii?: KbPiiFindings;
  corpus?: CorpusChange;
  retrieval?: RetrievalReport;
}

export interface PiiFindings {
  emails: number;
  phones: number;
  cardNumbers: number;
  /** First line numbers with a finding (capped). */
  lines: number[];
}

/** A dataset's shape, small enough for artifact metadata: what drift is measured on. */
export interface DatasetProfile {
  examples: number;
  /** Counts per bin of tokens per example; bin edges are TOKEN_BIN_EDGES (src/gates/profile.ts). */
  tokenBins: number[];
  /** Counts per bin of messages per example; edges TURN_BIN_EDGES. */
  turnBins: number[];
  /** Messages per role over all examples. */
  roles: Record<string, number>;
  /** Share (0..1) of examples with a system or developer message. */
  systemShare: number;
  /**
   * Median tokens per example (exact below 4096, within 1% above), for readable drift values.
   * Optional: profiles without it fall back to an estimate from `tokenBins`.
   */
  tokenMedian?: number;
}

export interface DriftFeature {
  feature: 'examples' | 'tokens' | 'turns' | 'roles' | 'systemShare';
  /** psi: population stability index; js: Jensen–Shannon divergence (base 2, 0..1); relative: |a-b|/b. */
  metric: 'psi' | 'js' | 'relative' | 'absolute';
  distance: number;
  threshold: number;
  exceeded: boolean;
  /** Human-readable values, e.g. "mean 212 tokens" vs "mean 180 tokens". */
  candidate: string;
  baseline: string;
}

export interface DriftReport {
  /**
   * The training dataset version of the model in production (found through that model's
   * lineage, whatever the file was called), or null when no model is in production.
   */
  baseline: string | null;
  /** The production model version whose training set is the baseline (absent in older reports). */
  productionModel?: string | null;
  features: DriftFeature[];
}

export type GraderKind = 'exact' | 'contains' | 'regex' | 'model';

export interface EvalModelScore {
  role: 'candidate' | 'base' | 'production';
  model: string;
  /** Mean score 0..1 per grader. */
  scores: Partial<Record<GraderKind, number>>;
  /** The primary score (the configured grader's mean), 0..1. */
  score: number;
  promptTokens: number;
  completionTokens: number;
  /** USD, only when the price table knows the model. */
  usd?: number;
  errors: number;
}

export interface EvalReport {
  /** Where the examples came from: the validation file or a named dataset version. */
  dataset: string;
  examples: number;
  primary: GraderKind;
  models: EvalModelScore[];
  /** candidate − base, candidate − production (primary score). */
  deltaVsBase?: number;
  deltaVsProduction?: number;
  threshold?: number;
  /** W&B Table with one row per example and model, when W&B is on. */
  tableRef?: string;
  /** Tokens and USD of the whole eval, grader calls included. */
  totalTokens: number;
  totalUsd?: number;
  /** The model that gave the model-graded score. */
  graderModel?: string;
}

export interface GateConfig {
  /** PII in the training data; default: the pipeline's piiScan when set, else warn. */
  pii?: GatePolicy;
  /** Examples over the model's context limit (truncated by the service). Default warn. */
  tokenLimit?: GatePolicy;
  drift?: GatePolicy;
  driftThresholds?: Partial<Record<DriftFeature['feature'], number>>;
  eval?: GatePolicy;
  evalOptions?: EvalOptions;
}

export interface EvalOptions {
  /** A W&B dataset version (`entity/project/name:alias`) to evaluate on; default the validation file. */
  dataset?: string;
  /** At most this many examples (default 50). */
  maxExamples?: number;
  /** The score that decides (default `model` when a grader model is set, else `exact`). */
  primary?: GraderKind;
  /** Regex graded against the answer (grader `regex`). */
  regex?: string;
  /** Model used for the model-graded score (default gpt-4.1-mini-2025-04-14). */
  graderModel?: string;
  /** Block (or warn) when the candidate's primary score is below this (0..1). */
  minScore?: number;
  /** Block (or warn) when candidate − base is below this (default 0: not worse than base). */
  minDeltaVsBase?: number;
  /** Block (or warn) when candidate − production is below this (default −0.05). */
  minDeltaVsProduction?: number;
  /** The base model to compare with; default the pipeline's base model. */
  baseModel?: string;
  /** Also compare with the model in production (default true; off for a migration, whose
   * production model lives at another provider). */
  compareProduction?: boolean;
}

export type DecisionKind = 'approve' | 'reject';
export type DecisionChannel = 'signal' | 'update' | 'auto' | 'timeout' | 'gate';

export interface DecisionRequest {
  by: string;
  comment?: string;
  /** A signed decision (required when the pipeline follows an approval policy). */
  signed?: SignedDecision;
}

export interface Decision {
  decision: DecisionKind;
  by: string;
  comment?: string;
  how: DecisionChannel;
  /** ISO 8601, workflow time. */
  at: string;
  /**
   * Under an approval policy: the signed decisions that made it (each verified). False: no
   * policy, so `by` is the name as typed, not verified. Absent in runs from before signing.
   */
  verified?: boolean;
  signed?: SignedVote[];
}

/** A signal or Update that was refused; kept so nobody's word is silently lost. */
export interface IgnoredRequest {
  decision: DecisionKind;
  by: string;
  comment?: string;
  how: DecisionChannel;
  at: string;
  reason: string;
  /** A request without a valid signature where the policy requires one. */
  unverified?: true;
}

export interface PromotionConfig {
  /** People allowed to decide; empty or absent means anyone who can signal the workflow. */
  approvers?: string[];
  /** The starter (`startedBy`) may not approve their own pipeline. */
  requireSecondPerson?: boolean;
  /** Who started the pipeline (the CLI fills in the OS user). */
  startedBy?: string;
  /** ms; absent means wait for as long as it takes. */
  approvalTimeoutMs?: number;
  /** What the timeout decides (default reject). */
  onTimeout?: DecisionKind;
  /** Scripted runs: approve at once as this person (recorded with how = auto). */
  autoApprove?: { by: string; comment?: string };
  /** The alias that marks what serves (default `production`). */
  alias?: string;
  /** Link the promoted version into a registry collection. */
  registry?: { collection: string; kind?: 'registry' | 'legacy'; registryName?: string };
  /**
   * After promoting, remove the deployments (Azure) of earlier versions that no alias points to.
   * The version the new one replaced keeps its deployment: it is what a rollback returns to.
   */
  pruneDeployments?: boolean;
  /**
   * Where the promoted model runs, for providers that serve on dedicated hardware billed by the
   * minute (else the worker's defaults, e.g. TOGETHER_ENDPOINT_HARDWARE).
   */
  serving?: { hardware?: string; minReplicas?: number; maxReplicas?: number };
  gates?: GateConfig;
}

export const DEFAULT_PROMOTION_ALIAS = 'production';
export const CANDIDATE_ALIAS = 'candidate';

/** What a promotion changed (or, with W&B off, why nothing moved). */
export interface PromotionOutcome {
  promoted: boolean;
  alias: string;
  /** `entity/project/model-metadata:vN` of the new version (a knowledge base: `<kb>-index:vN`). */
  modelVersion?: string;
  /** The version that held the alias before, or null when this is the first. */
  replaced?: string | null;
  datasetVersions: DatasetMoveResult[];
  /** Dataset versions of the replaced model that lost the alias (trained in other collections). */
  datasetsRemoved?: DatasetRemovalResult[];
  registryLink?: string;
  /** How the promoted model is called now (Azure: its deployment). */
  serving?: ServingRecord;
  /** With pruneDeployments: the deployments of earlier versions removed (or not, and why). */
  prunedDeployments?: PrunedServing[];
  /** Why nothing was moved (W&B off, a blocking gate, …). */
  note?: string;
  /** A knowledge base: the store's own `production` pointer, which is what RAG services read. */
  index?: IndexPointerOutcome;
}

/** How a knowledge base's store pointer moved at promotion or rollback. */
export interface IndexPointerOutcome {
  kb: string;
  /** `lancedb` or `postgres`, and where (a folder, or a URI without its password). */
  store: string;
  location: string;
  /** The store's version id production held before (null: none) and holds now. */
  from: string | null;
  to: string;
  /** False when it already held `to` (a retried move). */
  moved: boolean;
}

export interface ApprovalRecord {
  gates: GateResult[];
  decision?: Decision;
  ignored: IgnoredRequest[];
  promotion?: PromotionOutcome;
  /** The approval policy recorded at the start (absent: none, or a run from before signing). */
  policy?: PolicySummary;
  /** Said when no policy applies: decisions are names as typed, not verified. */
  note?: string;
  /** What a signed decision is bound to, once known. */
  candidate?: { identity: CandidateIdentity; digest: string };
  /** Signed approvals taken so far (counted towards the quorum), and signed rejections. */
  votes?: SignedVote[];
  quorum?: QuorumStatus;
}

/**
 * What `decidePromotion` returns to the caller: the decision and what moved, or (a signed
 * approval short of the quorum) the approval recorded and what is still needed.
 */
export interface DecisionReply {
  accepted: true;
  decision?: Decision;
  promotion?: PromotionOutcome;
  /** Recorded as one approval of those needed; the pipeline keeps waiting. */
  pending?: QuorumStatus;
}
