/**
 * What the pinned wheel (tools/postgres-requirements.txt) serves. The stores tier checks the
 * running server against it, and the compose test checks that self-hosting (`kb-postgres`) runs
 * the same PostgreSQL major and pgvector version.
 */
export const PINNED_POSTGRES = { major: 18, pgvector: '0.8.6' } as const;
