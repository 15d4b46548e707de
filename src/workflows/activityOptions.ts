import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { NON_RETRYABLE_ERROR_TYPES } from '../shared/errorTypes.js';

const nonRetryableErrorTypes = NON_RETRYABLE_ERROR_TYPES;

// Each external call has a deliberate timeout and retry policy. Permanent errors are listed by
// type and fail at once; transient ones retry with backoff (visible as attempts in the UI).

/** Streams the whole dataset; heartbeats carry progress so a stuck worker is noticed in a minute. */
export const datasetActivities = proxyActivities<Pick<Activities, 'validateDataset'>>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes },
});

/** Large uploads heartbeat per part and resume from the last part after a crash. */
export const uploadActivities = proxyActivities<Pick<Activities, 'uploadDataset'>>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
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
  Pick<
    Activities,
    'createFineTuneJob' | 'pollFineTuneJob' | 'cancelFineTuneJob' | 'cancelJobForRun'
  >
>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2s', maximumInterval: '2 minutes', nonRetryableErrorTypes },
});

export const resultActivities = proxyActivities<Pick<Activities, 'summarizeResults'>>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5s', maximumAttempts: 10, nonRetryableErrorTypes },
});
