import type pg from 'pg';

/** Runs `fn` in one transaction on one pooled connection; rolls back when it throws. */
export async function inTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * pgvector's text form, `[1,2,3]`: bound as text, no client-side type helper needed. Nine
 * significant digits give back the same float32 (pgvector stores float32); printing every double
 * digit made the strings 1.6× longer and writes 2× slower.
 */
export const vectorLiteral = (v: ArrayLike<number>): string =>
  `[${Array.from(v, (x) => x.toPrecision(9)).join(',')}]`;

/** Version ids are `kb_versions.id` (bigint) as decimal strings. */
export const isVersionId = (id: string): boolean => /^[1-9]\d{0,18}$/.test(id);
