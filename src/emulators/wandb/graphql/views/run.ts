import { parseObjectLine } from '../../store/extendedJson.js';
import { historyKeys } from '../../store/historyKeys.js';
import {
  CONSOLE_FILE,
  EVENTS_FILE,
  HISTORY_FILE,
  historyLineCount,
  historyRows,
  parsedConfig,
  runState,
  streamLines,
  type RunRecord,
} from '../../store/runs.js';
import { artifactView } from './artifact.js';
import { connection, iso, type GqlContext, type PageArgs, type View } from './context.js';
import { viewerView } from './identity.js';
import { projectView } from './project.js';
import { stringifyExtendedJson } from './serialize.js';

/** At most `count` items spread evenly, keeping the first and the last (as W&B samples history). */
function evenlySampled<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  if (count <= 0) return [];
  if (count === 1) return [items.at(-1) as T];
  return Array.from(
    { length: count },
    (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))] as T,
  );
}

function stepOf(line: string, index: number): number {
  const step = parseObjectLine(line)?._step;
  return typeof step === 'number' ? step : index;
}

/** History lines (raw JSON strings) with `_step` in [minStep, maxStep), at most `samples`. */
function historyPage(
  run: RunRecord,
  args: { samples?: number | null; minStep?: number | null; maxStep?: number | null },
): string[] {
  const lines = streamLines(run, HISTORY_FILE).filter((line, i) => {
    const step = stepOf(line, i);
    return (
      (args.minStep == null || step >= args.minStep) &&
      (args.maxStep == null || step < args.maxStep)
    );
  });
  return args.samples == null ? lines : evenlySampled(lines, args.samples);
}

interface SampleSpec {
  keys?: string[];
  samples?: number;
  minStep?: number;
  maxStep?: number;
}

/** A sampledHistory spec's step range is inclusive at both ends (wandb-core asks for [a, b - 1]). */
function sampled(run: RunRecord, specJson: string): Record<string, unknown>[] {
  const spec = (parseObjectLine(specJson) ?? {}) as SampleSpec;
  const rows = historyRows(run).filter((row, i) => {
    const step = typeof row._step === 'number' ? row._step : i;
    return (
      (spec.minStep == null || step >= spec.minStep) &&
      (spec.maxStep == null || step <= spec.maxStep)
    );
  });
  const keys = spec.keys ?? [];
  const picked = rows
    .filter((row) => keys.every((k) => k === '_step' || k in row))
    .map((row) =>
      keys.length === 0
        ? row
        : Object.fromEntries(keys.filter((k) => k in row).map((k) => [k, row[k]])),
    );
  return spec.samples == null ? picked : evenlySampled(picked, spec.samples);
}

/** An empty or missing name list means every file; `pattern` is a glob with `*` or `%`. */
function fileSelected(
  name: string,
  names?: (string | null)[] | null,
  pattern?: string | null,
): boolean {
  if (names && names.length > 0 && !names.includes(name)) return false;
  if (!pattern) return true;
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/[*%]/g, '.*');
  return new RegExp(`^${escaped}$`).test(name);
}

function tail(lines: string[], count: number): string {
  return JSON.stringify(lines.slice(-count));
}

export function runView(run: RunRecord, ctx: GqlContext): View {
  const state = () => runState(run, Date.now(), ctx.backend.heartbeatTimeoutMs);
  return {
    __typename: 'Run',
    id: run.id,
    name: run.name,
    displayName: run.displayName ?? run.name,
    description: run.description,
    notes: run.notes,
    group: run.group,
    jobType: run.jobType,
    tags: run.tags,
    state,
    config: run.configJson,
    summaryMetrics: () => stringifyExtendedJson(run.summary),
    systemMetrics: () =>
      stringifyExtendedJson(parseObjectLine(streamLines(run, EVENTS_FILE).at(-1)) ?? {}),
    wandbConfig: ({ keys }: { keys?: string[] | null }) => {
      const wandb = parsedConfig(run)._wandb as { value?: Record<string, unknown> } | undefined;
      const value = wandb?.value ?? {};
      return JSON.stringify(
        keys ? Object.fromEntries(keys.filter((k) => k in value).map((k) => [k, value[k]])) : value,
      );
    },
    historyLineCount: () => historyLineCount(run),
    logLineCount: () => streamLines(run, CONSOLE_FILE).length,
    eventsLineCount: () => streamLines(run, EVENTS_FILE).length,
    historyTail: () => tail(streamLines(run, HISTORY_FILE), 1),
    eventsTail: () => tail(streamLines(run, EVENTS_FILE), 1),
    historyKeys: () => historyKeys(historyRows(run)),
    history: (args: {
      samples?: number | null;
      minStep?: number | null;
      maxStep?: number | null;
    }) => historyPage(run, args),
    sampledHistory: ({ specs }: { specs: string[] }) => specs.map((spec) => sampled(run, spec)),
    parquetHistory: () => ({ parquetUrls: [], liveData: historyRows(run) }),
    sweepName: run.sweepName,
    commit: run.commit,
    host: run.host,
    readOnly: false,
    stopped: run.stopped,
    exitcode: run.exitcode,
    createdAt: iso(run.createdAt),
    updatedAt: iso(run.heartbeatAt),
    heartbeatAt: iso(run.heartbeatAt),
    user: () => viewerView(ctx),
    project: () => projectView(run.project, ctx),
    projectId: run.project.n,
    fileCount: run.files.size,
    files: (args: PageArgs & { names?: (string | null)[] | null; pattern?: string | null }) => {
      const files = [...run.files.entries()].filter(([name]) =>
        fileSelected(name, args.names, args.pattern),
      );
      return connection(files, args, ([name, file]) => {
        const url = ctx.baseUrl + ctx.backend.blobs.downloadPath(file.blobKey);
        return {
          __typename: 'File',
          id: file.id,
          name,
          displayName: name,
          url,
          directUrl: url,
          sizeBytes: file.size,
          md5: file.md5,
          digest: file.md5,
          mimetype: null,
          storagePath: file.blobKey,
          updatedAt: iso(file.updatedAt),
        };
      });
    },
    outputArtifacts: (args: PageArgs) => artifactConnection(run.outputs, args, ctx),
    inputArtifacts: (args: PageArgs) => artifactConnection(run.inputs, args, ctx),
  };
}

function artifactConnection(ids: string[], args: PageArgs, ctx: GqlContext) {
  const artifacts = ids
    .map((id) => ctx.backend.artifacts.artifacts.get(id))
    // Only committed versions: a create whose commit never came (e.g. a retried create after a
    // lost response) leaves an orphan pending version that clients must not see as an output.
    .filter((a) => a?.state === 'COMMITTED');
  return connection(artifacts, args, (a) => artifactView(a!, ctx));
}
