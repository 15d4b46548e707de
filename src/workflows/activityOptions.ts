import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { NON_RETRYABLE_ERROR_TYPES } from '../shared/errorTypes.js';

const nonRetryableErrorTypes = NON_RETRYABLE_ERROR_TYPES;

/**
 * Every activity heartbeats every few seconds while it runs (src/activities/pulse.ts), so a
 * worker that dies mid-call is noticed within this and the call retried elsewhere at once.
 */
const HEARTBEAT = '30 seconds';

// Each external call has a deliberate timeout and retry policy. Permanent errors are listed by
// type and fail at once; transient ones retry with backoff (visible as attempts in the UI).

/** Streams the whole dataset; heartbeats carry progress so a stuck worker is noticed in a minute. */
export const datasetActivities = proxyActivities<Pick<Activities, 'validateDataset'>>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes },
});

/**
 * Uploads heartbeat every few seconds (and checkpoint per part, resuming from the last part after a
 * crash), so a dead worker is noticed within the heartbeat timeout, not after two hours.
 */
export const uploadActivities = proxyActivities<Pick<Activities, 'uploadDataset'>>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '5s',
    maximumInterval: '2 minutes',
    maximumAttempts: 20,
    nonRetryableErrorTypes,
  },
});

/** "Not processed yet" is a benign failure; retries are cheap and are not written to history. */
export const fileReadyActivities = proxyActivities<Pick<Activities, 'waitForFileReady'>>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '2 hours',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 1.5,
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes,
  },
});

/** Short calls to the job API; an OpenAI outage of hours is waited out, not failed on. */
export const jobActivities = proxyActivities<
  Pick<Activities, 'pollFineTuneJob' | 'cancelFineTuneJob' | 'cancelJobForRun'>
>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT,
  retry: { initialInterval: '2s', maximumInterval: '2 minutes', nonRetryableErrorTypes },
});

/**
 * Creating the job heartbeats, so a worker that dies mid-call is retried in seconds; the retry
 * looks the job up by its metadata before creating, so it never makes a second one.
 */
export const createJobActivities = proxyActivities<Pick<Activities, 'createFineTuneJob'>>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '2s', maximumInterval: '2 minutes', nonRetryableErrorTypes },
});

export const resultActivities = proxyActivities<Pick<Activities, 'summarizeResults'>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: HEARTBEAT,
  retry: { initialInterval: '5s', maximumAttempts: 10, nonRetryableErrorTypes },
});

/** OpenAI reads for the W&B sync: short, retried through outages. */
export const syncJobActivities = proxyActivities<
  Pick<Activities, 'describeJobForSync' | 'listFineTuneJobIds'>
>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: HEARTBEAT,
  retry: { initialInterval: '2s', maximumInterval: '2 minutes', nonRetryableErrorTypes },
});

/**
 * Small W&B calls (GraphQL, one file). A W&B outage is waited out for a day: the sync then
 * completes with nothing lost, since every write is idempotent.
 */
export const wandbActivities = proxyActivities<
  Pick<
    Activities,
    | 'resolveWandbTarget'
    | 'findWandbRun'
    | 'openWandbRun'
    | 'useDatasetArtifact'
    | 'logModelArtifact'
    | 'finishWandbRun'
  >
>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: HEARTBEAT,
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '2s', maximumInterval: '5 minutes', nonRetryableErrorTypes },
});

/**
 * Streaming work (results rows, dataset files): heartbeats carry the checkpoint to resume from.
 * They beat every few seconds, so a dead worker is noticed, and the sync resumed, within 30 s.
 */
export const wandbHistoryActivities = proxyActivities<
  Pick<Activities, 'logResultsHistory' | 'logDatasetArtifact'>
>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '30 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '2s', maximumInterval: '5 minutes', nonRetryableErrorTypes },
});

/**
 * The pipeline's own W&B calls (finding the entity, opening the run) decorate the fine-tune: ten
 * minutes of tries at most, then the pipeline goes on without W&B and says so. (They used to share
 * the sync's 24-hour budget, so a W&B outage could hold a fine-tune for a day.)
 */
export const pipelineWandbActivities = proxyActivities<
  Pick<Activities, 'resolveWandbTarget' | 'openWandbRun'>
>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT,
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '2s', maximumInterval: '1 minute', nonRetryableErrorTypes },
});

/**
 * Live metrics are a convenience: seconds per call (the activity's W&B client tries twice at most,
 * quickly), then the wait goes on without them and tries again later. They used to retry inside
 * the client for a minute per attempt, three attempts: a W&B outage held each poll three minutes.
 */
export const liveMetricsActivities = proxyActivities<Pick<Activities, 'appendLiveMetrics'>>({
  startToCloseTimeout: '15 seconds',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1s', maximumAttempts: 2, nonRetryableErrorTypes },
});

/**
 * The pipeline's W&B calls up to the wait (finding the entity, versioning, recording the file id,
 * opening the run): W&B must never hold the fine-tune. Each call gets a short budget of its own
 * (src/workflows/wandbBudgets.ts); what W&B does not answer in it is owed to the sync child, which
 * catches up with a day's budget (catchUpActivities). Replaces pipelineWandbActivities' ten
 * minutes and datasetVersionActivities' hour for runs since `wandb-never-holds-the-fine-tune`.
 */
export const briefWandbActivities = proxyActivities<
  Pick<Activities, 'resolveWandbTarget' | 'versionDataset' | 'recordDatasetFile' | 'openWandbRun'>
>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: HEARTBEAT,
  scheduleToCloseTimeout: '1 minute',
  retry: { initialInterval: '2s', maximumInterval: '10 seconds', nonRetryableErrorTypes },
});

/**
 * The sync child's catch-up of what the pipeline could not do in W&B before the job (versioning,
 * recording the file id): as patient as the sync itself, a day, since nothing waits on it but W&B.
 */
export const catchUpActivities = proxyActivities<
  Pick<Activities, 'versionDataset' | 'recordDatasetFile'>
>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '2s', maximumInterval: '5 minutes', nonRetryableErrorTypes },
});

/**
 * Dataset versioning runs before upload; if W&B stays down for this long the pipeline goes on
 * without it (the fine-tune matters more than its bookkeeping) and says so in its result.
 */
export const datasetVersionActivities = proxyActivities<
  Pick<Activities, 'versionDataset' | 'recordDatasetFile'>
>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '2s', maximumInterval: '2 minutes', nonRetryableErrorTypes },
});

/**
 * Moving aliases is the promotion itself, not bookkeeping: a W&B outage is waited out (for up to a
 * day) rather than failing an approved promotion. Every step is idempotent, so retries are safe.
 */
export const promotionActivities = proxyActivities<
  Pick<Activities, 'planAliasMove' | 'applyAliasMove' | 'resolveWandbTarget' | 'rollbackCandidate'>
>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: HEARTBEAT,
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '2s', maximumInterval: '5 minutes', nonRetryableErrorTypes },
});

/** The `candidate` alias only decorates the review: a few minutes of tries, then go on without. */
export const candidateActivities = proxyActivities<
  Pick<Activities, 'markCandidate' | 'clearCandidate'>
>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT,
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '2s', maximumInterval: '1 minute', nonRetryableErrorTypes },
});

/**
 * `finetune resolve` / `lineage` wait for these: answer within two minutes or say why not. (The
 * CLI's reads run the same steps as standalone activities with the same budget, set by the
 * client: src/client/reads.ts.)
 */
export const governanceReadActivities = proxyActivities<
  Pick<Activities, 'resolveAlias' | 'traceLineage' | 'resolveWandbTarget' | 'checkTrainingRunway'>
>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: HEARTBEAT,
  scheduleToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1s', maximumInterval: '10 seconds', nonRetryableErrorTypes },
});

/**
 * Gate measurements read a dataset and call chat completions; they heartbeat progress. An outage
 * is retried for up to an hour; after that the gate reports that it could not measure, and a
 * blocking gate blocks (it fails closed).
 */
export const gateActivities = proxyActivities<Pick<Activities, 'measureDrift' | 'evaluateForGate'>>(
  {
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '1 minute',
    scheduleToCloseTimeout: '1 hour',
    retry: { initialInterval: '2s', maximumInterval: '2 minutes', nonRetryableErrorTypes },
  },
);

/**
 * Provider checks and clean-up: short calls; a provider outage is waited out for a while, a
 * refusal (no runway, a suffix the provider rejects, a price above --max-cost) fails at once
 * with what to do.
 */
export const providerActivities = proxyActivities<
  Pick<
    Activities,
    'checkTrainingRunway' | 'estimateTrainingCost' | 'deleteUploadedFiles' | 'removeServing'
  >
>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT,
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '2s', maximumInterval: '1 minute', nonRetryableErrorTypes },
});

/**
 * Serving a model: on Azure a deployment that can take many minutes to provision and to answer;
 * the activity heartbeats while it polls. Quota refusals fail at once.
 */
export const servingActivities = proxyActivities<Pick<Activities, 'prepareServing'>>({
  startToCloseTimeout: '45 minutes',
  heartbeatTimeout: '1 minute',
  scheduleToCloseTimeout: '3 hours',
  retry: { initialInterval: '10s', maximumInterval: '5 minutes', nonRetryableErrorTypes },
});

/**
 * The optional clean-up of deployments no alias points to. Best effort: a few minutes of tries,
 * then the promotion reports what it could not remove and is done (it never fails for this).
 */
export const servingCleanupActivities = proxyActivities<
  Pick<Activities, 'listUnaliasedServing' | 'removeServing'>
>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT,
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '2s', maximumInterval: '1 minute', nonRetryableErrorTypes },
});

// ---- knowledge base (src/workflows/knowledgeBasePipeline.ts) -----------------------------------

/**
 * The pre-flight (store, production, one tiny embeddings request) and the run's reads and writes
 * on the worker's folder: short, retried through an embeddings or store outage for an hour; a
 * refusal (a bad key, a model the host does not serve, a vector size the store cannot take)
 * fails at once with what to change.
 */
export const kbPrepareActivities = proxyActivities<
  Pick<Activities, 'prepareKnowledgeBase' | 'resolveKbGolden'>
>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: HEARTBEAT,
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '2s', maximumInterval: '1 minute', nonRetryableErrorTypes },
});

/**
 * Reading and chunking streams every document into the run folder; a retry finds a whole folder
 * and keeps it. Heartbeats every few seconds, so a killed worker is noticed within a minute.
 */
export const kbReadActivities = proxyActivities<Pick<Activities, 'readCorpus'>>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '5s',
    maximumInterval: '2 minutes',
    maximumAttempts: 5,
    nonRetryableErrorTypes,
  },
});

/**
 * Embedding and writing the candidate: long (hours for a large corpus at a low rate limit), with
 * heartbeats every few seconds. A retry (a killed worker, a host outage) resumes from the cache and
 * the candidate themselves: only the batches in flight are embedded again. Rate limits and outages
 * are waited out for a day; refusals (a bad key, an over-long input) fail at once.
 */
export const kbEmbedActivities = proxyActivities<Pick<Activities, 'embedAndWrite'>>({
  startToCloseTimeout: '12 hours',
  heartbeatTimeout: '1 minute',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '5s', maximumInterval: '5 minutes', nonRetryableErrorTypes },
});

/** The manifest check lists the candidate's ids and seals it: minutes; a mismatch is an answer, not an error. */
export const kbCheckActivities = proxyActivities<Pick<Activities, 'checkAndSeal'>>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  scheduleToCloseTimeout: '2 hours',
  retry: { initialInterval: '5s', maximumInterval: '2 minutes', nonRetryableErrorTypes },
});

/**
 * Versioning in W&B is the record, not the index: a few tries over twenty minutes, then the
 * pipeline goes on and reports what W&B could not take (promotion then moves the store's pointer
 * only and says so).
 */
export const kbWandbActivities = proxyActivities<
  Pick<Activities, 'versionKbCorpus' | 'versionKbIndex' | 'resolveWandbTarget'>
>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: HEARTBEAT,
  scheduleToCloseTimeout: '20 minutes',
  retry: { initialInterval: '2s', maximumInterval: '1 minute', nonRetryableErrorTypes },
});

/**
 * The retrieval gate: the golden set's questions against both indexes (exact search). An outage
 * is retried for an hour; after that the gate says it could not measure and fails closed.
 */
export const kbGateActivities = proxyActivities<Pick<Activities, 'measureKbRetrieval'>>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '2s', maximumInterval: '2 minutes', nonRetryableErrorTypes },
});

/**
 * Moving production (the store's pointer, then W&B's alias) is the promotion itself: an outage is
 * waited out for a day rather than failing an approved promotion. Compare-and-swap and idempotent,
 * so retries never move anything twice.
 */
export const kbMoveActivities = proxyActivities<
  Pick<
    Activities,
    'planKbMove' | 'moveKbPointer' | 'applyAliasMove' | 'resolveWandbTarget' | 'resolveKbStore'
  >
>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: HEARTBEAT,
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '2s', maximumInterval: '5 minutes', nonRetryableErrorTypes },
});

/** Clean-up after a run (its folder, a rejected candidate): best effort, ten minutes of tries. */
export const kbCleanupActivities = proxyActivities<Pick<Activities, 'cleanUpKbRun'>>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: HEARTBEAT,
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '2s', maximumInterval: '1 minute', nonRetryableErrorTypes },
});

/**
 * The approvers policy, read from the worker's file once per pipeline at its start: a local
 * read, seconds at most; a broken policy fails at once (InvalidApprovalPolicy) naming the file.
 */
export const approvalPolicyActivities = proxyActivities<Pick<Activities, 'loadApprovalPolicy'>>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1s', maximumInterval: '10 seconds', nonRetryableErrorTypes },
});

/**
 * Which endpoints want an event: a read of the worker's own settings, in-process (a local
 * activity), so emitting an event costs the pipeline milliseconds. A failure is recorded on the
 * event, never the pipeline's.
 */
export const eventRouteActivities = proxyLocalActivities<Pick<Activities, 'routeEvent'>>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes },
});

/**
 * One event to one endpoint, in the deliverEvent workflow (never the pipeline's own budget). A
 * receiver that is down is retried with backoff (2 s doubling to 5 min) for the endpoint's
 * `giveUpAfterMs` (default an hour), then recorded dead; a refusal (4xx other than 408/429) is
 * dead at once. Each attempt is one POST of at most 10 s.
 */
export function eventDeliveryActivities(giveUpAfterMs: number) {
  return proxyActivities<Pick<Activities, 'deliverEvent'>>({
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: giveUpAfterMs,
    retry: {
      initialInterval: '2s',
      backoffCoefficient: 2,
      maximumInterval: '5 minutes',
      nonRetryableErrorTypes,
    },
  });
}
