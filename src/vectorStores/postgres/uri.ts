import { DEFAULT_SCHEMA } from './schema.js';

// A `--store postgres://user@host:5432/db?schema=kb` URI. The password belongs in the worker's
// environment (PGPASSWORD, which `pg` reads), never in a URI that travels through workflow
// inputs or logs; `redactedUri` is what may be shown or recorded.

export const isPostgresUri = (uri: string): boolean => /^postgres(ql)?:\/\//i.test(uri);

/** The connection string for `pg` (without our `schema` parameter) and the schema to use. */
export function parsePostgresUri(uri: string): { connectionString: string; schema: string } {
  const url = new URL(uri);
  const schema = url.searchParams.get('schema') ?? DEFAULT_SCHEMA;
  url.searchParams.delete('schema');
  return { connectionString: url.toString(), schema };
}

/** The URI with any password removed. */
export function redactedUri(uri: string): string {
  const url = new URL(uri);
  url.password = '';
  return url.toString();
}
