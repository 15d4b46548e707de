/**
 * SDL for identity, projects and runs, named as W&B names them (W&B publishes no schema; names
 * follow the operations wandb-core and the Python public API send). Only what those clients and
 * our own flows use is here.
 */
export const coreSdl = /* GraphQL */ `
  scalar JSONString
  scalar JSON
  scalar Int64
  scalar DateTime
  scalar Duration

  type Query {
    viewer: User
    serverInfo: ServerInfo
    project(name: String, entityName: String): Project
    model(name: String, entityName: String): Project
    models(entityName: String, after: String, first: Int, order: String): ProjectConnection
    projects(entityName: String, after: String, first: Int, order: String): ProjectConnection
    entity(name: String): Entity
    artifact(id: ID!): Artifact
    artifactCollection(id: ID!): ArtifactCollection
    clientIDMapping(clientID: ID!): ClientIDMappingResult
  }

  type PageInfo {
    startCursor: String
    endCursor: String
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
  }

  type ServerFeature {
    name: String!
    isEnabled: Boolean!
  }

  type LocalVersionInfo {
    outOfDate: Boolean!
    latestVersionString: String!
    versionOnThisInstanceString: String!
  }

  type ServerInfo {
    features(entityName: String): [ServerFeature!]!
    cliVersionInfo: JSON
    latestLocalVersionInfo: LocalVersionInfo
    availableBucketProviders: [String!]!
    frontendHost: String
    isGoogleCloud: Boolean
  }

  type ApiKey {
    id: ID!
    name: String!
    description: String
  }

  type ApiKeyEdge {
    node: ApiKey
  }

  type ApiKeyConnection {
    edges: [ApiKeyEdge!]!
  }

  type Organization {
    id: ID!
    name: String!
    orgEntity: Entity
    coreWeaveOrganizationId: String
  }

  type User {
    id: ID!
    name: String
    username: String
    email: String
    admin: Boolean
    flags: JSONString
    entity: String
    photoUrl: String
    deletedAt: DateTime
    defaultFramework: String
    apiKeys: ApiKeyConnection
    teams(first: Int): EntityConnection
    organizations: [Organization!]!
  }

  type Entity {
    id: ID!
    name: String!
    isTeam: Boolean!
    organization: Organization
    user: User
    xxhashDigestsEnabled: Boolean!
    defaultAccess: String
    projects(first: Int, after: String): ProjectConnection
  }

  type EntityEdge {
    node: Entity
  }

  type EntityConnection {
    edges: [EntityEdge!]!
  }

  type ClientIDMappingResult {
    serverID: ID!
  }

  type Project {
    id: ID!
    internalId: ID!
    name: String!
    entityName: String!
    entity: Entity!
    createdAt: DateTime
    updatedAt: DateTime
    description: String
    isBenchmark: Boolean
    readOnly: Boolean
    access: String
    user: User
    runCount(filters: JSONString): Int!
    run(name: String!): Run
    bucket(name: String!, missingOk: Boolean): Run
    runs(filters: JSONString, order: String, first: Int, after: String): RunConnection
    artifact(name: String!): Artifact
    artifactCollectionMembership(name: String!): ArtifactCollectionMembership
    artifactCollection(name: String!): ArtifactCollection
    artifactType(name: String!): ArtifactType
    artifactTypes(after: String, first: Int): ArtifactTypeConnection
  }

  type ProjectEdge {
    node: Project
    cursor: String!
  }

  type ProjectConnection {
    totalCount: Int
    pageInfo: PageInfo!
    edges: [ProjectEdge!]!
  }

  type ParquetHistory {
    parquetUrls: [String!]!
    liveData: [JSON!]!
  }

  type Run {
    id: ID!
    name: String!
    displayName: String
    description: String
    notes: String
    group: String
    jobType: String
    tags: [String!]!
    state: String
    config: JSONString
    summaryMetrics: JSONString
    systemMetrics: JSONString
    wandbConfig(keys: [String!]): JSONString
    historyLineCount: Int
    logLineCount: Int
    eventsLineCount: Int
    historyTail: JSONString
    eventsTail: JSONString
    historyKeys(format: String): JSON
    history(samples: Int, minStep: Int64, maxStep: Int64): [JSONString!]
    sampledHistory(specs: [JSONString!]!): [JSON]
    parquetHistory(liveKeys: [String!]!): ParquetHistory
    sweepName: String
    commit: String
    host: String
    readOnly: Boolean
    stopped: Boolean
    exitcode: Int
    createdAt: DateTime
    updatedAt: DateTime
    heartbeatAt: DateTime
    user: User
    project: Project
    projectId: Int!
    fileCount: Int!
    files(names: [String], after: String, first: Int, pattern: String): FileConnection
    outputArtifacts(after: String, first: Int): ArtifactConnection
    inputArtifacts(after: String, first: Int): ArtifactConnection
  }

  type RunEdge {
    node: Run
    cursor: String!
  }

  type RunConnection {
    totalCount: Int
    pageInfo: PageInfo!
    edges: [RunEdge!]!
  }

  type File {
    id: ID!
    name: String!
    displayName: String
    url(upload: Boolean): String
    directUrl: String
    uploadUrl: String
    uploadHeaders: [String!]
    sizeBytes: Int64
    storagePath: String
    mimetype: String
    updatedAt: DateTime
    digest: String
    md5: String
    artifact: Artifact
    uploadMultipartUrls: UploadMultipartUrls
  }

  type FileEdge {
    node: File
    cursor: String!
  }

  type FileConnection {
    totalCount: Int
    pageInfo: PageInfo!
    edges: [FileEdge!]!
  }

  type UploadUrlPart {
    partNumber: Int64!
    uploadUrl: String!
  }

  type UploadMultipartUrls {
    uploadID: String!
    uploadUrlParts: [UploadUrlPart!]!
  }

  input UpsertBucketInput {
    id: String
    name: String
    groupName: String
    modelName: String
    entityName: String
    description: String
    displayName: String
    notes: String
    config: JSONString
    commit: String
    host: String
    debug: Boolean
    jobProgram: String
    jobRepo: String
    jobType: String
    state: String
    sweep: String
    tags: [String!]
    summaryMetrics: JSONString
    framework: String
    runQueueItemId: ID
    clientMutationId: String
  }

  type UpsertBucketPayload {
    bucket: Run
    inserted: Boolean
    clientMutationId: String
  }

  input CreateRunFilesInput {
    entityName: String!
    projectName: String!
    runName: String!
    files: [String!]!
    clientMutationId: String
  }

  type CreateRunFilesPayload {
    runID: ID!
    uploadHeaders: [String!]!
    files: [File!]!
  }

  input MarkRunFilesUploadedInput {
    entityName: String!
    projectName: String!
    runName: String!
    files: [String!]!
  }

  type SuccessPayload {
    success: Boolean!
    clientMutationId: String
  }

  input StopRunInput {
    id: ID!
    clientMutationId: String
  }

  type Mutation {
    upsertBucket(input: UpsertBucketInput!): UpsertBucketPayload
    createRunFiles(input: CreateRunFilesInput!): CreateRunFilesPayload
    markRunFilesUploaded(input: MarkRunFilesUploadedInput!): SuccessPayload
    stopRun(input: StopRunInput!): SuccessPayload
    createArtifact(input: CreateArtifactInput!): CreateArtifactPayload
    createArtifactManifest(input: CreateArtifactManifestInput!): CreateArtifactManifestPayload
    updateArtifactManifest(input: UpdateArtifactManifestInput!): UpdateArtifactManifestPayload
    createArtifactFiles(input: CreateArtifactFilesInput!): CreateArtifactFilesPayload
    commitArtifact(input: CommitArtifactInput!): CommitArtifactPayload
    useArtifact(input: UseArtifactInput!): UseArtifactPayload
    addAliases(input: AddAliasesInput!): SuccessPayload
    deleteAliases(input: DeleteAliasesInput!): SuccessPayload
    updateArtifact(input: UpdateArtifactInput!): UpdateArtifactPayload
    linkArtifact(input: LinkArtifactInput!): LinkArtifactPayload
  }
`;
