/**
 * Extracts the schemas the Together emulator's answers are checked against from Together's
 * OpenAPI description (JSON, OpenAPI 3.1 with some 3.0 idioms), and writes them as one small
 * JSON Schema (2020-12) document, cleaned the way tools/extract-openapi-shapes.ts cleans
 * OpenAI's. Several answers are described inline on their path rather than as components
 * (estimate-price, metrics, supported models, the limits 404, the endpoint and hardware lists):
 * they are lifted out under the names in INLINE_RESPONSES.
 *
 *   npx tsx tools/extract-together-shapes.ts <together-openapi.json> [--source <where it came from>] [--out <file>]
 */
import {
  collectSchemas,
  runExtractor,
  shapesDocument,
  type Json,
  type JsonObject,
} from './extract-openapi-shapes.js';

/** Component schemas the emulator answers with. */
export const TOGETHER_ROOT_SCHEMAS = [
  'ErrorData',
  'FileResponse',
  'FileList',
  'FileDeleteResponse',
  'FinetuneResponse',
  'FinetuneResponseTruncated',
  'FinetuneTruncatedList',
  'FinetuneListEvents',
  'FinetuneListCheckpoints',
  'FinetuneDeleteResponse',
  'FineTuneModelLimits',
  'ModelInfoList',
  'DedicatedEndpoint',
  'ChatCompletionResponse',
] as const;

/** Answers described inline on a path: the name they get here, and where they are. */
export const INLINE_RESPONSES: { name: string; path: string; method: string; status: string }[] = [
  {
    name: 'EstimatePriceResponse',
    path: '/fine-tunes/estimate-price',
    method: 'post',
    status: '200',
  },
  { name: 'MetricsResponse', path: '/fine-tunes/{id}/metrics', method: 'get', status: '200' },
  {
    name: 'SupportedModelsResponse',
    path: '/fine-tunes/models/supported',
    method: 'get',
    status: '200',
  },
  { name: 'ModelLimitsNotFound', path: '/fine-tunes/models/limits', method: 'get', status: '404' },
  { name: 'EndpointList', path: '/endpoints', method: 'get', status: '200' },
  { name: 'HardwareList', path: '/hardware', method: 'get', status: '200' },
];

const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function inlineSchema(spec: JsonObject, r: (typeof INLINE_RESPONSES)[number]): JsonObject {
  const paths = spec.paths;
  const op = isObject(paths) && isObject(paths[r.path]) ? paths[r.path] : undefined;
  const method = isObject(op) ? op[r.method] : undefined;
  const responses = isObject(method) ? method.responses : undefined;
  const response = isObject(responses) ? responses[r.status] : undefined;
  const content = isObject(response) ? response.content : undefined;
  const json = isObject(content) ? content['application/json'] : undefined;
  const schema = isObject(json) ? json.schema : undefined;
  if (!isObject(schema))
    throw new Error(`no inline JSON schema for ${r.method.toUpperCase()} ${r.path} ${r.status}`);
  return schema;
}

export function extractTogetherShapes(specText: string, source: string | undefined): JsonObject {
  const spec = JSON.parse(specText) as JsonObject;
  const components = isObject(spec.components) ? spec.components : {};
  const schemas = { ...(isObject(components.schemas) ? components.schemas : {}) };
  for (const r of INLINE_RESPONSES) {
    if (r.name in schemas) throw new Error(`${r.name} is already a component schema`);
    schemas[r.name] = inlineSchema(spec, r);
  }
  const withInline: JsonObject = { ...spec, components: { ...components, schemas } };
  const defs = collectSchemas(withInline, [
    ...TOGETHER_ROOT_SCHEMAS,
    ...INLINE_RESPONSES.map((r) => r.name),
  ]);
  return shapesDocument(specText, spec, defs, {
    tool: 'tools/extract-together-shapes.ts',
    from: `Together's OpenAPI description (${source ? `${source}, ` : ''}`,
    forWhat: 'the Together emulator conformance test',
  });
}

const main = (): void =>
  runExtractor({
    tool: 'tools/extract-together-shapes.ts',
    specName: 'together-openapi.json',
    defaultOut: 'test/fixtures/openapi/together-shapes.json',
    extract: extractTogetherShapes,
  });

if (import.meta.url === `file://${process.argv[1]}`) main();
