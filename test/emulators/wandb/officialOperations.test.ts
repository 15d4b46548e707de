import { readFileSync } from 'node:fs';
import { execute, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { emulatorSchema } from '../../../src/emulators/wandb/graphql/schema.js';

/**
 * Every operation the official wandb client (0.31.0) sent during the conformance run, recorded
 * by `scripts/conformance.ts --record` (strings in variables replaced by "x" except enum values).
 * Keeps the schema honest without Python: documents must validate and variables must coerce.
 */
const recorded = JSON.parse(
  readFileSync(new URL('./fixtures/official-client-operations.json', import.meta.url), 'utf8'),
) as Record<string, { query: string; variables: Record<string, unknown> }>;

describe('operations the official W&B client sends', () => {
  it('were recorded for the run, artifact and read flows', () => {
    expect(Object.keys(recorded)).toEqual(
      expect.arrayContaining([
        'UpsertBucket',
        'CreateArtifact',
        'CreateArtifactFiles',
        'CommitArtifact',
        'UseArtifact',
        'Run',
        'ArtifactMembershipByName',
      ]),
    );
  });

  it.each(Object.entries(recorded))('%s validates and its variables coerce', async (_name, op) => {
    const document = parse(op.query);
    expect(validate(emulatorSchema, document).map((e) => e.message)).toEqual([]);
    // Executing with an empty root value runs variable coercion first; only its errors matter here.
    const result = await execute({
      schema: emulatorSchema,
      document,
      rootValue: {},
      variableValues: op.variables,
    });
    const coercion = (result.errors ?? [])
      .map((e) => e.message)
      .filter((m) => m.startsWith('Variable'));
    expect(coercion).toEqual([]);
  });
});
