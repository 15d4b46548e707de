import type { Logger } from 'pino';
import {
  addAliases,
  fetchOrgEntity,
  linkArtifact,
  removeAliases,
  updateArtifactMetadata,
  type AliasChange,
  type LinkInput,
} from './artifacts/aliases.js';
import { downloadArtifact, type DownloadResult } from './artifacts/download.js';
import {
  fetchArtifact,
  fetchArtifactById,
  fetchArtifactManifest,
  type ArtifactVersion,
} from './artifacts/fetch.js';
import type { ArtifactManifest } from './artifacts/manifest.js';
import { parseArtifactPath, type ArtifactPath } from './artifacts/names.js';
import { logArtifact, type LogArtifactInput, type LoggedArtifact } from './artifacts/save.js';
import { useArtifact, type UseArtifactInput } from './artifacts/use.js';
import { RunFileStream, type FileStreamOptions } from './fileStream.js';
import { uploadRunFiles, type RunFile } from './runFiles.js';
import {
  fetchServerFeatures,
  fetchViewer,
  readRun,
  upsertRun,
  type RunRecord,
  type RunRef,
  type RunSnapshot,
  type UpsertRunInput,
  type Viewer,
} from './runs.js';
import type { RetryPolicy } from './retry.js';
import { WandbTransport, type CallOptions, type TransportTimeouts } from './transport.js';

export interface WandbClientOptions {
  apiKey: string;
  /** Default https://api.wandb.ai. Read WANDB_BASE_URL in the caller, not here. */
  baseUrl?: string;
  /** Entity to use when a call names none; otherwise the viewer's default entity. */
  entity?: string;
  fetch?: typeof globalThis.fetch;
  retry?: Partial<RetryPolicy>;
  timeouts?: Partial<TransportTimeouts>;
  random?: () => number;
  logger?: Logger;
}

type MaybeEntity<T extends { entity: string }> = Omit<T, 'entity'> & { entity?: string };

/**
 * A W&B client for one server and one API key. No module-level state and no process signal
 * handlers: create one per worker (or per activity) and run any number of syncs through it at once.
 * The only thing it remembers is the default entity and server features, per instance.
 */
export class WandbClient {
  readonly transport: WandbTransport;
  readonly #options: WandbClientOptions;
  readonly #entity?: string;
  #defaultEntity?: Promise<string>;
  #features?: Promise<ReadonlySet<string>>;

  constructor(options: WandbClientOptions) {
    this.transport = new WandbTransport(options);
    this.#options = options;
    this.#entity = options.entity;
  }

  /** The same server, key and entity with other retries or time-outs (e.g. for quick calls). */
  with(options: Pick<WandbClientOptions, 'retry' | 'timeouts'>): WandbClient {
    const o = this.#options;
    return new WandbClient({
      ...o,
      retry: { ...o.retry, ...options.retry },
      timeouts: { ...o.timeouts, ...options.timeouts },
    });
  }

  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  viewer(options?: CallOptions): Promise<Viewer> {
    return fetchViewer(this.transport, options);
  }

  /** The configured entity, else the viewer's default entity (fetched once per client). */
  async defaultEntity(options?: CallOptions): Promise<string> {
    if (this.#entity) return this.#entity;
    // Shared by concurrent callers, so it runs without any one caller's signal; each caller can
    // still stop waiting for it on its own.
    this.#defaultEntity ??= this.viewer().then(
      (v) => v.entity,
      (err: unknown) => {
        this.#defaultEntity = undefined; // do not cache a failure
        throw err;
      },
    );
    return untilAborted(this.#defaultEntity, options?.signal);
  }

  async serverFeatures(options?: CallOptions): Promise<ReadonlySet<string>> {
    this.#features ??= fetchServerFeatures(this.transport).catch((err: unknown) => {
      this.#features = undefined;
      throw err;
    });
    return untilAborted(this.#features, options?.signal);
  }

  async upsertRun(input: UpsertRunInput, options?: CallOptions): Promise<RunRecord> {
    return upsertRun(
      this.transport,
      { ...input, entity: input.entity ?? (await this.defaultEntity(options)) },
      options,
    );
  }

  /** The run, or null if it does not exist ("already synced?" checks). */
  async getRun(ref: MaybeEntity<RunRef>, options?: CallOptions): Promise<RunSnapshot | null> {
    return readRun(this.transport, await this.#withEntity(ref, options), options);
  }

  /** The run's file stream (history, summary, heartbeats, finish). Use the names upsertRun returned. */
  fileStream(run: RunRef, options?: FileStreamOptions): RunFileStream {
    return new RunFileStream(this.transport, run, options);
  }

  /** Upload run files; returns the names uploaded, to report with the file stream's `uploaded`. */
  uploadRunFiles(run: RunRef, files: RunFile[], options?: CallOptions): Promise<string[]> {
    return uploadRunFiles(this.transport, run, files, options);
  }

  async logArtifact(
    input: MaybeEntity<LogArtifactInput>,
    options?: CallOptions,
  ): Promise<LoggedArtifact> {
    const full = await this.#withEntity(input, options);
    return logArtifact(this.transport, full, await this.serverFeatures(options), options);
  }

  async useArtifact(input: MaybeEntity<UseArtifactInput>, options?: CallOptions): Promise<void> {
    const full = await this.#withEntity(input, options);
    return useArtifact(this.transport, full, await this.serverFeatures(options), options);
  }

  /** "entity/project/name:alias" (or ":vN"); missing parts default to `defaults`. Null if unknown. */
  async fetchArtifact(
    path: string | ArtifactPath,
    defaults: { project?: string; entity?: string } = {},
    options?: CallOptions,
  ): Promise<ArtifactVersion | null> {
    const parsed =
      typeof path === 'string'
        ? parseArtifactPath(path, {
            project: defaults.project,
            entity:
              defaults.entity ??
              (path.split('/').length >= 3 ? undefined : await this.defaultEntity(options)),
          })
        : path;
    return fetchArtifact(this.transport, parsed, options);
  }

  fetchArtifactById(id: string, options?: CallOptions): Promise<ArtifactVersion | null> {
    return fetchArtifactById(this.transport, id, options);
  }

  fetchArtifactManifest(artifactId: string, options?: CallOptions): Promise<ArtifactManifest> {
    return fetchArtifactManifest(this.transport, artifactId, options);
  }

  /** Download all files into `dir`, each verified against its manifest MD5. */
  downloadArtifact(
    artifactId: string,
    dir: string,
    options?: CallOptions,
  ): Promise<DownloadResult> {
    return downloadArtifact(this.transport, artifactId, dir, options);
  }

  addAliases(change: AliasChange, options?: CallOptions): Promise<void> {
    return addAliases(this.transport, change, options);
  }

  removeAliases(change: AliasChange, options?: CallOptions): Promise<void> {
    return removeAliases(this.transport, change, options);
  }

  /** Replace a committed version's metadata (no new version is made). */
  updateArtifactMetadata(
    artifactId: string,
    metadata: Record<string, unknown>,
    options?: CallOptions,
  ): Promise<void> {
    return updateArtifactMetadata(this.transport, artifactId, metadata, options);
  }

  /** The organization entity owning W&B Registry projects, or null when there is none. */
  orgEntity(entity: string, options?: CallOptions): Promise<string | null> {
    return fetchOrgEntity(this.transport, entity, options);
  }

  /** Link a version into a portfolio (model registry / wandb-registry-*). */
  linkArtifact(link: LinkInput, options?: CallOptions): Promise<{ versionIndex: number | null }> {
    return linkArtifact(this.transport, link, options);
  }

  async #withEntity<T extends { entity?: string }>(
    input: T,
    options?: CallOptions,
  ): Promise<T & { entity: string }> {
    return { ...input, entity: input.entity ?? (await this.defaultEntity(options)) };
  }
}

/** Wait for a shared promise, but give up (with the signal's reason) when the signal aborts. */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export * from './errors.js';
export {
  DEFAULT_WANDB_BASE_URL,
  WandbTransport,
  type CallOptions,
  type TransportTimeouts,
} from './transport.js';
export type { RetryPolicy } from './retry.js';
export type { RunRecord, RunRef, RunSnapshot, UpsertRunInput, Viewer } from './runs.js';
export {
  RunFileStream,
  summaryFromHistory,
  type FileStreamOptions,
  type FinishOptions,
  type HistoryProgress,
  type HistoryResult,
  type HistoryRow,
  type WriteHistoryOptions,
} from './fileStream.js';
export { renderConfigYaml, toWireConfig, fromWireConfig } from './runConfig.js';
export { renderMetadataJson, renderSummaryJson, type RunFile } from './runFiles.js';
export type { FileSource } from './fileSource.js';
export {
  artifactDigest,
  buildManifest,
  parseManifest,
  type ArtifactManifest,
  type ManifestEntry,
} from './artifacts/manifest.js';
export {
  parseArtifactPath,
  formatArtifactPath,
  sanitizeArtifactName,
  type ArtifactPath,
} from './artifacts/names.js';
export type { ArtifactFile, LogArtifactInput, LoggedArtifact } from './artifacts/save.js';
export type { UseArtifactInput } from './artifacts/use.js';
export type { ArtifactVersion } from './artifacts/fetch.js';
export type { DownloadResult, DownloadedFile } from './artifacts/download.js';
export type { AliasChange, LinkInput } from './artifacts/aliases.js';
export {
  TableFileWriter,
  tableFileRef,
  runMediaTablePath,
  columnTypesDescriptor,
  type TableColumn,
  type TableColumnType,
  type TableFile,
  type TableFileRef,
  type TableWriterOptions,
} from './artifacts/table.js';
