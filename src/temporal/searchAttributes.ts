import type { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import proto from '@temporalio/proto';
import { ALL_SEARCH_ATTRIBUTES } from '../shared/searchAttributes.js';

// @temporalio/proto is CommonJS: take the namespace from its default export.
const { IndexedValueType } = proto.temporal.api.enums.v1;
type IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;

/** The server's enum and the `temporal` CLI's spelling of each SDK search attribute type. */
const TYPES: Record<SearchAttributeType, { indexed: IndexedValueType; cli: string }> = {
  [SearchAttributeType.TEXT]: { indexed: IndexedValueType.INDEXED_VALUE_TYPE_TEXT, cli: 'Text' },
  [SearchAttributeType.KEYWORD]: {
    indexed: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    cli: 'Keyword',
  },
  [SearchAttributeType.INT]: { indexed: IndexedValueType.INDEXED_VALUE_TYPE_INT, cli: 'Int' },
  [SearchAttributeType.DOUBLE]: {
    indexed: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
    cli: 'Double',
  },
  [SearchAttributeType.BOOL]: { indexed: IndexedValueType.INDEXED_VALUE_TYPE_BOOL, cli: 'Bool' },
  [SearchAttributeType.DATETIME]: {
    indexed: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    cli: 'Datetime',
  },
  [SearchAttributeType.KEYWORD_LIST]: {
    indexed: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
    cli: 'KeywordList',
  },
};

type OperatorConnection = Pick<Connection, 'operatorService'>;

async function listExisting(
  connection: OperatorConnection,
  namespace: string,
): Promise<Map<string, IndexedValueType>> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  return new Map<string, IndexedValueType>([
    ...Object.entries(existing.systemAttributes ?? {}),
    ...Object.entries(existing.customAttributes ?? {}),
  ]);
}

/** Our keys the server does not have; throws if one exists with another type (upserts would fail). */
function missingFrom(
  known: Map<string, IndexedValueType>,
): (typeof ALL_SEARCH_ATTRIBUTES)[number][] {
  const wrongType = ALL_SEARCH_ATTRIBUTES.filter(
    (k) => known.has(k.name) && known.get(k.name) !== TYPES[k.type].indexed,
  );
  if (wrongType.length > 0) {
    const names = wrongType.map(
      (k) => `${k.name} (server: ${IndexedValueType[known.get(k.name)!]}, code: ${k.type})`,
    );
    throw new Error(
      `Search attribute type mismatch: ${names.join(', ')}. Remove and re-create them on the server.`,
    );
  }
  return ALL_SEARCH_ATTRIBUTES.filter((k) => !known.has(k.name));
}

/**
 * Registers our search attributes on a namespace if they are missing (idempotent: lists first and
 * adds only the missing ones), so a worker pointed at a fresh self-hosted cluster works without a
 * manual `temporal operator` step. Two workers starting at once are fine: if the add loses a race,
 * the attributes are listed again and only a real gap is an error. Returns the names it added.
 * Temporal Cloud namespaces refuse this call; there, create them in the Cloud UI or with tcld.
 */
export async function ensureSearchAttributes(
  connection: OperatorConnection,
  namespace: string,
): Promise<string[]> {
  const missing = missingFrom(await listExisting(connection, namespace));
  if (missing.length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, TYPES[k.type].indexed])),
    });
  } catch (err) {
    // Someone else may have added them between our list and add (ALREADY_EXISTS): look again.
    if (missingFrom(await listExisting(connection, namespace)).length > 0) throw err;
    return [];
  }
  return missing.map((k) => k.name);
}

/** `--search-attribute` flags for `temporal server start-dev`: every key, with its type. */
export function devServerSearchAttributeArgs(): string[] {
  return ALL_SEARCH_ATTRIBUTES.flatMap((k) => [
    '--search-attribute',
    `${k.name}=${TYPES[k.type].cli}`,
  ]);
}
