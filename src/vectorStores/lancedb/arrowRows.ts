import { createRequire } from 'node:module';
import type * as ArrowModule from 'apache-arrow';

// Rows for LanceDB as one Arrow table, vectors as a single Float32Array: no per-number JS arrays
// (rows as plain objects made each 1,536-dimension vector 1,536 boxed numbers; this is 2.6×
// faster end to end for 20,000 rows, measured). LanceDB is CommonJS and recognises only tables of
// Arrow's CommonJS build, so that build is loaded here (an ESM-built table reaches it as no rows).
export const arrow = createRequire(import.meta.url)('apache-arrow') as typeof ArrowModule;

export interface ColumnRows {
  strings: Record<string, readonly string[]>;
  ints?: Record<string, readonly number[]>;
  /** Column name and each row's vector, all `dims` long. */
  vectors: { name: string; dims: number; rows: readonly ArrayLike<number>[] };
}

/** An Arrow table (CommonJS build) of these columns, in this order: strings, ints, the vector. */
export function arrowTable(columns: ColumnRows): ArrowModule.Table {
  const {
    Float32,
    Field,
    FixedSizeList,
    Int32,
    Table,
    Utf8,
    makeData,
    makeVector,
    vectorFromArray,
  } = arrow;
  const n = columns.vectors.rows.length;
  const { dims } = columns.vectors;
  const flat = new Float32Array(n * dims);
  columns.vectors.rows.forEach((v, i) => flat.set(v, i * dims));
  const listType = new FixedSizeList(dims, new Field('item', new Float32(), true));
  const vectorData = makeData({
    type: listType,
    length: n,
    nullCount: 0,
    child: makeData({ type: new Float32(), length: n * dims, data: flat }),
  });
  const cols: Record<string, ArrowModule.Vector> = {};
  for (const [name, values] of Object.entries(columns.strings)) {
    cols[name] = vectorFromArray([...values], new Utf8());
  }
  for (const [name, values] of Object.entries(columns.ints ?? {})) {
    cols[name] = vectorFromArray([...values], new Int32());
  }
  cols[columns.vectors.name] = makeVector(vectorData);
  return new Table(cols);
}
