import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Kind, parse, visit, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as artifactOps from '../../../src/wandb/artifacts/operations.js';
import * as runFileOps from '../../../src/wandb/runFiles.js';
import * as runOps from '../../../src/wandb/runs.js';
import type { GraphqlOperation } from '../../../src/wandb/transport.js';

// @wandb/sdk ships a TypeScript rendering of W&B's public GraphQL schema (dist/gql/graphql.d.ts,
// introspected in 2023). We use it as the reference for input type and field names our documents
// send. Inputs added to W&B after 2023 are listed explicitly.
const NEWER_THAN_SDK_SCHEMA = new Set(['CreateRunFilesInput']);

const require = createRequire(import.meta.url);
const sdkRoot = dirname(require.resolve('@wandb/sdk/package.json'));
const schemaText = readFileSync(join(sdkRoot, 'dist/gql/graphql.d.ts'), 'utf8');

function declaredFields(typeName: string): Set<string> | undefined {
  const match = new RegExp(`export type ${typeName} = \\{([^}]*)\\};`).exec(schemaText);
  if (!match) return undefined;
  return new Set([...match[1]!.matchAll(/^\s+(\w+)\??:/gm)].map((m) => m[1]!));
}

function declaredName(typeName: string): boolean {
  return new RegExp(`export (type|declare enum) ${typeName}\\b`).test(schemaText);
}

type NamedDocument = Pick<GraphqlOperation<unknown>, 'name' | 'document'>;
const exported: unknown[] = [
  ...Object.values(runOps),
  ...Object.values(runFileOps),
  ...Object.values(artifactOps),
];
const operations = exported.filter(
  (v): v is NamedDocument => typeof v === 'object' && v !== null && 'document' in v && 'name' in v,
);

// mutation field → its input type (W&B's naming convention: <Field>Input)
const inputTypeOf = (field: string): string => `${field[0]!.toUpperCase()}${field.slice(1)}Input`;

describe('GraphQL documents', () => {
  it('reads the reference schema (sanity check of the check itself)', () => {
    expect(declaredFields('UpsertBucketInput')?.has('modelName')).toBe(true);
    expect(declaredFields('UpsertBucketInput')?.has('projectName')).toBe(false);
    expect(declaredName('ArtifactStorageLayout')).toBe(true);
    expect(declaredName('NoSuchInput')).toBe(false);
  });

  it('covers every operation the protocol lists for our flows', () => {
    expect(operations.map((o) => o.name).sort()).toEqual(
      [
        'AddAliases',
        'ArtifactByID',
        'ArtifactFileURLs',
        'ArtifactMembershipByName',
        'ArtifactType',
        'CommitArtifact',
        'CreateArtifact',
        'CreateArtifactFiles',
        'CreateArtifactManifest',
        'CreateRunFiles',
        'DeleteAliases',
        'FetchArtifactManifest',
        // Promotion: the organization that owns W&B Registry projects, and metadata edits.
        'FetchOrgEntityFromEntity',
        'LinkArtifact',
        'Run',
        'ServerFeaturesQuery',
        'UpdateArtifact',
        'UpsertBucket',
        'UseArtifact',
        'Viewer',
      ].sort(),
    );
  });

  it.each(operations.map((o) => [o.name, o] as const))(
    '%s parses and is named as sent',
    (_name, op) => {
      const doc = parse(op.document);
      const defs = doc.definitions.filter(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
      );
      expect(defs).toHaveLength(1);
      expect(defs[0]!.name?.value).toBe(op.name);
    },
  );

  it.each(operations.map((o) => [o.name, o] as const))(
    '%s uses input types and fields W&B declares',
    (_name, op) => {
      const unknown: string[] = [];
      visit(parse(op.document), {
        NamedType(node) {
          const name = node.name.value;
          if (
            !['String', 'Int', 'Boolean', 'ID', 'JSONString'].includes(name) &&
            !declaredName(name) &&
            !NEWER_THAN_SDK_SCHEMA.has(name)
          ) {
            unknown.push(`type ${name}`);
          }
        },
        Field(node) {
          const input = node.arguments?.find((a) => a.name.value === 'input');
          if (input?.value.kind !== Kind.OBJECT) return;
          const typeName = inputTypeOf(node.name.value);
          if (NEWER_THAN_SDK_SCHEMA.has(typeName)) return;
          const fields = declaredFields(typeName);
          if (!fields) {
            unknown.push(`input ${typeName}`);
            return;
          }
          for (const f of input.value.fields)
            if (!fields.has(f.name.value)) unknown.push(`${typeName}.${f.name.value}`);
        },
      });
      expect(unknown).toEqual([]);
    },
  );
});
