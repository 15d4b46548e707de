import type { PromotionConfig } from '../shared/promotionTypes.js';
import type { DatasetSummary, JobSnapshot, PipelineInput, PipelineStage } from '../shared/types.js';
import type { ApprovalDesk } from './approval.js';
import type { PipelineWandb } from './pipelineWandb.js';
import type { WorkflowEvents } from './events.js';
import type { EventPipelineRef } from '../shared/eventTypes.js';
import type { EstimatedCost } from '../shared/estimatedCost.js';

/** What the promotion stage and its gates work with: the pipeline's state at the job's end. */
export interface PromotionContext {
  input: PipelineInput;
  config: PromotionConfig;
  job: JobSnapshot & { fineTunedModel: string };
  datasets: DatasetSummary[];
  wandb: PipelineWandb;
  desk: ApprovalDesk;
  setStage: (stage: PipelineStage, details?: string) => void;
  /** The run follows signed approvals (patch `signed-approvals`): the desk gets a candidate. */
  signing?: boolean;
  /** The run's events (off in runs from before them) and what they are about, as of now. */
  events: WorkflowEvents;
  eventRef: () => EventPipelineRef;
  /** The training price estimated before the job, shown to the approver beside the gates. */
  estimatedCost?: EstimatedCost;
}
