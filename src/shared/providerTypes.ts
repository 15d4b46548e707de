// Provider facts that travel through workflow history. Workflow-safe.

/** Whether a base model can still be trained here, and how long it and its fine-tunes serve. */
export interface RunwayReport {
  provider: string;
  model: string;
  /** ISO date after which no new job can be created (null: none announced). */
  trainableUntil: string | null;
  /** ISO date after which the model (and fine-tunes of it) stop answering (null: none announced). */
  servingUntil: string | null;
  ok: boolean;
  /** Why training cannot go ahead, naming the date and the way out. */
  problem?: string;
  /** A warning for the person (e.g. fine-tunes stop serving within 30 days). */
  warning?: string;
  /**
   * What the provider's limits say of this request (context length, LoRA or full, batch sizes),
   * when it publishes them; the request was refused before anything was uploaded otherwise.
   */
  limits?: string;
  /** The provider estimates the training price only once the files are uploaded and checked. */
  estimateAfterUpload?: boolean;
}

/** What training will cost, as the provider (or our token count) estimates it before the job. */
export interface CostEstimate {
  /** `provider`: its own estimate; `local`: our token count × a published price; `none`. */
  source: 'provider' | 'local' | 'none';
  /** Estimated USD; null when nobody could estimate. */
  usd: number | null;
  /** The provider's own go-ahead (`allowed_to_proceed`); null when it gives none. */
  allowedToProceed: boolean | null;
  /** The account's credit limit in USD, when the provider says it. */
  limitUsd?: number | null;
  trainTokens?: number | null;
  evalTokens?: number | null;
  /** Why there is no figure (e.g. the file is not validated yet). */
  unavailable?: string;
}

/** A cost check's outcome, kept on the pipeline's progress and shown wherever the run is. */
export interface CostCheck extends CostEstimate {
  /** `--max-cost`, when given. */
  maxUsd?: number;
  /** Why the run stopped here, when it did. */
  refused?: string;
}

/** How a model is served: what a caller passes as `model`, and the deployment made for it. */
export interface ServingRecord {
  provider: string;
  model: string;
  /** What to pass as `model` in chat calls: the model id, or an Azure deployment name. */
  servedAs: string;
  deployment?: {
    name: string;
    sku: string;
    capacity: number;
    createdAt: string;
    /** Developer-tier deployments are deleted by Azure after 24 hours. */
    expiresAt: string | null;
    /** How long the readiness probe took to get an answer. */
    readyAfterMs: number;
    /** Dedicated endpoints: what runs it (hardware, replicas) and its price while it runs. */
    kind?: 'deployment' | 'dedicated-endpoint';
    /** Made for an evaluation (short-lived: stopped after it, or by the next worker's sweep). */
    purpose?: 'eval' | 'production';
    costPerHourUsd?: number;
    /** The provider's ids of what was made (an endpoint and its deployment). */
    endpointId?: string;
    deploymentId?: string;
  };
}

/** Serving of ours as it is now: running (billed), stopped, or gone. */
export interface ServingState {
  /** The deployment or endpoint name (as in ServingRecord.deployment.name). */
  name: string;
  servedAs: string;
  model: string;
  state: 'running' | 'starting' | 'stopping' | 'stopped' | 'failed' | 'gone';
  /** USD per hour while it runs (null: unknown); 0 when it costs nothing now. */
  costPerHourUsd: number | null;
  hardware?: string;
  replicas?: number;
}
