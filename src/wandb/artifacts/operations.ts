import { z } from 'zod';
import { defineOperation } from '../transport.js';

// GraphQL operations for artifacts, with the operation names and fields wandb-core and the Python
// SDK send (protocol spec §7). Only the fields we read are validated.

const id = z.string();
const str = z.string().nullish();
const uploadHeaders = z.array(z.string()).nullish();

export const ArtifactTypeOp = defineOperation(
  'ArtifactType',
  `query ArtifactType($entity: String, $project: String, $name: String!) {
  project(name: $project, entityName: $entity) { artifact(name: $name) { artifactType { name } } }
}`,
  z.object({
    project: z
      .object({ artifact: z.object({ artifactType: z.object({ name: z.string() }) }).nullable() })
      .nullable(),
  }),
);

export const CreateArtifactOp = defineOperation(
  'CreateArtifact',
  `mutation CreateArtifact($input: CreateArtifactInput!) {
  createArtifact(input: $input) { artifact { id state artifactSequence { latestArtifact { id } } } }
}`,
  z.object({
    createArtifact: z.object({
      artifact: z.object({
        id,
        state: z.string(),
        artifactSequence: z.object({ latestArtifact: z.object({ id }).nullable() }).nullish(),
      }),
    }),
  }),
);

const manifestPayload = z.object({
  artifactManifest: z.object({
    id,
    file: z.object({ id: str, uploadUrl: str, uploadHeaders }),
  }),
});

export const CreateArtifactManifestOp = defineOperation(
  'CreateArtifactManifest',
  `mutation CreateArtifactManifest($artifactID: ID!, $baseArtifactID: ID, $name: String!, $digest: String!, $entityName: String!, $projectName: String!, $runName: String!, $manifestType: ArtifactManifestType!, $includeUpload: Boolean!) {
  createArtifactManifest(input: {artifactID: $artifactID, baseArtifactID: $baseArtifactID, name: $name, digest: $digest, entityName: $entityName, projectName: $projectName, runName: $runName, type: $manifestType}) {
    artifactManifest { id file { id uploadUrl @include(if: $includeUpload) uploadHeaders @include(if: $includeUpload) } }
  }
}`,
  z.object({ createArtifactManifest: manifestPayload }),
);

export const CreateArtifactFilesOp = defineOperation(
  'CreateArtifactFiles',
  `mutation CreateArtifactFiles($artifactFiles: [CreateArtifactFileSpecInput!]!, $storageLayout: ArtifactStorageLayout!) {
  createArtifactFiles(input: {artifactFiles: $artifactFiles, storageLayout: $storageLayout}) {
    files { edges { node { storagePath uploadUrl uploadHeaders artifact { id } } } }
  }
}`,
  z.object({
    createArtifactFiles: z.object({
      files: z.object({
        edges: z.array(
          z.object({
            node: z.object({
              storagePath: str,
              uploadUrl: str,
              uploadHeaders,
              artifact: z.object({ id }),
            }),
          }),
        ),
      }),
    }),
  }),
);

export const CommitArtifactOp = defineOperation(
  'CommitArtifact',
  `mutation CommitArtifact($artifactID: ID!) { commitArtifact(input: {artifactID: $artifactID}) { artifact { id digest } } }`,
  z.object({ commitArtifact: z.object({ artifact: z.object({ id, digest: z.string() }) }) }),
);

export const UseArtifactOp = defineOperation(
  'UseArtifact',
  `mutation UseArtifact($input: UseArtifactInput!) { useArtifact(input: $input) { artifact { id } } }`,
  z.object({ useArtifact: z.object({ artifact: z.object({ id }) }) }),
);

const artifactFields = `id versionIndex artifactType { name } description metadata state size digest fileCount createdAt
      artifactSequence { name project { name entity { name } } }
      aliases { alias artifactCollection { name } }`;

const aliasSchema = z.object({
  alias: z.string(),
  artifactCollection: z.object({ name: z.string() }).nullish(),
});
export const ArtifactSchema = z.object({
  id,
  versionIndex: z.number().int().nullish(),
  artifactType: z.object({ name: z.string() }),
  description: str,
  metadata: str,
  state: z.string(),
  size: z.number().nullish(),
  digest: z.string(),
  fileCount: z.number().int().nullish(),
  createdAt: str,
  artifactSequence: z.object({
    name: z.string(),
    project: z.object({ name: z.string(), entity: z.object({ name: z.string() }) }).nullish(),
  }),
  aliases: z.array(aliasSchema).nullish(),
});
export type ArtifactFields = z.infer<typeof ArtifactSchema>;

export const ArtifactMembershipByNameOp = defineOperation(
  'ArtifactMembershipByName',
  `query ArtifactMembershipByName($entity: String!, $project: String!, $name: String!) {
  project(name: $project, entityName: $entity) {
    artifactCollectionMembership(name: $name) {
      id versionIndex aliases { id alias }
      artifactCollection { name project { name entity { name } } }
      artifact { ${artifactFields} }
    }
  }
}`,
  z.object({
    project: z
      .object({
        artifactCollectionMembership: z
          .object({
            id,
            versionIndex: z.number().int().nullish(),
            aliases: z.array(z.object({ alias: z.string() })).nullish(),
            artifactCollection: z.object({ name: z.string() }).nullish(),
            artifact: ArtifactSchema,
          })
          .nullable(),
      })
      .nullable(),
  }),
);

export const ArtifactByIdOp = defineOperation(
  'ArtifactByID',
  `query ArtifactByID($id: ID!) { artifact(id: $id) { ${artifactFields} } }`,
  z.object({ artifact: ArtifactSchema.nullable() }),
);

export const FetchArtifactManifestOp = defineOperation(
  'FetchArtifactManifest',
  `query FetchArtifactManifest($id: ID!) { artifact(id: $id) { currentManifest { file { directUrl } } } }`,
  z.object({
    artifact: z
      .object({
        currentManifest: z.object({ file: z.object({ directUrl: z.string() }) }).nullable(),
      })
      .nullable(),
  }),
);

export const ArtifactFileUrlsOp = defineOperation(
  'ArtifactFileURLs',
  `query ArtifactFileURLs($id: ID!, $cursor: String, $perPage: Int) {
  artifact(id: $id) { files(after: $cursor, first: $perPage) { pageInfo { endCursor hasNextPage } edges { node { name directUrl } } } }
}`,
  z.object({
    artifact: z
      .object({
        files: z.object({
          pageInfo: z.object({ endCursor: str, hasNextPage: z.boolean() }),
          edges: z.array(
            z.object({ node: z.object({ name: z.string(), directUrl: z.string() }).nullable() }),
          ),
        }),
      })
      .nullable(),
  }),
);

const success = z.object({ success: z.boolean() });
export const AddAliasesOp = defineOperation(
  'AddAliases',
  `mutation AddAliases($input: AddAliasesInput!) { result: addAliases(input: $input) { success } }`,
  z.object({ result: success }),
);

export const DeleteAliasesOp = defineOperation(
  'DeleteAliases',
  `mutation DeleteAliases($input: DeleteAliasesInput!) { result: deleteAliases(input: $input) { success } }`,
  z.object({ result: success }),
);

export const LinkArtifactOp = defineOperation(
  'LinkArtifact',
  `mutation LinkArtifact($artifactPortfolioName: String!, $entityName: String!, $projectName: String!, $aliases: [ArtifactAliasInput!], $clientId: ID, $artifactId: ID) {
  linkArtifact(input: {artifactPortfolioName: $artifactPortfolioName, entityName: $entityName, projectName: $projectName, aliases: $aliases, artifactID: $artifactId, clientID: $clientId}) { versionIndex }
}`,
  z.object({ linkArtifact: z.object({ versionIndex: z.number().int().nullish() }) }),
);

/** Core's own small variant of UpdateArtifact (protocol §7.6): replaces the version's metadata. */
export const UpdateArtifactMetadataOp = defineOperation(
  'UpdateArtifact',
  `mutation UpdateArtifact($artifactID: ID!, $metadata: JSONString) {
  updateArtifact(input: {artifactID: $artifactID, metadata: $metadata}) { artifact { id } }
}`,
  z.object({ updateArtifact: z.object({ artifact: z.object({ id }) }) }),
);

/** The organization entity that owns W&B Registry projects (`wandb-registry-*`), protocol §7.7. */
export const FetchOrgEntityFromEntityOp = defineOperation(
  'FetchOrgEntityFromEntity',
  `query FetchOrgEntityFromEntity($entityName: String!) {
  entity(name: $entityName) { organization { name orgEntity { name } } }
}`,
  z.object({
    entity: z
      .object({
        organization: z
          .object({ name: z.string(), orgEntity: z.object({ name: z.string() }).nullish() })
          .nullish(),
      })
      .nullable(),
  }),
);
