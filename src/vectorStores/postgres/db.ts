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

/** pgvector's text form, `[1,2,3]`: bound as text, no client-side type helper needed. */
export const vectorLiteral = (v: ArrayLike<number>): string => `[${Array.from(v).join(',')}]`;

/** Version ids are `kb_versions.id` (bigint) as decimal strings. */
export const isVersionId = (id: string): boolean => /^[1-9]\d{0,18}$/.test(id);
