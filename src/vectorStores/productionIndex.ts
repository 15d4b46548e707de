import { openVectorStore } from './open.js';
import type { IndexReader, ResolvedIndex, SearchHit, SearchRequest, VectorStore } from './types.js';

/** What a RAG service holds: production as it is now, followed as the pointer moves. */
export interface ProductionIndex {
  readonly kb: string;
  /** The version served now (store, location, table, version id, dims); null before any promotion. */
  current(): ResolvedIndex | null;
  /** Exact search on the version served now; refused while nothing has been promoted. */
  search(request: SearchRequest): Promise<SearchHit[]>;
  /** Reads the pointer now (what the interval does); true when it moved and the new one is open. */
  refresh(): Promise<boolean>;
  /** Stops following; closes the store when this opened it. */
  close(): Promise<void>;
}

export interface ProductionIndexChange {
  kb: string;
  /** The version served before (null: none). */
  from: string | null;
  /** The version served from now on (null: production was removed). */
  to: string | null;
}

export interface OpenProductionIndexOptions {
  kb: string;
  /**
   * The store: what `finetune kb resolve` names as its location (a LanceDB folder, or
   * `postgres://user@host:port/db[?schema=…]` with the password in PGPASSWORD), or a store
   * already open (it is left open on close).
   */
  store: string | VectorStore;
  /** How often the pointer is read, in ms (default 5000; 0: only on `refresh()`). */
  intervalMs?: number;
  /** Called after the new version is open and served. */
  onChange?: (change: ProductionIndexChange) => void;
  /** A failed read of the pointer: the version served stays (default: ignored). */
  onError?: (err: unknown) => void;
}

export const PRODUCTION_POLL_MS = 5000;

/**
 * Opens the `production` version of a knowledge base for a service and re-opens it when the
 * pointer moves (a promotion or a rollback), without a restart: the store's own pointer is read
 * at an interval, and the new version is opened before it replaces the old one, so a search
 * always runs on one whole version. The store's pointer is the truth W&B's alias follows, and
 * reading it needs neither Temporal nor W&B.
 */
export async function openProductionIndex(
  options: OpenProductionIndexOptions,
): Promise<ProductionIndex> {
  const { kb } = options;
  const owned = typeof options.store === 'string';
  const store =
    typeof options.store === 'string' ? await openVectorStore(options.store) : options.store;
  let served: { resolved: ResolvedIndex; reader: IndexReader } | null = null;
  let pending: Promise<boolean> | undefined;
  let closed = false;

  const readPointer = async (): Promise<boolean> => {
    const resolved = await store.resolve(kb);
    const from = served?.resolved.versionId ?? null;
    const to = resolved?.versionId ?? null;
    if (from === to) return false;
    const reader = resolved ? await store.openVersion(resolved) : null;
    if (closed) return false;
    served = resolved && reader ? { resolved, reader } : null;
    options.onChange?.({ kb, from, to });
    return true;
  };
  const refresh = (): Promise<boolean> => {
    pending ??= readPointer().finally(() => (pending = undefined));
    return pending;
  };

  try {
    await refresh();
  } catch (err) {
    if (owned) await store.close();
    throw err;
  }
  const intervalMs = options.intervalMs ?? PRODUCTION_POLL_MS;
  const timer =
    intervalMs > 0
      ? setInterval(() => {
          refresh().catch((err: unknown) => options.onError?.(err));
        }, intervalMs)
      : undefined;
  timer?.unref();

  return {
    kb,
    current: () => served?.resolved ?? null,
    search(request) {
      if (!served) {
        return Promise.reject(
          new Error(
            `Knowledge base ${kb} has no production version yet: promote one (finetune kb approve) first.`,
          ),
        );
      }
      return served.reader.search(request);
    },
    refresh,
    async close() {
      closed = true;
      clearInterval(timer);
      await pending?.catch(() => undefined);
      if (owned) await store.close();
    },
  };
}
