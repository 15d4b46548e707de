import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import OpenAI from 'openai';
import { startSync } from '../../../src/client/sync.js';
import type { OpenAIEmulatorOptions } from '../../../src/emulators/openai/index.js';
import type {
  EmulatedArtifactVersion,
  EmulatedRun,
  WandbEmulatorStateView,
} from '../../../src/emulators/wandb/index.js';
import {
  decodedResults,
  parseResultsRows,
  type ResultsRow,
} from '../../../src/providers/openaiApi/resultsFile.js';
import type {
  SyncFineTunesResult,
  SyncOptions,
  SyncOutcome,
} from '../../../src/shared/syncTypes.js';
import type { WaitPolicy } from '../../../src/shared/types.js';
import { WandbClient } from '../../../src/wandb/index.js';
import { TEST_OPENAI_KEY, TEST_WANDB_ENTITY, TEST_WANDB_KEY, type Harness } from './harness.js';
import { eventually } from '../../support/eventually.js';

const DATA = join(import.meta.dirname, '..', '..', '..', 'data', 'sample');
export const TRAIN_PATH = join(DATA, 'train.jsonl');
export const VALID_PATH = join(DATA, 'valid.jsonl');
export const ENTITY = TEST_WANDB_ENTITY;

/** Seconds-long emulated jobs: about two seconds from creation to the end. */
export const SHORT_JOBS: OpenAIEmulatorOptions = {
  durations: { validatingMs: 200, queuedMs: 200, runningMs: 1500, fileProcessingMs: 50 },
  steps: 10,
};
export const FAST_WAIT: Partial<WaitPolicy> = { minPollMs: 300, maxPollMs: 2000 };

export function openaiFor(h: Harness): OpenAI {
  return new OpenAI({ apiKey: TEST_OPENAI_KEY, baseURL: `${h.openai.url}/v1`, maxRetries: 5 });
}

/** Our W&B client over HTTP, as a reader of what the sync wrote. */
export function wandbClientFor(h: Harness): WandbClient {
  return new WandbClient({ apiKey: TEST_WANDB_KEY, baseUrl: wandbOf(h).url });
}

export function wandbOf(h: Harness): NonNullable<Harness['wandb']> {
  if (!h.wandb) throw new Error('this harness was started without the W&B emulator');
  return h.wandb;
}

export function stateOf(h: Harness): WandbEmulatorStateView {
  return wandbOf(h).state;
}

export function runOf(h: Harness, project: string, runId: string): EmulatedRun {
  const run = stateOf(h).run(ENTITY, project, runId);
  if (!run) throw new Error(`no W&B run ${ENTITY}/${project}/${runId}`);
  return run;
}

export function versionsOf(
  h: Harness,
  project: string,
  collection: string,
): EmulatedArtifactVersion[] {
  return stateOf(h).artifactVersions(ENTITY, project, collection);
}

export interface SampleFiles {
  training: string;
  validation: string;
}

/** Uploads the bundled sample (train + valid) with the official client and waits until processed. */
export async function uploadSample(openai: OpenAI): Promise<SampleFiles> {
  const [training, validation] = await Promise.all(
    [TRAIN_PATH, VALID_PATH].map(async (path) => {
      const file = await openai.files.create({
        file: createReadStream(path),
        purpose: 'fine-tune',
      });
      await openai.files.waitForProcessing(file.id, { pollInterval: 50, maxWait: 30_000 });
      return file.id;
    }),
  );
  return { training: training!, validation: validation! };
}

/** Creates a job as a user would, outside any workflow. */
export async function createJob(
  openai: OpenAI,
  files: SampleFiles,
  opts: { suffix?: string; validation?: boolean; seed?: number } = {},
): Promise<string> {
  const job = await openai.fineTuning.jobs.create({
    model: 'gpt-4.1-mini-2025-04-14',
    training_file: files.training,
    validation_file: opts.validation === false ? undefined : files.validation,
    suffix: opts.suffix ?? 'wb',
    seed: opts.seed,
  });
  return job.id;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** Polls the job until it reaches one of `statuses` (default: any terminal one). */
export async function waitForJob(
  openai: OpenAI,
  jobId: string,
  statuses: ReadonlySet<string> = TERMINAL,
  timeoutMs = 60_000,
): Promise<OpenAI.FineTuning.FineTuningJob> {
  return eventually(
    `job ${jobId} to reach ${[...statuses].join(' or ')}`,
    async () => {
      const job = await openai.fineTuning.jobs.retrieve(jobId);
      return statuses.has(job.status) && job;
    },
    timeoutMs,
    100,
  );
}

/** Runs the `WandbLogger.sync()` equivalent on the harness's worker and returns its report. */
export async function runSync(h: Harness, options: SyncOptions): Promise<SyncFineTunesResult> {
  const started = await startSync(
    h.client,
    { wait: FAST_WAIT, ...options },
    {
      taskQueue: h.taskQueue,
    },
  );
  return started.handle.result();
}

export function outcomeOf(result: SyncFineTunesResult, jobId: string): SyncOutcome {
  const outcome = result.jobs.find((j) => j.jobId === jobId);
  if (!outcome) throw new Error(`job ${jobId} is not in the sync report`);
  return outcome;
}

/** The job's results file, decoded and parsed by column, as OpenAI serves it. */
export async function resultsRowsOf(openai: OpenAI, jobId: string): Promise<ResultsRow[]> {
  const job = await openai.fineTuning.jobs.retrieve(jobId);
  const fileId = job.result_files[0];
  if (!fileId) throw new Error(`job ${jobId} has no results file`);
  const response = await openai.files.content(fileId);
  const { stream } = await decodedResults(
    Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
  );
  const rows: ResultsRow[] = [];
  for await (const row of parseResultsRows(stream)) rows.push(row);
  return rows;
}

/** Downloads an artifact version over HTTP (MD5-checked by the client) and reads one file. */
export async function artifactFileText(
  h: Harness,
  artifactId: string,
  path: string,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wb-it-'));
  try {
    await wandbClientFor(h).downloadArtifact(artifactId, dir);
    return await readFile(join(dir, path), 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Records in a JSONL file (what W&B's `items`, n_train and n_valid count). */
export async function jsonlRecords(path: string): Promise<number> {
  return (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim()).length;
}

/** A history line without the keys that depend on when it was written. */
export function timeless(line: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(line).filter(([key]) => key !== '_runtime' && key !== '_timestamp'),
  );
}

/** What the history line of a results row must hold: `_step` and every non-empty cell, as numbers. */
export function expectedLine(row: ResultsRow): Record<string, unknown> {
  const line: Record<string, unknown> = { _step: Number(row.step) };
  for (const [key, cell] of Object.entries(row)) {
    if (key !== 'step' && cell !== '') line[key] = Number(cell);
  }
  return line;
}

/** The `:vN` names of a run's inputs or outputs, e.g. `train-file-abc:v0`. */
export function refNames(refs: EmulatedRun['inputs']): string[] {
  return refs.map((r) => r.name).sort();
}
