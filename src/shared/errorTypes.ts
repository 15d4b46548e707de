// Failure type names are part of the retry contract: workflows list the non-retryable ones by name.
export const ErrorType = {
  InvalidDataset: 'InvalidDataset',
  DatasetUnreadable: 'DatasetUnreadable',
  PiiFound: 'PiiFound',
  TrainingNotAvailable: 'TrainingNotAvailable',
  OpenAIAuthentication: 'OpenAIAuthentication',
  OpenAIPermissionDenied: 'OpenAIPermissionDenied',
  OpenAIBadRequest: 'OpenAIBadRequest',
  OpenAINotFound: 'OpenAINotFound',
  OpenAIQuotaExceeded: 'OpenAIQuotaExceeded',
  OpenAIUnavailable: 'OpenAIUnavailable',
  OpenAIRateLimited: 'OpenAIRateLimited',
  FileProcessingFailed: 'FileProcessingFailed',
  FileNotReady: 'FileNotReady',
  FineTuneJobFailed: 'FineTuneJobFailed',
  FineTuneJobCancelled: 'FineTuneJobCancelled',
  WandbNotConfigured: 'WandbNotConfigured',
  WandbAuthentication: 'WandbAuthentication',
  WandbNotFound: 'WandbNotFound',
  WandbRejected: 'WandbRejected',
  WandbUnavailable: 'WandbUnavailable',
  InvalidSyncOptions: 'InvalidSyncOptions',
} as const;
export type ErrorTypeName = (typeof ErrorType)[keyof typeof ErrorType];

/** Errors that no retry can fix: the activity fails fast and the workflow reports them. */
export const NON_RETRYABLE_ERROR_TYPES: ErrorTypeName[] = [
  ErrorType.InvalidDataset,
  ErrorType.DatasetUnreadable,
  ErrorType.PiiFound,
  ErrorType.TrainingNotAvailable,
  ErrorType.OpenAIAuthentication,
  ErrorType.OpenAIPermissionDenied,
  ErrorType.OpenAIBadRequest,
  ErrorType.OpenAINotFound,
  ErrorType.OpenAIQuotaExceeded,
  ErrorType.FileProcessingFailed,
  ErrorType.WandbNotConfigured,
  ErrorType.WandbAuthentication,
  ErrorType.WandbNotFound,
  ErrorType.WandbRejected,
  ErrorType.InvalidSyncOptions,
];
