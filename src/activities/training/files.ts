import { stat } from 'node:fs/promises';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { ErrorType } from '../../shared/errorTypes.js';
import type { UploadedFile } from '../../shared/types.js';
import type { FineTuneProvider } from '../../providers/types.js';
import { activityCall, type Pulse } from '../pulse.js';
import { providerFileName } from './fileNames.js';

export interface UploadDatasetInput {
  path: string;
  digest: string;
  /** A file id recorded earlier for this digest (e.g. on the dataset version); checked, then reused. */
  knownFileId?: string;
}

export interface TrainingDeps {
  provider: FineTuneProvider;
  /** Files at or above this size go up in parts where the provider takes parts (resumable). */
  multipartThresholdBytes: number;
  /** Size of each part; OpenAI's API allows up to 64 MB. */
  partSizeBytes: number;
}

export const DEFAULT_MULTIPART_THRESHOLD = 64 * 1024 * 1024;
export const DEFAULT_PART_SIZE = 32 * 1024 * 1024;

/**
 * Uploads a dataset once per content digest: a file with the digest in its name is reused, so a
 * retry after a crash (or a second pipeline on the same data) never uploads it again.
 */
export async function uploadDataset(
  deps: TrainingDeps,
  input: UploadDatasetInput,
  pulse: Pulse,
): Promise<UploadedFile> {
  const { provider } = deps;
  const call = activityCall(pulse);
  if (input.knownFileId && (await provider.files.usable(input.knownFileId, call.signal))) {
    return { fileId: input.knownFileId, digest: input.digest, reused: true, via: 'files' };
  }
  const { size } = await stat(input.path).catch(() => {
    throw ApplicationFailure.nonRetryable(
      `Cannot read ${input.path} on the worker. The dataset path must exist where the worker runs.`,
      ErrorType.DatasetUnreadable,
    );
  });
  const name = providerFileName(input.path, input.digest);
  const existing = await provider.files.find(name, size, call.signal);
  if (existing) return { fileId: existing, digest: input.digest, reused: true, via: 'files' };

  const { upload } = provider.capabilities;
  const inParts = upload.parts !== 'no' && size >= deps.multipartThresholdBytes;
  if (size > upload.maxFileBytes && !inParts) {
    throw ApplicationFailure.nonRetryable(
      `${input.path} is ${Math.ceil(size / 2 ** 20)} MiB; ${provider.label} takes files up to ${Math.floor(upload.maxFileBytes / 2 ** 20)} MiB in one upload and takes no upload in parts here. Split the dataset, then start again.`,
      ErrorType.FileTooLarge,
    );
  }
  const uploaded = await provider.files.upload(
    { path: input.path, name, bytes: size },
    {
      ...call,
      resumeFrom: pulse.resumeFrom,
      checkpoint: (details) => pulse.checkpoint(details),
      multipartThresholdBytes: deps.multipartThresholdBytes,
      partSizeBytes: deps.partSizeBytes,
    },
  );
  return { fileId: uploaded.fileId, digest: input.digest, reused: false, via: uploaded.via };
}

/** Throws a benign, retryable failure until the provider has checked the file. */
export async function waitForFileReady(provider: FineTuneProvider, fileId: string): Promise<void> {
  const r = await provider.files.readiness(fileId, activityCall().signal);
  if (r.state === 'ready') return;
  if (r.state === 'invalid') {
    throw ApplicationFailure.nonRetryable(
      `${provider.label} could not process file ${fileId}: ${r.detail || 'no details'}. Fix the dataset and start again.`,
      ErrorType.FileProcessingFailed,
    );
  }
  throw ApplicationFailure.create({
    message: `file ${fileId} is ${r.status}, not processed yet`,
    type: ErrorType.FileNotReady,
    category: ApplicationFailureCategory.BENIGN,
  });
}
