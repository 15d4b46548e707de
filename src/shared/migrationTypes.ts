// `finetune migrate`: types that travel through history. Workflow-safe.
import type { PromotionConfig } from './promotionTypes.js';
import type { FineTuneMethod, PipelineResult, WaitPolicy } from './types.js';

export interface MigrateInput {
  /** What to move: an alias (default `production`), a model version (`model-metadata:v3`) or a job id. */
  from: string;
  project: string;
  entity?: string;
  collection: string;
  /** The worker queue of the provider the model is on now (its answers are recorded there). */
  sourceTaskQueue: string;
  /** The worker queue of the provider to retrain on (a worker with FINETUNE_PROVIDER=azure). */
  targetTaskQueue: string;
  /** Base model at the target; default the current model's base. */
  base?: string;
  /** W&B dataset version whose prompts make the golden set; default the validation version it was trained with. */
  evalDataset?: string;
  maxExamples?: number;
  /** Model-graded agreement (0..1) with the recorded answers that the new model must reach. */
  minAgreement: number;
  method?: FineTuneMethod;
  suffix?: string;
  promotion?: PromotionConfig;
  wait?: Partial<WaitPolicy>;
}

export interface MigrationResult {
  from: { model: string; modelVersion: string; jobId: string | null };
  goldenSet: { ref: string; examples: number; tokens: number };
  trainedOn: { role: string; ref: string }[];
  pipelineWorkflowId: string;
  pipeline: PipelineResult;
}
