import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EmbeddingsClient } from '../../providers/embeddingsSeam.js';
import type { StoreRef } from '../../shared/knowledgeBaseTypes.js';
import { describeStore, openVectorStore, type VectorStore } from '../../vectorStores/index.js';
import { isPostgresUri } from '../../vectorStores/postgres/uri.js';
import type { WandbActivityDeps } from '../wandb/deps.js';

/** What the knowledge base's activities need from the worker. */
export interface KbActivityDeps {
  embeddings: EmbeddingsClient;
  wandb: WandbActivityDeps;
  /** The worker's knowledge-base folder: run corpora (`runs/`) and the embedding cache (`embedding-cache/`). */
  dir: string;
  /** The store when an ingest names none (FINETUNE_KB_STORE; default `<dir>/lancedb`). */
  defaultStore: string;
  /** Embedding requests in flight at once, per activity (they also wait for the worker's rate limiter). */
  embedConcurrency: number;
  /** Inputs per embedding request (at most the API's 2048). */
  batchInputs: number;
  /** Opens the store a candidate is written to (default `openStore`). */
  openWriteStore: (location: string) => Promise<VectorStore>;
}

export interface KbSettings {
  dir?: string;
  store?: string;
  embedConcurrency?: number;
  batchInputs?: number;
  /**
   * How this worker opens the store it writes candidates to (default: `openStore`, once per
   * location). The crash tests wrap it to stop a worker in the middle of a write.
   */
  openWriteStore?: (location: string) => Promise<VectorStore>;
}

export const DEFAULT_KB_DIR = join(homedir(), '.finetune', 'kb');
export const DEFAULT_EMBED_CONCURRENCY = 4;
export const DEFAULT_BATCH_INPUTS = 512;

export function kbDeps(
  settings: KbSettings,
  embeddings: EmbeddingsClient,
  wandb: WandbActivityDeps,
): KbActivityDeps {
  const dir = resolve(settings.dir ?? DEFAULT_KB_DIR);
  return {
    embeddings,
    wandb,
    dir,
    defaultStore: settings.store ?? join(dir, 'lancedb'),
    embedConcurrency: settings.embedConcurrency ?? DEFAULT_EMBED_CONCURRENCY,
    batchInputs: settings.batchInputs ?? DEFAULT_BATCH_INPUTS,
    openWriteStore: settings.openWriteStore ?? openStore,
  };
}

/** A run's corpus folder on this worker. */
export const runDir = (deps: KbActivityDeps, kb: string, candidateId: string): string =>
  join(deps.dir, 'runs', kb, candidateId);

export const cacheDir = (deps: KbActivityDeps): string => join(deps.dir, 'embedding-cache');

/** The store a location names: a LanceDB folder is made absolute (history keeps where it is). */
export function storeRef(location: string): StoreRef {
  return isPostgresUri(location)
    ? { kind: 'postgres', location: describeStore(location) }
    : { kind: 'lancedb', location: resolve(location) };
}

const stores = new Map<string, Promise<VectorStore>>();

/**
 * The store at a location, opened once per worker and kept (a LanceDB connection, or a small
 * PostgreSQL pool with its password from PGPASSWORD).
 */
export function openStore(location: string): Promise<VectorStore> {
  let s = stores.get(location);
  if (!s) {
    s = openVectorStore(location);
    stores.set(location, s);
    s.catch(() => stores.delete(location));
  }
  return s;
}

/** Runs one embeddings call, its errors mapped by the worker's provider (naming its key setting). */
export function providerCalling(deps: KbActivityDeps) {
  return async <T>(action: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw deps.wandb.provider.toFailure(err, action);
    }
  };
}
