import { ArtifactFiles } from './artifactFiles.js';
import { ArtifactStore } from './artifacts.js';
import { BlobStore } from './blobs.js';
import { IdSequence } from './ids.js';
import { ProjectStore, checkProjectName, type ProjectRecord } from './projects.js';
import { UserInputError, type RunRecord } from './runs.js';
import type { RecordedOperation, WandbEmulatorStats } from '../types.js';

/** All emulator state in one place, shared by the GraphQL resolvers and the HTTP routes. */
export class Backend {
  readonly ids = new IdSequence();
  readonly blobs: BlobStore;
  readonly projects = new ProjectStore(this.ids);
  readonly artifacts = new ArtifactStore(this.ids, this.projects);
  readonly artifactFiles: ArtifactFiles;
  readonly viewerId = this.ids.take('User').id;
  readonly stats: WandbEmulatorStats = {
    graphql: {},
    graphqlErrors: {},
    fileStreamPosts: 0,
    uploads: 0,
    faultsInjected: 0,
  };

  readonly operations = new Map<string, RecordedOperation>();

  constructor(
    dataDir: string,
    readonly defaultEntity: string,
    readonly heartbeatTimeoutMs: number,
    readonly organization?: { name: string; orgEntity: string },
  ) {
    this.blobs = new BlobStore(dataDir);
    this.artifactFiles = new ArtifactFiles(this.ids, this.blobs);
    this.projects.entity(defaultEntity);
    if (organization) this.projects.entity(organization.orgEntity);
  }

  /** A project to write to: null entity means the viewer's entity; created on first use. */
  writableProject(
    entity: string | null | undefined,
    project: string | null | undefined,
  ): ProjectRecord {
    const projectName = project ?? 'uncategorized';
    const problem = checkProjectName(projectName);
    if (problem) throw new UserInputError(`invalid project "${projectName}": ${problem}`);
    return this.projects.ensure(entity ?? this.defaultEntity, projectName);
  }

  /** Everything a restarted emulator needs (src/emulators/snapshotFile.ts); stats start over. */
  snapshot() {
    return {
      ids: this.ids.snapshot(),
      blobs: this.blobs.snapshot(),
      projects: this.projects.snapshot(),
      artifacts: this.artifacts.snapshot(),
      artifactFiles: this.artifactFiles.snapshot(),
    };
  }

  restore(s: BackendSnapshot): void {
    this.ids.restore(s.ids);
    this.blobs.restore(s.blobs);
    this.projects.restore(s.projects);
    this.artifacts.restore(s.artifacts);
    this.artifactFiles.restore(s.artifactFiles);
  }

  findProject(
    entity: string | null | undefined,
    project: string | null | undefined,
  ): ProjectRecord | undefined {
    return this.projects.find(entity ?? this.defaultEntity, project ?? 'uncategorized');
  }

  findRun(
    entity: string | null | undefined,
    project: string | null | undefined,
    name: string,
  ): RunRecord | undefined {
    return this.findProject(entity, project)?.runs.get(name);
  }

  runByStorageId(id: string): RunRecord | undefined {
    for (const project of this.projects.all()) {
      for (const run of project.runs.values()) if (run.id === id) return run;
    }
    return undefined;
  }
}

export type BackendSnapshot = ReturnType<Backend['snapshot']>;
