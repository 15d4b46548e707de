/**
 * Extracts the component schemas the Azure flavour of the OpenAI emulator answers with from
 * Azure's own OpenAPI description of the v1 data plane (files + fine-tuning; JSON), and writes
 * them as one small JSON Schema (2020-12) document, cleaned the way tools/extract-openapi-shapes.ts
 * cleans OpenAI's (prose, examples, discriminators and x- extensions dropped; `nullable` and
 * boolean exclusive bounds rewritten).
 *
 *   npx tsx tools/extract-azure-shapes.ts <azure-openapi.json> [--source <where it came from>] [--out <file>]
 */
import {
  collectSchemas,
  runExtractor,
  shapesDocument,
  type JsonObject,
} from './extract-openapi-shapes.js';

/** The schemas the Azure flavour's data-plane answers are checked against. */
export const AZURE_ROOT_SCHEMAS = [
  'AzureOpenAIFile',
  'AzureListFilesResponse',
  'OpenAI.DeleteFileResponse',
  'OpenAI.FineTuningJob',
  'OpenAI.ListPaginatedFineTuningJobsResponse',
  'OpenAI.FineTuningJobEvent',
  'OpenAI.ListFineTuningJobEventsResponse',
  'OpenAI.FineTuningJobCheckpoint',
  'OpenAI.ListFineTuningJobCheckpointsResponse',
  'AzureErrorResponse',
] as const;

export function extractAzureShapes(
  specText: string,
  source: string | undefined,
  roots: readonly string[] = AZURE_ROOT_SCHEMAS,
): JsonObject {
  const spec = JSON.parse(specText) as JsonObject;
  const defs = collectSchemas(spec, roots);
  return shapesDocument(specText, spec, defs, {
    tool: 'tools/extract-azure-shapes.ts',
    from: `Azure's OpenAPI description of the v1 data plane (${source ? `${source}, ` : ''}`,
    forWhat: 'the Azure emulator conformance test',
  });
}

const main = (): void =>
  runExtractor({
    tool: 'tools/extract-azure-shapes.ts',
    specName: 'azure-openapi.json',
    defaultOut: 'test/fixtures/openapi/azure-fine-tuning-shapes.json',
    extract: (text, source) => extractAzureShapes(text, source),
  });

if (import.meta.url === `file://${process.argv[1]}`) main();
