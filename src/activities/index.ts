import { Context } from '@temporalio/activity';
import { validateDataset } from './dataset.js';
import {
  uploadDataset,
  waitForFileReady,
  type TrainingDeps,
  type UploadDatasetInput,
} from './training/files.js';
import {
  cancelFineTuneJob,
  cancelJobForRun,
  createFineTuneJob,
  pollFineTuneJob,
  type CreateCheckpoint,
  type CreateJobInput,
  type PollOptions,
} from './training/jobs.js';
import type { ServeRequest } from '../providers/types.js';
import type { ServingRecord } from '../shared/providerTypes.js';
import type { WandbTarget } from '../shared/syncTypes.js';
import { recordGoldenSet, type GoldenSetInput } from './migration/goldenSet.js';
import { materializeDataset } from './migration/materialize.js';
import {
  checkTrainingRunway,
  deleteUploadedFiles,
  estimateTrainingCost,
  prepareServing,
  readServingStates,
  removeServing,
  type CostInput,
  type RunwayInput,
} from './providerChecks.js';
import { pulsed, withPulse } from './pulse.js';
import type { JobSnapshot, UploadedFile } from '../shared/types.js';
import { createWandbActivities } from './wandb/index.js';
import { createGateActivities } from './gates/index.js';
import { createGovernanceReadActivities } from './governanceReads.js';
import { createApprovalPolicyActivities, type ApprovalPolicyDeps } from './approvalPolicy.js';
import type { WandbClient } from '../wandb/index.js';
import { embeddingsFromProvider } from '../providers/embeddingsSeam.js';
import { createKnowledgeBaseActivities, kbDeps, type KbSettings } from './knowledgeBase/index.js';
import type { EventsConfig } from '../events/config.js';
import { createEventActivities } from './events.js';

export type { CreateJobInput, UploadDatasetInput };
export type { ValidateDatasetInput } from './dataset.js';

const signal = () => Context.current().cancellationSignal;

/**
 * The activities the workflows call, bound to the worker's provider and W&B client. The names
 * and the code are provider-neutral: every provider implements the same operations
 * (src/providers/types.ts), and the workflows do not change.
 */
export function createActivities(
  deps: TrainingDeps & {
    wandb?: WandbClient;
    events?: EventsConfig;
    knowledgeBase?: KbSettings;
  } & ApprovalPolicyDeps,
) {
  const { provider } = deps;
  const wandbDeps = { wandb: deps.wandb, provider };
  const kb = kbDeps(deps.knowledgeBase ?? {}, embeddingsFromProvider(provider), wandbDeps);
  return {
    ...createKnowledgeBaseActivities(kb),
    ...createWandbActivities(wandbDeps),
    ...createGateActivities({ provider, wandb: wandbDeps }),
    ...createGovernanceReadActivities({ provider, wandb: wandbDeps }),
    ...createApprovalPolicyActivities({ approvalPolicyPath: deps.approvalPolicyPath }),
    ...createEventActivities(deps.events),
    checkTrainingRunway: pulsed((input: RunwayInput) => checkTrainingRunway(provider, input)),
    estimateTrainingCost: pulsed((input: CostInput) => estimateTrainingCost(provider, input)),
    prepareServing: (req: ServeRequest) => prepareServing(provider, req),
    removeServing: pulsed((record: ServingRecord) => removeServing(provider, record)),
    readServingStates: pulsed((records: ServingRecord[]) => readServingStates(provider, records)),
    deleteUploadedFiles: pulsed((fileIds: string[]) => deleteUploadedFiles(provider, fileIds)),
    recordGoldenSet: (input: GoldenSetInput) =>
      withPulse(() => recordGoldenSet(provider.chat, wandbDeps, input)),
    materializeDataset: pulsed((input: { target: WandbTarget; ref: string }) =>
      materializeDataset(wandbDeps, input),
    ),
    describeJobForSync: pulsed((jobId: string) => provider.jobs.forSync(jobId, signal())),
    listFineTuneJobIds: pulsed((opts: { limit?: number }) =>
      provider.jobs.listIds(opts.limit, signal()),
    ),
    validateDataset,
    uploadDataset: (input: UploadDatasetInput) =>
      withPulse<UploadedFile>((pulse) => uploadDataset(deps, input, pulse)),
    waitForFileReady: (fileId: string) => waitForFileReady(provider, fileId),
    createFineTuneJob: (input: CreateJobInput) =>
      withPulse<JobSnapshot, CreateCheckpoint>((pulse) =>
        createFineTuneJob(provider, input, pulse),
      ),
    pollFineTuneJob: pulsed((jobId: string, opts?: PollOptions) =>
      pollFineTuneJob(provider, jobId, opts),
    ),
    cancelFineTuneJob: pulsed((jobId: string) => cancelFineTuneJob(provider, jobId)),
    cancelJobForRun: pulsed((workflowId: string, runId: string) =>
      cancelJobForRun(provider, workflowId, runId),
    ),
    summarizeResults: pulsed((fileId: string) => provider.results.summarize(fileId, signal())),
  };
}

export type Activities = ReturnType<typeof createActivities>;
