import type OpenAI from 'openai';
import { validateDataset } from './dataset.js';
import type { OpenAIActivityDeps } from './openai/deps.js';
import { uploadDataset, waitForFileReady, type UploadDatasetInput } from './openai/files.js';
import {
  cancelFineTuneJob,
  cancelJobForRun,
  createFineTuneJob,
  pollFineTuneJob,
  type CreateCheckpoint,
  type CreateJobInput,
  type PollOptions,
} from './openai/jobs.js';
import { openAIProvider } from '../providers/openai/index.js';
import type { ServeRequest } from '../providers/types.js';
import type { ServingRecord } from '../shared/providerTypes.js';
import type { WandbTarget } from '../shared/syncTypes.js';
import { recordGoldenSet, type GoldenSetInput } from './migration/goldenSet.js';
import { materializeDataset } from './migration/materialize.js';
import {
  checkTrainingRunway,
  deleteUploadedFiles,
  prepareServing,
  removeServing,
  type RunwayInput,
} from './providerChecks.js';
import { summarizeResults } from './openai/results.js';
import { pulsed, withPulse } from './pulse.js';
import type { PartsCheckpoint } from './openai/uploadParts.js';
import type { JobSnapshot, UploadedFile } from '../shared/types.js';
import { describeJobForSync, listFineTuneJobIds } from './openai/syncJobs.js';
import { createWandbActivities } from './wandb/index.js';
import { createGateActivities } from './gates/index.js';
import { createGovernanceReadActivities } from './governanceReads.js';
import { openAIChat } from './openai/chat.js';
import { createApprovalPolicyActivities, type ApprovalPolicyDeps } from './approvalPolicy.js';
import type { WandbClient } from '../wandb/index.js';
import type { EventsConfig } from '../events/config.js';
import { createEventActivities } from './events.js';

export type { CreateJobInput, UploadDatasetInput };
export type { ValidateDatasetInput } from './dataset.js';

/**
 * The activities the workflows call, bound to their clients. The names are provider-neutral: a
 * different fine-tuning provider implements this same object, and the workflows do not change.
 */
export function createActivities(
  deps: OpenAIActivityDeps & { wandb?: WandbClient; events?: EventsConfig } & ApprovalPolicyDeps,
) {
  const provider = deps.provider ?? openAIProvider({ client: deps.client });
  const client: OpenAI = provider.client;
  const wandbDeps = { wandb: deps.wandb, openai: client };
  return {
    ...createWandbActivities(wandbDeps),
    ...createGateActivities({ provider, chat: openAIChat(client), wandb: wandbDeps }),
    ...createGovernanceReadActivities({ provider, wandb: wandbDeps }),
    ...createApprovalPolicyActivities({ approvalPolicyPath: deps.approvalPolicyPath }),
    ...createEventActivities(deps.events),
    checkTrainingRunway: pulsed((input: RunwayInput) => checkTrainingRunway(provider, input)),
    prepareServing: (req: ServeRequest) => prepareServing(provider, req),
    removeServing: pulsed((record: ServingRecord) => removeServing(provider, record)),
    deleteUploadedFiles: pulsed((fileIds: string[]) => deleteUploadedFiles(provider, fileIds)),
    recordGoldenSet: (input: GoldenSetInput) =>
      withPulse(() => recordGoldenSet(openAIChat(client), wandbDeps, input)),
    materializeDataset: pulsed((input: { target: WandbTarget; ref: string }) =>
      materializeDataset(wandbDeps, input),
    ),
    describeJobForSync: pulsed((jobId: string) => describeJobForSync(client, jobId)),
    listFineTuneJobIds: pulsed((opts: { limit?: number }) => listFineTuneJobIds(client, opts)),
    validateDataset,
    uploadDataset: (input: UploadDatasetInput) =>
      withPulse<UploadedFile, PartsCheckpoint>((pulse) => uploadDataset(deps, input, pulse)),
    waitForFileReady: (fileId: string) => waitForFileReady(client, fileId),
    createFineTuneJob: (input: CreateJobInput) =>
      withPulse<JobSnapshot, CreateCheckpoint>((pulse) =>
        createFineTuneJob(provider, input, pulse),
      ),
    pollFineTuneJob: pulsed((jobId: string, opts?: PollOptions) =>
      pollFineTuneJob(client, jobId, opts),
    ),
    cancelFineTuneJob: pulsed((jobId: string) => cancelFineTuneJob(client, jobId)),
    cancelJobForRun: pulsed((workflowId: string, runId: string) =>
      cancelJobForRun(provider, workflowId, runId),
    ),
    summarizeResults: pulsed((fileId: string) => summarizeResults(client, fileId)),
  };
}

export type Activities = ReturnType<typeof createActivities>;
