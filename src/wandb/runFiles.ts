import { z } from 'zod';
import { WandbInputError } from './errors.js';
import { bodyFactory, fingerprint, parseUploadHeaders, type FileSource } from './fileSource.js';
import { encodeExtendedJson } from './json.js';
import type { RunRef } from './runs.js';
import { defineOperation, type CallOptions, type WandbTransport } from './transport.js';

// Run files (config.yaml, wandb-metadata.json, wandb-summary.json, media/…): ask for signed upload
// URLs with CreateRunFiles, PUT the bytes, then report them in the file stream's `uploaded` list.

export const CreateRunFilesOp = defineOperation(
  'CreateRunFiles',
  `mutation CreateRunFiles($entity: String!, $project: String!, $run: String!, $files: [String!]!) {
  createRunFiles(input: {entityName: $entity, projectName: $project, runName: $run, files: $files}) {
    runID uploadHeaders files { name uploadUrl }
  }
}`,
  z.object({
    createRunFiles: z.object({
      runID: z.string().nullish(),
      uploadHeaders: z.array(z.string()).nullish(),
      files: z.array(z.object({ name: z.string(), uploadUrl: z.string().nullish() })),
    }),
  }),
);

export interface RunFile {
  /** Path relative to the run's file root, forward slashes (e.g. "media/table/x.table.json"). */
  name: string;
  source: FileSource;
}

export function validateRunFileName(name: string): void {
  if (
    !name ||
    name.startsWith('/') ||
    name.includes('\\') ||
    name.split('/').some((p) => p === '..' || p === '')
  ) {
    throw new WandbInputError(
      `Run file name "${name}" must be a relative path with forward slashes and no "..".`,
    );
  }
}

/** Upload run files; returns the names actually uploaded (to pass as `uploaded` to the file stream). */
export async function uploadRunFiles(
  t: WandbTransport,
  run: RunRef,
  files: RunFile[],
  options: CallOptions = {},
): Promise<string[]> {
  if (files.length === 0) return [];
  files.forEach((f) => validateRunFileName(f.name));
  const data = await t.graphql(
    CreateRunFilesOp,
    { entity: run.entity, project: run.project, run: run.runId, files: files.map((f) => f.name) },
    options,
  );
  const common = parseUploadHeaders(data.createRunFiles.uploadHeaders);
  const urls = new Map(data.createRunFiles.files.map((f) => [f.name, f.uploadUrl ?? null]));
  const uploaded: string[] = [];
  for (const file of files) {
    const url = urls.get(file.name);
    if (!url) continue; // null URL: the server does not want these bytes
    const { md5, size } = await fingerprint(file.source);
    const headers = { 'content-md5': md5, 'content-length': String(size), ...common };
    await t.putBlob(
      url,
      bodyFactory(file.source),
      headers,
      `upload of run file ${file.name}`,
      options,
    );
    uploaded.push(file.name);
  }
  return uploaded;
}

/**
 * wandb-metadata.json: the environment record. Only keys the W&B UI knows are worth sending
 * (os, startedAt, host, program, args, …); values are the caller's.
 */
export function renderMetadataJson(metadata: Record<string, unknown>): string {
  return `${JSON.stringify(metadata, null, 2)}\n`;
}

/** wandb-summary.json: the final summary, the same object as the stream's last summary line. */
export function renderSummaryJson(summary: Record<string, unknown>): string {
  return encodeExtendedJson(summary);
}
