import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import OpenAI, { toFile } from 'openai';
import { ErrorType } from '../../shared/errorTypes.js';
import type { UploadedFile } from '../../shared/types.js';
import type { OpenAIActivityDeps } from './deps.js';
import { calling } from './errors.js';
import { providerFileName } from './fileNames.js';
import type { Pulse } from '../pulse.js';
import { uploadInParts, type PartsCheckpoint } from './uploadParts.js';

export interface UploadDatasetInput {
  path: string;
  digest: string;
  /** A file id recorded earlier for this digest (e.g. on the dataset version); checked, then reused. */
  knownFileId?: string;
}

async function findByName(client: OpenAI, filename: string, bytes: number) {
  for await (const f of client.files.list({ purpose: 'fine-tune' })) {
    if (f.filename === filename && f.bytes === bytes && f.status !== 'error') return f;
  }
  return undefined;
}

async function stillUsable(client: OpenAI, fileId: string): Promise<boolean> {
  try {
    const f = await client.files.retrieve(fileId);
    return f.status !== 'error' && f.purpose === 'fine-tune';
  } catch (err) {
    if (err instanceof OpenAI.NotFoundError) return false;
    throw err;
  }
}

/**
 * Uploads a dataset once per content digest: a file with the digest in its name is reused, so a
 * retry after a crash (or a second pipeline on the same data) never uploads it again.
 */
export async function uploadDataset(
  deps: OpenAIActivityDeps,
  input: UploadDatasetInput,
  pulse: Pulse<PartsCheckpoint>,
): Promise<UploadedFile> {
  const { client } = deps;
  if (
    input.knownFileId &&
    (await calling('Checking a known file', () => stillUsable(client, input.knownFileId!)))
  ) {
    return { fileId: input.knownFileId, digest: input.digest, reused: true, via: 'files' };
  }
  const { size } = await stat(input.path).catch(() => {
    throw ApplicationFailure.nonRetryable(
      `Cannot read ${input.path} on the worker. The dataset path must exist where the worker runs.`,
      ErrorType.DatasetUnreadable,
    );
  });
  const filename = providerFileName(input.path, input.digest);
  const existing = await calling('Looking for an earlier upload', () =>
    findByName(client, filename, size),
  );
  if (existing) return { fileId: existing.id, digest: input.digest, reused: true, via: 'files' };

  const provider = deps.provider;
  const partsServed = provider ? provider.uploadsApi !== 'no' : true;
  if (!partsServed && provider && size > provider.maxFileBytes) {
    throw ApplicationFailure.nonRetryable(
      `${input.path} is ${Math.ceil(size / 2 ** 20)} MiB; ${provider.label} takes files up to ${Math.floor(provider.maxFileBytes / 2 ** 20)} MiB through its Files API and serves no Uploads API here. Split the dataset (or import it from Blob storage), then start again.`,
      ErrorType.FileTooLarge,
    );
  }
  if (size >= deps.multipartThresholdBytes && partsServed) {
    try {
      const file = await uploadInParts(
        client,
        { path: input.path, filename, bytes: size, partSize: deps.partSizeBytes },
        pulse,
      );
      return { fileId: file.id, digest: input.digest, reused: false, via: 'uploads' };
    } catch (err) {
      // 'try': a provider that may not serve Uploads (Azure) falls back to one Files upload.
      const notServed = err instanceof ApplicationFailure && err.type === ErrorType.OpenAINotFound;
      if (provider?.uploadsApi !== 'try' || !notServed || size > provider.maxFileBytes) throw err;
    }
  }
  if (size >= deps.multipartThresholdBytes) {
    // Too big to buffer for SDK retries, small enough for one request: stream it once.
    const file = await calling('Uploading the dataset', async () =>
      client.files.create(
        { file: await toFile(createReadStream(input.path), filename), purpose: 'fine-tune' },
        { signal: Context.current().cancellationSignal, maxRetries: 0 },
      ),
    );
    return { fileId: file.id, digest: input.digest, reused: false, via: 'files' };
  }
  // Small files: buffered so the SDK can retry the request (a streamed body cannot be re-sent).
  const file = await calling('Uploading the dataset', async () =>
    client.files.create(
      { file: await toFile(createReadStream(input.path), filename), purpose: 'fine-tune' },
      { signal: Context.current().cancellationSignal },
    ),
  );
  return { fileId: file.id, digest: input.digest, reused: false, via: 'files' };
}

/** Throws a benign, retryable failure until OpenAI has processed the file. */
export async function waitForFileReady(client: OpenAI, fileId: string): Promise<void> {
  const f = await calling(`Reading file ${fileId}`, () => client.files.retrieve(fileId));
  if (f.status === 'processed') return;
  if (f.status === 'error') {
    throw ApplicationFailure.nonRetryable(
      `OpenAI could not process file ${fileId}: ${f.status_details ?? 'no details'}. Fix the dataset and start again.`,
      ErrorType.FileProcessingFailed,
    );
  }
  throw ApplicationFailure.create({
    message: `file ${fileId} is ${f.status}, not processed yet`,
    type: ErrorType.FileNotReady,
    category: ApplicationFailureCategory.BENIGN,
  });
}
