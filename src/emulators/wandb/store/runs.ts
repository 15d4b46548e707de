import { randomBytes } from 'node:crypto';
import { parseExtendedJson, parseObjectLine } from './extendedJson.js';
import type { IdSequence } from './ids.js';
import type { ProjectRecord } from './projects.js';
import type { EmulatedRunState } from '../types.js';

export const HISTORY_FILE = 'wandb-history.jsonl';
export const SUMMARY_FILE = 'wandb-summary.json';
export const CONSOLE_FILE = 'output.log';
export const EVENTS_FILE = 'wandb-events.jsonl';

export interface RunFileRecord {
  id: string;
  blobKey: string;
  size: number;
  md5: string;
  updatedAt: Date;
}

export interface RunRecord {
  id: string;
  n: number;
  project: ProjectRecord;
  name: string;
  displayName: string | null;
  description: string | null;
  notes: string | null;
  group: string | null;
  jobType: string | null;
  tags: string[];
  sweepName: string | null;
  host: string | null;
  program: string | null;
  commit: string | null;
  repo: string | null;
  /** The config JSONString exactly as last upserted. */
  configJson: string;
  summary: Record<string, unknown>;
  /** File-stream files by name; index = line number (holes stay undefined). */
  streams: Map<string, (string | undefined)[]>;
  reportedUploaded: Set<string>;
  files: Map<string, RunFileRecord>;
  complete: boolean;
  exitcode: number | null;
  preempting: boolean;
  stopped: boolean;
  createdAt: Date;
  heartbeatAt: Date;
  inputs: string[];
  outputs: string[];
}

/** Fields of `UpsertBucketInput` the emulator keeps. */
export interface RunUpsert {
  id?: string | null;
  name?: string | null;
  displayName?: string | null;
  description?: string | null;
  notes?: string | null;
  groupName?: string | null;
  jobType?: string | null;
  tags?: string[] | null;
  sweep?: string | null;
  host?: string | null;
  jobProgram?: string | null;
  commit?: string | null;
  jobRepo?: string | null;
  config?: string | null;
  summaryMetrics?: string | null;
}

export class UserInputError extends Error {}

export function checkRunName(name: string): string | undefined {
  if (name.length === 0 || name.length > 128) return 'run ids must be 1 to 128 characters';
  if (/[:;,#?/']/.test(name)) return "run ids must not contain : ; , # ? / '";
  return undefined;
}

function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseExtendedJson(text);
  } catch {
    throw new UserInputError(`${what} is not valid JSON; send a JSON-encoded object string`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserInputError(`${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Applies an upsert: creates the run when it does not exist, otherwise changes what was sent. */
export function newRun(
  ids: IdSequence,
  project: ProjectRecord,
  name: string | null | undefined,
): RunRecord {
  const runName = name ?? randomBytes(6).toString('hex').slice(0, 8);
  const problem = checkRunName(runName);
  if (problem) throw new UserInputError(`invalid run id "${runName}": ${problem}`);
  const { id, n } = ids.take('Run');
  const now = new Date();
  const run: RunRecord = {
    id,
    n,
    project,
    name: runName,
    displayName: null,
    description: null,
    notes: null,
    group: null,
    jobType: null,
    tags: [],
    sweepName: null,
    host: null,
    program: null,
    commit: null,
    repo: null,
    configJson: '{}',
    summary: {},
    streams: new Map(),
    reportedUploaded: new Set(),
    files: new Map(),
    complete: false,
    exitcode: null,
    preempting: false,
    stopped: false,
    createdAt: now,
    heartbeatAt: now,
    inputs: [],
    outputs: [],
  };
  project.runs.set(runName, run);
  return run;
}

export function applyUpsert(run: RunRecord, input: RunUpsert): void {
  if (input.config != null) {
    parseJsonObject(input.config, 'config');
    run.configJson = input.config;
  }
  if (input.summaryMetrics != null)
    run.summary = parseJsonObject(input.summaryMetrics, 'summaryMetrics');
  if (input.displayName != null) run.displayName = input.displayName;
  if (input.description != null) run.description = input.description;
  if (input.notes != null) run.notes = input.notes;
  if (input.groupName != null) run.group = input.groupName;
  if (input.jobType != null) run.jobType = input.jobType;
  if (input.tags != null) run.tags = [...input.tags];
  if (input.sweep != null) run.sweepName = input.sweep;
  if (input.host != null) run.host = input.host;
  if (input.jobProgram != null) run.program = input.jobProgram;
  if (input.commit != null) run.commit = input.commit;
  if (input.jobRepo != null) run.repo = input.jobRepo;
}

export function streamLines(run: RunRecord, file: string): string[] {
  return (run.streams.get(file) ?? []).filter((line): line is string => line !== undefined);
}

export function historyRows(run: RunRecord): Record<string, unknown>[] {
  return streamLines(run, HISTORY_FILE)
    .map((line) => parseObjectLine(line))
    .filter((row): row is Record<string, unknown> => row !== undefined);
}

export function historyLineCount(run: RunRecord): number {
  return run.streams.get(HISTORY_FILE)?.length ?? 0;
}

export function runState(
  run: RunRecord,
  now: number,
  heartbeatTimeoutMs: number,
): EmulatedRunState {
  if (run.complete) return run.exitcode === 0 ? 'finished' : 'failed';
  if (run.preempting) return 'preempting';
  return now - run.heartbeatAt.getTime() > heartbeatTimeoutMs ? 'crashed' : 'running';
}

/** `{key: {value: v}}` → `{key: v}`; plain values (older or foreign clients) pass through. */
export function unwrapConfig(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(raw)) {
    out[key] =
      entry !== null && typeof entry === 'object' && 'value' in entry ? entry.value : entry;
  }
  return out;
}

export function parsedConfig(run: RunRecord): Record<string, unknown> {
  return parseJsonObject(run.configJson, 'config');
}
