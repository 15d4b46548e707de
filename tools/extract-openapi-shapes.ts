/**
 * Extracts the few OpenAPI component schemas the OpenAI emulator's conformance test needs from
 * OpenAI's published OpenAPI description (about 3 MB of YAML), and writes them as one small,
 * self-contained JSON Schema (2020-12) document. Prose, examples and vendor extensions are dropped;
 * OpenAPI 3.0 idioms that JSON Schema does not know (`nullable`, boolean `exclusiveMinimum`) are
 * rewritten so ajv can compile the result.
 *
 *   npx tsx tools/extract-openapi-shapes.ts <openapi.yaml> [--commit <sha>] [--out <file>]
 *   … --roots CreateEmbeddingRequest,CreateEmbeddingResponse,ErrorResponse --out <file>
 *     (other root schemas, into a file of their own: the embeddings shapes)
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import YAML from 'yaml';

/** The schemas the emulator's responses and webhooks are checked against. */
export const ROOT_SCHEMAS = [
  'OpenAIFile',
  'ListFilesResponse',
  'DeleteFileResponse',
  'Upload',
  'UploadPart',
  'FineTuningJob',
  'ListPaginatedFineTuningJobsResponse',
  'FineTuningJobEvent',
  'ListFineTuningJobEventsResponse',
  'FineTuningJobCheckpoint',
  'ListFineTuningJobCheckpointsResponse',
  'ErrorResponse',
  'WebhookFineTuningJobSucceeded',
  'WebhookFineTuningJobFailed',
  'WebhookFineTuningJobCancelled',
  // The emulator's chat completions, which evaluation gates call on base and fine-tuned models.
  'CreateChatCompletionResponse',
  // `GET /v1/models[/{model}]`, with each model's `shutdown_date`.
  'Model',
  'ListModelsResponse',
] as const;

const REF_PREFIX = '#/components/schemas/';
/**
 * JSON Schema keywords kept (plus `nullable`, rewritten below). Everything else describes rather
 * than constrains (description, example, title, deprecated, discriminator, x-…), or is a spelling
 * no validator knows (the spec has a stray `min_items`), and is dropped.
 */
const KEYWORDS = new Set([
  '$ref',
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'prefixItems',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'default',
  'nullable',
]);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function refName(ref: string): string {
  if (!ref.startsWith(REF_PREFIX)) throw new Error(`unsupported $ref ${ref}`);
  return ref.slice(REF_PREFIX.length);
}

/** `{nullable: true}` and 3.0-style boolean exclusive bounds, rewritten for JSON Schema 2020-12. */
function normalise(node: JsonObject): JsonObject {
  const out: JsonObject = { ...node };
  for (const [bound, flag] of [
    ['minimum', 'exclusiveMinimum'],
    ['maximum', 'exclusiveMaximum'],
  ] as const) {
    if (out[flag] === true && typeof out[bound] === 'number') {
      out[flag] = out[bound];
      delete out[bound];
    } else if (out[flag] === false) delete out[flag];
  }
  if (out.nullable === true) {
    delete out.nullable;
    return { anyOf: [out, { type: 'null' }] };
  }
  delete out.nullable;
  return out;
}

/** `{nullable: true}`, perhaps with prose beside it, and no constraint of its own. */
const isNullMarker = (s: Json): boolean =>
  isObject(s) &&
  s.nullable === true &&
  Object.keys(s).every((key) => key === 'nullable' || !KEYWORDS.has(key));

/**
 * `allOf: [{$ref}, {nullable: true}]` is the spec's way of saying "this object or null". It must
 * be rewritten before the parts are cleaned: on its own, `{nullable: true}` means "anything".
 */
function liftNullableAllOf(node: JsonObject): JsonObject {
  const all = node.allOf;
  if (!Array.isArray(all) || !all.some(isNullMarker)) return node;
  if (node.anyOf !== undefined) throw new Error('allOf with a nullable marker next to anyOf');
  const rest = all.filter((s) => !isNullMarker(s));
  const others = Object.fromEntries(Object.entries(node).filter(([key]) => key !== 'allOf'));
  return { ...others, anyOf: [rest.length === 1 ? rest[0]! : { allOf: rest }, { type: 'null' }] };
}

function clean(raw: Json, found: Set<string>): Json {
  if (Array.isArray(raw)) return raw.map((n) => clean(n, found));
  if (!isObject(raw)) return raw;
  const node = liftNullableAllOf(raw);
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (!KEYWORDS.has(key)) continue;
    if (key === '$ref' && typeof value === 'string') {
      const name = refName(value);
      found.add(name);
      out.$ref = `#/$defs/${name}`;
    } else if (key === 'properties' && isObject(value)) {
      // Property names are data, not keywords: never strip a property called "description".
      out.properties = Object.fromEntries(
        Object.entries(value).map(([prop, schema]) => [prop, clean(schema, found)]),
      );
    } else {
      out[key] = clean(value, found);
    }
  }
  return normalise(out);
}

/**
 * The root schemas of a parsed OpenAPI description and every schema they reach, cleaned, sorted
 * by name. Shared with tools/extract-azure-shapes.ts.
 */
export function collectSchemas(spec: JsonObject, roots: readonly string[]): JsonObject {
  const components = spec.components;
  const schemas = isObject(components) ? components.schemas : undefined;
  if (!isObject(schemas))
    throw new Error('the file has no components.schemas: is it an OpenAPI description?');
  const defs: JsonObject = {};
  const pending: string[] = [...roots];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (name in defs) continue;
    const schema = schemas[name];
    if (schema === undefined) throw new Error(`schema ${name} is not in the spec`);
    const refs = new Set<string>();
    defs[name] = clean(schema, refs);
    pending.push(...[...refs].filter((r) => !(r in defs)));
  }
  return Object.fromEntries(
    Object.keys(defs)
      .sort()
      .map((k) => [k, defs[k]!]),
  );
}

/** The written document: the schemas, and where they came from (so a stale copy shows). */
export function shapesDocument(
  specText: string,
  spec: JsonObject,
  defs: JsonObject,
  origin: { tool: string; from: string; forWhat: string },
): JsonObject {
  const info = isObject(spec.info) ? spec.info : {};
  const version = typeof info.version === 'string' ? info.version : 'unknown';
  const sha256 = createHash('sha256').update(specText).digest('hex');
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $comment:
      `Generated by ${origin.tool} from ${origin.from}info.version ${version}, sha256 ${sha256}). ` +
      `Only the schemas ${origin.forWhat} needs, with their $refs; prose, examples and x- ` +
      'extensions removed. Regenerate rather than edit.',
    $defs: defs,
  };
}

/** A provider's extractor as a command: `<spec> [--source <text>] [--out <file>]`. */
export function runExtractor(opts: {
  tool: string;
  specName: string;
  defaultOut: string;
  extract: (specText: string, source: string | undefined) => JsonObject;
}): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { source: { type: 'string' }, out: { type: 'string', default: opts.defaultOut } },
  });
  const input = positionals[0];
  if (!input) {
    process.stderr.write(
      `usage: tsx ${opts.tool} <${opts.specName}> [--source <text>] [--out <file>]\n`,
    );
    process.exitCode = 2;
    return;
  }
  const shapes = opts.extract(readFileSync(input, 'utf8'), values.source);
  writeFileSync(values.out, `${JSON.stringify(shapes, null, 2)}\n`);
  const count = Object.keys(shapes.$defs as JsonObject).length;
  process.stdout.write(`wrote ${count} schemas to ${values.out}\n`);
}

export function extractShapes(
  specText: string,
  commit: string | undefined,
  roots: readonly string[] = ROOT_SCHEMAS,
): JsonObject {
  const spec = YAML.parse(specText) as JsonObject;
  const sorted = collectSchemas(spec, roots);
  return shapesDocument(specText, spec, sorted, {
    tool: 'tools/extract-openapi-shapes.ts',
    from: `OpenAI's openapi.yaml (openai/openai-openapi${commit ? ` commit ${commit}` : ''}, `,
    forWhat: 'the emulator conformance test',
  });
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      commit: { type: 'string' },
      out: { type: 'string', default: 'test/fixtures/openapi/fine-tuning-shapes.json' },
      roots: { type: 'string' },
    },
  });
  const input = positionals[0];
  if (!input) {
    process.stderr.write(
      'usage: tsx tools/extract-openapi-shapes.ts <openapi.yaml> [--commit <sha>] [--out <file>]\n',
    );
    process.exitCode = 2;
    return;
  }
  const roots = values.roots ? values.roots.split(',').map((r) => r.trim()) : ROOT_SCHEMAS;
  const shapes = extractShapes(readFileSync(input, 'utf8'), values.commit, roots);
  writeFileSync(values.out, `${JSON.stringify(shapes, null, 2)}\n`);
  const count = Object.keys(shapes.$defs as JsonObject).length;
  process.stdout.write(`wrote ${count} schemas to ${values.out}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
