import { createReadStream } from 'node:fs';
import OpenAI, { toFile } from 'openai';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../shared/errorTypes.js';
import { emptyBody } from '../../activities/failures.js';
import type { ProviderCapabilities, ProviderFiles } from '../types.js';
import type { Calling } from './errors.js';
import { uploadInParts } from './uploadParts.js';

/**
 * Files of services that speak OpenAI's API: the Files API (one request) and, for large files
 * where the service has it, the Uploads API in parts, resumable from the activity's heartbeat.
 */
export function openAIApiFiles(
  client: OpenAI,
  calling: Calling,
  upload: ProviderCapabilities['upload'],
): ProviderFiles {
  return {
    find: (name, bytes, signal) =>
      calling('Looking for an earlier upload', async () => {
        for await (const f of client.files.list({ purpose: 'fine-tune' }, { signal })) {
          if (f.filename === name && f.bytes === bytes && f.status !== 'error') return f.id;
        }
        return undefined;
      }),
    usable: (fileId, signal) =>
      calling('Checking a known file', async () => {
        try {
          const f = await client.files.retrieve(fileId, { signal });
          return f.status !== 'error' && f.purpose === 'fine-tune';
        } catch (err) {
          if (err instanceof OpenAI.NotFoundError) return false;
          throw err;
        }
      }),
    async upload(file, ctx) {
      const { path, name, bytes } = file;
      const parts = upload.parts !== 'no';
      if (bytes >= ctx.multipartThresholdBytes && parts) {
        try {
          const done = await uploadInParts(
            client,
            calling,
            { path, filename: name, bytes, partSize: ctx.partSizeBytes },
            ctx,
          );
          return { fileId: done.id, via: 'uploads' };
        } catch (err) {
          // 'try': a service that may not serve Uploads (Azure) falls back to one Files upload.
          const notServed =
            err instanceof ApplicationFailure && err.type === ErrorType.ProviderNotFound;
          if (upload.parts !== 'try' || !notServed || bytes > upload.maxFileBytes) throw err;
        }
      }
      // Large files are streamed once (too big to buffer for SDK retries); small ones buffered
      // so the SDK can retry the request (a streamed body cannot be re-sent).
      const once = bytes >= ctx.multipartThresholdBytes;
      const created = await calling('Uploading the dataset', async () =>
        client.files.create(
          { file: await toFile(createReadStream(path), name), purpose: 'fine-tune' },
          { signal: ctx.signal, ...(once ? { maxRetries: 0 } : {}) },
        ),
      );
      return { fileId: created.id, via: 'files' };
    },
    async readiness(fileId, signal) {
      const f = await calling(`Reading file ${fileId}`, () =>
        client.files.retrieve(fileId, { signal }),
      );
      if (f.status === 'processed') return { state: 'ready' };
      if (f.status === 'error') return { state: 'invalid', detail: f.status_details ?? '' };
      return { state: 'pending', status: f.status };
    },
    delete: (fileId, signal) =>
      calling(`Deleting file ${fileId}`, () =>
        client.files.delete(fileId, { signal }).then(
          () => true,
          (err: unknown) => {
            if ((err as { status?: number }).status === 404) return false; // already gone
            throw err;
          },
        ),
      ),
    download: (fileId, signal) =>
      calling(`Downloading file ${fileId}`, async () => {
        try {
          const response = await client.files.content(fileId, { signal });
          if (!response.body) throw emptyBody(`file ${fileId}`);
          return response.body;
        } catch (err) {
          if (err instanceof OpenAI.NotFoundError) return null;
          throw err;
        }
      }),
  };
}
