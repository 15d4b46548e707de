import {
  type DataType,
  Field,
  FixedSizeList,
  Float32,
  Int32,
  Schema,
  Type,
  Utf8,
  type Schema as ArrowSchema,
} from 'apache-arrow';
import type { ChunkRecord } from '../types.js';
import { arrowTable } from './arrowRows.js';

// One Lance table per knowledge base, this schema on every branch. The vector column is a
// fixed-size list of float32 (Lance searches only that; a plain list is not a vector column).

export const VECTOR_COLUMN = 'vector';

export function chunkSchema(dims: number): ArrowSchema {
  return new Schema([
    new Field('chunk_id', new Utf8(), false),
    new Field('doc_id', new Utf8(), false),
    new Field('content_hash', new Utf8(), false),
    new Field('text', new Utf8(), false),
    new Field('start_char', new Int32(), false),
    new Field('end_char', new Int32(), false),
    new Field(
      VECTOR_COLUMN,
      new FixedSizeList(dims, new Field('item', new Float32(), true)),
      false,
    ),
  ]);
}

/**
 * The vector length a table's schema stores. By type id, not instanceof: LanceDB (CommonJS) loads
 * Arrow's CommonJS build, this module its ESM build, so their classes are not the same objects.
 */
export function schemaDims(schema: ArrowSchema): number | undefined {
  const field: Field<DataType> | undefined = schema.fields.find((f) => f.name === VECTOR_COLUMN);
  const type = field?.type;
  return type?.typeId === Type.FixedSizeList ? (type as FixedSizeList).listSize : undefined;
}

/** Chunks as one Arrow table in the schema's column order (the fast path for writes). */
export function chunkRows(chunks: readonly ChunkRecord[], dims: number) {
  return arrowTable({
    strings: {
      chunk_id: chunks.map((c) => c.chunkId),
      doc_id: chunks.map((c) => c.docId),
      content_hash: chunks.map((c) => c.contentHash),
      text: chunks.map((c) => c.text),
    },
    ints: { start_char: chunks.map((c) => c.start), end_char: chunks.map((c) => c.end) },
    vectors: { name: VECTOR_COLUMN, dims, rows: chunks.map((c) => c.vector) },
  });
}

/** A string literal for Lance's SQL filters. */
export const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

export const inList = (column: string, values: readonly string[]): string =>
  `${column} IN (${values.map(sqlString).join(', ')})`;
