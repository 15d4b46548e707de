export interface WebhookStats {
  /** Deliveries the receiver acknowledged with a 2xx. */
  sent: number;
  /** Events deliberately never delivered (dropRate). */
  dropped: number;
  /** Extra deliveries injected (duplicateRate), same `webhook-id` as the original. */
  duplicated: number;
  /** Attempts that got a non-2xx answer or no answer (each is retried while attempts remain). */
  failedDeliveries: number;
  /** Deliveries given up after their last attempt failed. */
  gaveUp: number;
  /** Deliveries stopped, undelivered, because the emulator closed. */
  abandoned: number;
  /** Job events that had no webhook to go to (none configured, or none for their type). */
  untargeted: number;
}

export interface EmulatorStatsSnapshot {
  /** Requests by route, e.g. "POST /v1/fine_tuning/jobs" or "GET /v1/files/:file_id". */
  requests: Record<string, number>;
  /** Chat completions answered (200), by the model the request named. */
  chatCompletions: Record<string, number>;
  /** Inputs embedded (answered 200), by the model (Azure: deployment) the request named. */
  embeddingInputs: Record<string, number>;
  jobsCreated: number;
  /** Files clients created (`POST /v1/files` and completed Uploads); results files excluded. */
  filesCreated: number;
  uploadsCreated: number;
  webhooks: WebhookStats;
}

export class EmulatorStats {
  readonly requests: Record<string, number> = {};
  readonly chatCompletions: Record<string, number> = {};
  readonly embeddingInputs: Record<string, number> = {};
  jobsCreated = 0;
  filesCreated = 0;
  uploadsCreated = 0;
  readonly webhooks: WebhookStats = {
    sent: 0,
    dropped: 0,
    duplicated: 0,
    failedDeliveries: 0,
    gaveUp: 0,
    abandoned: 0,
    untargeted: 0,
  };

  countRequest(route: string): void {
    this.requests[route] = (this.requests[route] ?? 0) + 1;
  }

  countChatCompletion(model: string): void {
    this.chatCompletions[model] = (this.chatCompletions[model] ?? 0) + 1;
  }

  countEmbeddingInputs(model: string, inputs: number): void {
    this.embeddingInputs[model] = (this.embeddingInputs[model] ?? 0) + inputs;
  }

  snapshot(): EmulatorStatsSnapshot {
    return {
      requests: { ...this.requests },
      chatCompletions: { ...this.chatCompletions },
      embeddingInputs: { ...this.embeddingInputs },
      jobsCreated: this.jobsCreated,
      filesCreated: this.filesCreated,
      uploadsCreated: this.uploadsCreated,
      webhooks: { ...this.webhooks },
    };
  }
}
