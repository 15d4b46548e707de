import { aliasesOf, qualifiedName, type ArtifactRecord } from './store/artifactRecords.js';
import type { Backend } from './store/backend.js';
import {
  CONSOLE_FILE,
  historyRows,
  parsedConfig,
  runState,
  streamLines,
  unwrapConfig,
  type RunRecord,
} from './store/runs.js';
import type {
  EmulatedArtifactRef,
  EmulatedArtifactVersion,
  EmulatedRun,
  WandbEmulatorStateView,
} from './types.js';

function refs(backend: Backend, ids: string[]): EmulatedArtifactRef[] {
  return ids.flatMap((id) => {
    const a = backend.artifacts.artifacts.get(id);
    return a ? [{ id, name: qualifiedName(a), type: a.sequence.type.name }] : [];
  });
}

function runSnapshot(backend: Backend, run: RunRecord): EmulatedRun {
  const rawConfig = parsedConfig(run);
  return structuredClone({
    id: run.id,
    entity: run.project.entity.name,
    project: run.project.name,
    name: run.name,
    displayName: run.displayName,
    jobType: run.jobType,
    tags: run.tags,
    notes: run.notes,
    group: run.group,
    rawConfig,
    config: unwrapConfig(rawConfig),
    summary: run.summary,
    history: historyRows(run),
    console: streamLines(run, CONSOLE_FILE),
    files: [...run.files].map(([name, f]) => ({ name, size: f.size, md5: f.md5 })),
    reportedUploaded: [...run.reportedUploaded],
    state: runState(run, Date.now(), backend.heartbeatTimeoutMs),
    exitcode: run.exitcode,
    inputs: refs(backend, run.inputs),
    outputs: refs(backend, run.outputs),
  });
}

function metadataOf(artifact: ArtifactRecord): Record<string, unknown> | null {
  return artifact.metadata ? (JSON.parse(artifact.metadata) as Record<string, unknown>) : null;
}

function versionSnapshot(artifact: ArtifactRecord): EmulatedArtifactVersion {
  const sequenceMembership = artifact.memberships.find((m) => m.collection === artifact.sequence);
  return {
    id: artifact.id,
    collection: artifact.sequence.name,
    type: artifact.sequence.type.name,
    versionIndex: artifact.versionIndex,
    digest: artifact.digest,
    state: artifact.state,
    aliases: sequenceMembership
      ? aliasesOf(sequenceMembership).map((a) => a.alias)
      : artifact.pendingAliases.map((a) => a.alias),
    files: artifact.entries.map((e) => ({
      path: e.path,
      digest: e.digest,
      size: e.size,
      birthArtifactId: e.birthArtifactID,
      ref: e.ref,
    })),
    metadata: metadataOf(artifact),
    description: artifact.description,
    createdByRun: artifact.createdByRun?.name ?? null,
    usedByRuns: artifact.usedBy.map((r) => r.name),
  };
}

/** Read-only snapshots for tests and the sandbox (copies: changing them changes nothing). */
export function stateView(backend: Backend): WandbEmulatorStateView {
  return {
    run(entity, project, runName) {
      const run = backend.findRun(entity, project, runName);
      return run ? runSnapshot(backend, run) : undefined;
    },
    artifactVersions(entity, project, collection) {
      const found = backend.findProject(entity, project);
      const seq = found ? backend.artifacts.collection(found, collection) : undefined;
      if (!seq) return [];
      return [...backend.artifacts.artifacts.values()]
        .filter((a) => a.sequence === seq)
        .sort((a, b) => (a.versionIndex ?? Infinity) - (b.versionIndex ?? Infinity))
        .map(versionSnapshot);
    },
    stats() {
      return structuredClone(backend.stats);
    },
    aliasMoves() {
      return structuredClone(backend.artifacts.aliasMoves);
    },
    operations() {
      return structuredClone(Object.fromEntries(backend.operations));
    },
  };
}
