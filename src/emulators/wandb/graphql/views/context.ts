import type { Backend } from '../../store/backend.js';

/** What every resolver sees: the emulator state and the base URL signed URLs point at. */
export interface GqlContext {
  backend: Backend;
  baseUrl: string;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Connection<N> {
  totalCount: number;
  pageInfo: {
    startCursor: string | null;
    endCursor: string | null;
    hasNextPage: boolean;
    hasPreviousPage: boolean;
  };
  edges: ({ node: N; cursor: string } & Record<string, unknown>)[];
}

const cursorOf = (index: number): string => Buffer.from(`cursor:${index}`).toString('base64');

function indexOf(cursor: string | null | undefined): number {
  if (!cursor) return -1;
  const match = /^cursor:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return match?.[1] ? Number(match[1]) : -1;
}

/** Relay-style paging over an in-memory list; cursors are opaque offsets. */
export function connection<T, N>(
  items: readonly T[],
  args: PageArgs,
  toNode: (item: T) => N,
  edgeExtra?: (item: T) => Record<string, unknown>,
): Connection<N> {
  const start = indexOf(args.after) + 1;
  const end =
    args.first == null ? items.length : Math.min(items.length, start + Math.max(0, args.first));
  const edges = items.slice(start, end).map((item, i) => ({
    ...(edgeExtra ? edgeExtra(item) : {}),
    node: toNode(item),
    cursor: cursorOf(start + i),
  }));
  return {
    totalCount: items.length,
    pageInfo: {
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
    },
    edges,
  };
}

export const iso = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, '');

/**
 * What a view function returns: an object whose fields are values or resolvers that graphql-js
 * calls with (args, context). The SDL, not TypeScript, describes its shape.
 */
export type View = Record<string, unknown>;
