import { NotFoundError } from 'together-ai';
import { emptyBody } from '../../activities/failures.js';
import type { ProviderFiles } from '../types.js';
import type { TogetherClients } from './client.js';
import type { TogetherCalling } from './errors.js';
import { uploadTogetherFile } from './upload.js';

/** Together's file object as far as readiness goes (`processing_status` is the SDK's). */
interface TogetherFileView {
  id: string;
  filename?: string;
  bytes?: number;
  purpose?: string;
  processing_status?: string;
  Processed?: boolean;
  validation_report?: { valid?: boolean; error?: string | null };
}

const BAD = new Set(['FAILED', 'INVALID_FORMAT']);

/**
 * Files at Together: the list and reads through the official client; the upload by hand
 * (upload.ts: the SDK's `files.upload` ignores `baseURL` and can hang), one presigned PUT of at
 * most 5 GiB; readiness is `processing_status` COMPLETED, a refusal INVALID_FORMAT with the
 * server's report (or FAILED).
 */
export function togetherFiles(c: TogetherClients, calling: TogetherCalling): ProviderFiles {
  const retrieve = (fileId: string, signal?: AbortSignal) =>
    c.v1.files.retrieve(fileId, { signal }) as Promise<TogetherFileView>;
  return {
    find: (name, bytes, signal) =>
      calling('Looking for an earlier upload', async () => {
        const { data } = await c.v1.files.list({ signal });
        const same = (data as TogetherFileView[]).find(
          (f) =>
            f.filename === name &&
            f.bytes === bytes &&
            f.purpose === 'fine-tune' &&
            !BAD.has(f.processing_status ?? ''),
        );
        return same?.id;
      }),
    usable: (fileId, signal) =>
      calling('Checking a known file', async () => {
        try {
          const f = await retrieve(fileId, signal);
          return f.purpose === 'fine-tune' && !BAD.has(f.processing_status ?? '');
        } catch (err) {
          if (err instanceof NotFoundError) return false;
          throw err;
        }
      }),
    async upload(file, ctx) {
      const done = await calling('Uploading the dataset', () =>
        uploadTogetherFile(
          { baseURL: c.baseURL, apiKey: c.apiKey, fetch: c.fetch },
          { path: file.path, fileName: file.name, purpose: 'fine-tune', signal: ctx.signal },
        ),
      );
      return { fileId: done.file.id, via: 'files' };
    },
    async readiness(fileId, signal) {
      const f = await calling(`Reading file ${fileId}`, () => retrieve(fileId, signal));
      const status = f.processing_status ?? (f.Processed ? 'COMPLETED' : 'PENDING');
      if (status === 'COMPLETED') return { state: 'ready' };
      if (status === 'INVALID_FORMAT')
        return { state: 'invalid', detail: f.validation_report?.error ?? 'invalid format' };
      if (status === 'FAILED') return { state: 'invalid', detail: 'Together could not process it' };
      return { state: 'pending', status };
    },
    delete: (fileId, signal) =>
      calling(`Deleting file ${fileId}`, async () => {
        try {
          await c.v1.files.delete(fileId, { signal });
          return true;
        } catch (err) {
          if (err instanceof NotFoundError) return false;
          throw err;
        }
      }),
    download: (fileId, signal) =>
      calling(`Downloading file ${fileId}`, async () => {
        try {
          const response = await c.v1.files.content(fileId, { signal });
          if (!response.body) throw emptyBody(`file ${fileId}`);
          return response.body;
        } catch (err) {
          if (err instanceof NotFoundError) return null;
          throw err;
        }
      }),
  };
}
