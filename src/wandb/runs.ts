import { z } from 'zod';
import {
  WandbAuthError,
  WandbInputError,
  WandbNotFoundError,
  WandbProtocolError,
} from './errors.js';
import { fromWireConfig, parseJsonString, toWireConfig } from './runConfig.js';
import { defineOperation, type CallOptions, type WandbTransport } from './transport.js';

// Identity, run upsert and run read (protocol: Viewer, ServerFeaturesQuery, UpsertBucket, Run).

const nullableString = z.string().nullish();

export const ViewerOp = defineOperation(
  'Viewer',
  `query Viewer { viewer { id entity username email flags teams { edges { node { name } } } } }`,
  z.object({
    viewer: z
      .object({
        id: z.string(),
        entity: nullableString,
        username: nullableString,
        email: nullableString,
      })
      .nullable(),
  }),
);

export const ServerFeaturesOp = defineOperation(
  'ServerFeaturesQuery',
  `query ServerFeaturesQuery { serverInfo { features { name isEnabled } } }`,
  z.object({
    serverInfo: z
      .object({
        features: z.array(z.object({ name: z.string(), isEnabled: z.boolean() })).nullish(),
      })
      .nullish(),
  }),
);

export const UpsertBucketOp = defineOperation(
  'UpsertBucket',
  `mutation UpsertBucket($id: String, $name: String, $project: String, $entity: String, $groupName: String, $notes: String, $displayName: String, $commit: String, $repo: String, $program: String, $host: String, $config: JSONString, $jobType: String, $tags: [String!], $summaryMetrics: JSONString) {
  upsertBucket(input: {id: $id, name: $name, modelName: $project, entityName: $entity, groupName: $groupName, notes: $notes, displayName: $displayName, commit: $commit, jobRepo: $repo, jobProgram: $program, host: $host, config: $config, jobType: $jobType, tags: $tags, summaryMetrics: $summaryMetrics}) {
    bucket { id name displayName description config sweepName project { id name entity { id name } } historyLineCount }
    inserted
  }
}`,
  z.object({
    upsertBucket: z
      .object({
        bucket: z.object({
          id: z.string(),
          name: z.string(),
          displayName: nullableString,
          config: nullableString,
          project: z.object({
            id: z.string().nullish(),
            name: z.string(),
            entity: z.object({ name: z.string() }),
          }),
          historyLineCount: z.number().int().nullish(),
        }),
        inserted: z.boolean().nullish(),
      })
      .nullable(),
  }),
);

export const RunOp = defineOperation(
  'Run',
  `query Run($project: String!, $entity: String!, $name: String!) {
  project(name: $project, entityName: $entity) {
    run(name: $name) { id name displayName state config group jobType tags notes createdAt heartbeatAt summaryMetrics historyLineCount }
  }
}`,
  z.object({
    project: z
      .object({
        run: z
          .object({
            id: z.string(),
            name: z.string(),
            displayName: nullableString,
            state: nullableString,
            config: nullableString,
            group: nullableString,
            jobType: nullableString,
            tags: z.array(z.string()).nullish(),
            notes: nullableString,
            createdAt: nullableString,
            heartbeatAt: nullableString,
            summaryMetrics: nullableString,
            historyLineCount: z.number().int().nullish(),
          })
          .nullable(),
      })
      .nullable(),
  }),
);

export interface Viewer {
  id: string;
  /** The user's default entity: used whenever no entity is given. */
  entity: string;
  username?: string;
}

/** Where a run lives; `runId` is W&B's run name (the URL slug), e.g. the OpenAI job id. */
export interface RunRef {
  entity: string;
  project: string;
  runId: string;
}

export interface UpsertRunInput {
  runId: string;
  project: string;
  /** Null/absent → the viewer's default entity (the server decides). */
  entity?: string;
  /** Server storage id from an earlier upsert; lets the server skip the name lookup. */
  storageId?: string;
  displayName?: string;
  jobType?: string;
  /** Replaces the run's whole tag list. */
  tags?: string[];
  notes?: string;
  group?: string;
  /** Plain values; sent in W&B's {key: {value}} form. Replaces the run config. */
  config?: Record<string, unknown>;
  /** Usually left out: the summary travels over the file stream. */
  summary?: Record<string, unknown>;
  host?: string;
  program?: string;
  commit?: string;
  repo?: string;
}

export interface RunRecord extends RunRef {
  /** Server storage id (`bucket.id`). */
  storageId: string;
  displayName?: string;
  /** Lines of history already stored: the first free line for new history. */
  historyLineCount: number;
  /** True when this upsert created the run. */
  inserted: boolean;
}

export interface RunSnapshot extends RunRecord {
  state?: string;
  jobType?: string;
  group?: string;
  notes?: string;
  tags: string[];
  config: Record<string, unknown>;
  summary: Record<string, unknown>;
  createdAt?: string;
  heartbeatAt?: string;
}

// W&B refuses these in run ids; catching them here gives a clear message instead of a 400.
const RUN_ID_FORBIDDEN = /[:;,#?/'\\]/;
const PROJECT_FORBIDDEN = /[/\\#?%:]/;

export function validateRunRef(runId: string, project: string): void {
  if (!runId || RUN_ID_FORBIDDEN.test(runId)) {
    throw new WandbInputError(
      `Run id "${runId}" is not allowed: it must be non-empty and contain none of : ; , # ? / ' \\`,
    );
  }
  if (!project || project.length > 128 || PROJECT_FORBIDDEN.test(project)) {
    throw new WandbInputError(
      `Project "${project}" is not allowed: 1–128 characters, none of / \\ # ? % :`,
    );
  }
}

export async function fetchViewer(t: WandbTransport, options: CallOptions = {}): Promise<Viewer> {
  const data = await t.graphql(ViewerOp, {}, options);
  if (!data.viewer) {
    throw new WandbAuthError(
      `W&B at ${t.baseUrl} does not recognise the API key (viewer is null). Check WANDB_API_KEY for this server.`,
      { operation: 'Viewer' },
    );
  }
  if (!data.viewer.entity) {
    throw new WandbInputError('The W&B user has no default entity; pass an entity explicitly.', {
      operation: 'Viewer',
    });
  }
  return {
    id: data.viewer.id,
    entity: data.viewer.entity,
    username: data.viewer.username ?? undefined,
  };
}

/** Enabled server feature names; an empty set when the server cannot say (as wandb-core assumes). */
export async function fetchServerFeatures(
  t: WandbTransport,
  options: CallOptions = {},
): Promise<ReadonlySet<string>> {
  try {
    const data = await t.graphql(ServerFeaturesOp, {}, options);
    return new Set((data.serverInfo?.features ?? []).filter((f) => f.isEnabled).map((f) => f.name));
  } catch (err) {
    // A server without this query (or with another shape) supports nothing optional; a transient
    // or auth failure is not an answer and must not be cached as "no features".
    if (err instanceof WandbProtocolError || err instanceof WandbNotFoundError) return new Set();
    throw err;
  }
}

/** Create or update a run (same mutation). Idempotent: the run id is the key. */
export async function upsertRun(
  t: WandbTransport,
  input: UpsertRunInput,
  options: CallOptions = {},
): Promise<RunRecord> {
  validateRunRef(input.runId, input.project);
  const variables: Record<string, unknown> = {
    id: input.storageId,
    name: input.runId,
    project: input.project,
    entity: input.entity,
    groupName: input.group,
    notes: input.notes,
    displayName: input.displayName,
    commit: input.commit,
    repo: input.repo,
    program: input.program,
    host: input.host,
    jobType: input.jobType,
    tags: input.tags,
    config: input.config ? JSON.stringify(toWireConfig(input.config)) : undefined,
    summaryMetrics: input.summary ? JSON.stringify(input.summary) : undefined,
  };
  const data = await t.graphql(UpsertBucketOp, dropUndefined(variables), {
    ...options,
    retryConflict: true,
  });
  if (!data.upsertBucket) {
    throw new WandbProtocolError(`W&B returned no run for UpsertBucket of "${input.runId}".`, {
      operation: 'UpsertBucket',
    });
  }
  const b = data.upsertBucket.bucket;
  return {
    storageId: b.id,
    runId: b.name,
    entity: b.project.entity.name,
    project: b.project.name,
    displayName: b.displayName ?? undefined,
    historyLineCount: b.historyLineCount ?? 0,
    inserted: data.upsertBucket.inserted ?? false,
  };
}

/** Read a run, or null when the project or run does not exist. */
export async function readRun(
  t: WandbTransport,
  ref: RunRef,
  options: CallOptions = {},
): Promise<RunSnapshot | null> {
  let run;
  try {
    const data = await t.graphql(
      RunOp,
      { project: ref.project, entity: ref.entity, name: ref.runId },
      options,
    );
    run = data.project?.run;
  } catch (err) {
    // Some servers answer a missing project with a "not found" error rather than null.
    if (err instanceof WandbNotFoundError) return null;
    throw err;
  }
  if (!run) return null;
  return {
    storageId: run.id,
    runId: run.name,
    entity: ref.entity,
    project: ref.project,
    displayName: run.displayName ?? undefined,
    historyLineCount: run.historyLineCount ?? 0,
    inserted: false,
    state: run.state ?? undefined,
    jobType: run.jobType ?? undefined,
    group: run.group ?? undefined,
    notes: run.notes ?? undefined,
    tags: run.tags ?? [],
    config: fromWireConfig(parseJsonString(run.config)),
    summary: parseJsonString(run.summaryMetrics),
    createdAt: run.createdAt ?? undefined,
    heartbeatAt: run.heartbeatAt ?? undefined,
  };
}

export function dropUndefined(vars: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== undefined));
}
