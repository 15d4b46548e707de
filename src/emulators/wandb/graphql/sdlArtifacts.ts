/** SDL for artifacts: types, collections, versions, memberships, aliases, manifests and files. */
export const artifactSdl = /* GraphQL */ `
  enum ArtifactState {
    PENDING
    COMMITTED
    DELETED
  }

  enum ArtifactManifestType {
    FULL
    INCREMENTAL
    PATCH
  }

  enum ArtifactStorageLayout {
    V1
    V2
  }

  enum ArtifactDigestAlgorithm {
    MANIFEST_MD5
  }

  enum ArtifactCollectionState {
    READY
    DELETED
  }

  type ArtifactType {
    id: ID!
    name: String!
    description: String
    createdAt: DateTime
    project: Project
    artifactCollection(name: String!): ArtifactCollection
    artifactSequence(name: String!): ArtifactSequence
    artifactCollections(
      after: String
      first: Int
      order: String
      filters: JSONString
    ): ArtifactCollectionConnection
  }

  type ArtifactTypeEdge {
    node: ArtifactType
    cursor: String!
  }

  type ArtifactTypeConnection {
    totalCount: Int
    pageInfo: PageInfo!
    edges: [ArtifactTypeEdge!]!
  }

  type Tag {
    id: ID!
    name: String!
    tagCategoryName: String
    attributes: JSONString
  }

  type TagEdge {
    node: Tag
  }

  type TagConnection {
    edges: [TagEdge!]!
  }

  type ArtifactAlias {
    id: ID!
    alias: String!
    artifactCollectionName: String!
    artifactCollection: ArtifactCollection
  }

  type ArtifactAliasEdge {
    node: ArtifactAlias
    cursor: String!
  }

  type ArtifactAliasConnection {
    pageInfo: PageInfo!
    edges: [ArtifactAliasEdge!]!
  }

  interface ArtifactCollection {
    id: ID!
    name: String!
    description: String
    state: ArtifactCollectionState!
    createdAt: DateTime
    updatedAt: DateTime
    project: Project
    defaultArtifactType: ArtifactType!
    tags: TagConnection!
    aliases(after: String, first: Int): ArtifactAliasConnection!
    artifactMembership(aliasName: String!): ArtifactCollectionMembership
    artifactMemberships(after: String, first: Int): ArtifactCollectionMembershipConnection!
    artifacts(
      after: String
      first: Int
      order: String
      filters: JSONString
    ): VersionedArtifactConnection
  }

  type ArtifactSequence implements ArtifactCollection {
    id: ID!
    name: String!
    description: String
    state: ArtifactCollectionState!
    createdAt: DateTime
    updatedAt: DateTime
    project: Project
    defaultArtifactType: ArtifactType!
    tags: TagConnection!
    aliases(after: String, first: Int): ArtifactAliasConnection!
    artifactMembership(aliasName: String!): ArtifactCollectionMembership
    artifactMemberships(after: String, first: Int): ArtifactCollectionMembershipConnection!
    artifacts(
      after: String
      first: Int
      order: String
      filters: JSONString
    ): VersionedArtifactConnection
    latestArtifact: Artifact
    digestAlgorithm: ArtifactDigestAlgorithm
  }

  type ArtifactPortfolio implements ArtifactCollection {
    id: ID!
    name: String!
    description: String
    state: ArtifactCollectionState!
    createdAt: DateTime
    updatedAt: DateTime
    project: Project
    defaultArtifactType: ArtifactType!
    tags: TagConnection!
    aliases(after: String, first: Int): ArtifactAliasConnection!
    artifactMembership(aliasName: String!): ArtifactCollectionMembership
    artifactMemberships(after: String, first: Int): ArtifactCollectionMembershipConnection!
    artifacts(
      after: String
      first: Int
      order: String
      filters: JSONString
    ): VersionedArtifactConnection
  }

  type ArtifactCollectionEdge {
    node: ArtifactCollection
    cursor: String!
  }

  type ArtifactCollectionConnection {
    totalCount: Int
    pageInfo: PageInfo!
    edges: [ArtifactCollectionEdge!]!
  }

  type ArtifactCollectionMembership {
    id: ID!
    versionIndex: Int
    createdAt: DateTime
    aliases: [ArtifactAlias!]!
    artifactCollection: ArtifactCollection
    artifact: Artifact
    files(names: [String!], after: String, first: Int): FileConnection
  }

  type ArtifactCollectionMembershipEdge {
    node: ArtifactCollectionMembership
    cursor: String!
  }

  type ArtifactCollectionMembershipConnection {
    pageInfo: PageInfo!
    edges: [ArtifactCollectionMembershipEdge!]!
  }

  type ArtifactManifest {
    id: ID!
    type: ArtifactManifestType!
    createdAt: DateTime
    digest: String
    file: File!
  }

  union Initiator = Run | User

  type Artifact {
    id: ID!
    digest: String!
    digestAlgorithm: ArtifactDigestAlgorithm
    commitHash(artifactCollectionName: String): String
    state: ArtifactState!
    versionIndex: Int
    description: String
    metadata: JSONString
    labels: JSONString
    historyStep: Int64
    ttlDurationSeconds: Int64
    ttlIsInherited: Boolean
    size: Int64
    fileCount: Int64
    createdAt: DateTime
    updatedAt: DateTime
    tags: [Tag!]!
    aliases: [ArtifactAlias!]!
    artifactType: ArtifactType!
    artifactSequence: ArtifactSequence!
    artifactMemberships(after: String, first: Int): ArtifactCollectionMembershipConnection!
    currentManifest: ArtifactManifest
    files(names: [String!], after: String, first: Int): FileConnection
    filesByManifestEntries(
      storageLayout: String!
      manifestVersion: String!
      entries: [ArtifactManifestEntryInput!]
      storageRegion: String
    ): FileConnection
    createdBy: Initiator
    usedBy(after: String, first: Int): RunConnection
  }

  type ArtifactEdge {
    node: Artifact
    cursor: String!
  }

  type ArtifactConnection {
    totalCount: Int
    pageInfo: PageInfo!
    edges: [ArtifactEdge!]!
  }

  type VersionedArtifactEdge {
    node: Artifact
    version: String!
    cursor: String!
  }

  type VersionedArtifactConnection {
    totalCount: Int
    pageInfo: PageInfo!
    edges: [VersionedArtifactEdge!]!
  }

  input ArtifactAliasInput {
    alias: String!
    artifactCollectionName: String!
  }

  input ArtifactCollectionAliasInput {
    alias: String!
    artifactCollectionName: String!
    entityName: String!
    projectName: String!
  }

  input TagInput {
    tagName: String!
    tagCategoryName: String
    attributes: String
  }

  input CreateArtifactInput {
    entityName: String!
    projectName: String!
    runName: String
    artifactTypeName: String!
    artifactCollectionName: String
    artifactCollectionNames: [String!]
    digest: String!
    digestAlgorithm: ArtifactDigestAlgorithm
    description: String
    labels: JSONString
    metadata: JSONString
    aliases: [ArtifactAliasInput!]
    tags: [TagInput!]
    clientID: ID
    sequenceClientID: ID
    enableDigestDeduplication: Boolean
    historyStep: Int64
    distributedID: String
    ttlDurationSeconds: Int64
    storageRegion: String
    clientMutationId: String
  }

  type CreateArtifactPayload {
    artifact: Artifact!
    clientMutationId: String
  }

  input CreateArtifactManifestInput {
    artifactID: ID!
    baseArtifactID: ID
    name: String!
    digest: String!
    entityName: String!
    projectName: String!
    runName: String!
    type: ArtifactManifestType
    includeUpload: Boolean
    clientMutationId: String
  }

  type CreateArtifactManifestPayload {
    artifactManifest: ArtifactManifest!
  }

  input UpdateArtifactManifestInput {
    artifactManifestID: ID!
    digest: String
    baseArtifactID: ID
    clientMutationId: String
  }

  type UpdateArtifactManifestPayload {
    artifactManifest: ArtifactManifest!
  }

  input UploadPartsInput {
    partNumber: Int64!
    hexMD5: String!
  }

  input CreateArtifactFileSpecInput {
    artifactID: ID!
    artifactManifestID: ID
    name: String!
    md5: String!
    mimetype: String
    uploadPartsInput: [UploadPartsInput!]
  }

  input CreateArtifactFilesInput {
    artifactFiles: [CreateArtifactFileSpecInput!]!
    storageLayout: ArtifactStorageLayout!
    cloudRegionID: String
    clientMutationId: String
  }

  type CreateArtifactFilesPayload {
    files: FileConnection!
  }

  input CommitArtifactInput {
    artifactID: ID!
    clientMutationId: String
  }

  type CommitArtifactPayload {
    artifact: Artifact!
  }

  input UseArtifactInput {
    entityName: String!
    projectName: String!
    runName: String!
    artifactID: ID!
    usedAs: String
    artifactEntityName: String
    artifactProjectName: String
    clientMutationId: String
  }

  type UseArtifactPayload {
    artifact: Artifact!
  }

  input AddAliasesInput {
    artifactID: ID!
    aliases: [ArtifactCollectionAliasInput!]!
    clientMutationId: String
  }

  input DeleteAliasesInput {
    artifactID: ID!
    aliases: [ArtifactCollectionAliasInput!]!
    clientMutationId: String
  }

  input UpdateArtifactInput {
    artifactID: ID!
    description: String
    labels: JSONString
    metadata: JSONString
    ttlDurationSeconds: Int64
    tagsToAdd: [TagInput!]
    tagsToDelete: [TagInput!]
    aliases: [ArtifactAliasInput!]
    clientMutationId: String
  }

  type UpdateArtifactPayload {
    artifact: Artifact!
  }

  input LinkArtifactInput {
    artifactID: ID
    clientID: ID
    artifactPortfolioID: ID
    artifactPortfolioName: String
    entityName: String
    projectName: String
    aliases: [ArtifactAliasInput!]
    clientMutationId: String
  }

  type LinkArtifactPayload {
    versionIndex: Int
    artifactMembership: ArtifactCollectionMembership
  }

  input ArtifactManifestEntryInput {
    name: String!
    digest: String!
    birthArtifactID: ID
    ref: String
    size: Int64
    extra: JSONString
  }
`;
