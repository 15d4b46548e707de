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
  };
}
