import { createHash } from 'node:crypto';
import type { ArtifactFile, WandbClient } from '../../wandb/index.js';
import type { WandbTarget } from '../../shared/syncTypes.js';
import { artifactGone } from '../failures.js';
import { wandbCalling } from '../wandb/errors.js';

// One W&B run per artifact version of the knowledge base, with a deterministic id (from the
// content's digest, or the candidate's id), so a retry or a re-ingest of the same content reuses
// the run and W&B's digest deduplication returns the same version. Inputs are marked used by the
// run, which is how W&B draws lineage: documents → chunk run → chunks → index run → index.

export interface LoggedVersion {
  /** `entity/project/name:vN` */
  ref: string;
  id: string;
  /** False when identical content was already a version. */
  created: boolean;
}

export const runIdFor = (kind: string, key: string): string =>
  `kb-${kind}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;

export async function logVersion(
  wandb: WandbClient,
  o: {
    target: WandbTarget;
    runId: string;
    jobType: string;
    displayName: string;
    name: string;
    type: string;
    description: string;
    metadata: Record<string, unknown>;
    files: ArtifactFile[];
    /** Versions the run read (`entity/project/name:vN`): lineage. */
    inputs?: string[];
    signal?: AbortSignal;
  },
): Promise<LoggedVersion> {
  const { entity, project } = o.target;
  await wandbCalling(`Opening run ${o.runId}`, () =>
    wandb.upsertRun({
      runId: o.runId,
      entity,
      project,
      displayName: o.displayName,
      jobType: o.jobType,
      config: o.metadata,
    }),
  );
  for (const ref of o.inputs ?? []) {
    const used = await wandbCalling(`Looking up ${ref}`, () => wandb.fetchArtifact(ref));
    if (!used) throw artifactGone(ref);
    await wandbCalling(`Marking ${ref} as used by ${o.runId}`, () =>
      wandb.useArtifact({
        entity,
        project,
        runId: o.runId,
        artifactId: used.id,
        artifactEntity: used.entity,
        artifactProject: used.project,
      }),
    );
  }
  const logged = await wandbCalling(`Versioning ${o.name}`, () =>
    wandb.logArtifact({
      entity,
      project,
      runId: o.runId,
      role: 'output',
      name: o.name,
      type: o.type,
      description: o.description,
      metadata: o.metadata,
      files: o.files,
    }),
  );
  await wandbCalling(`Finishing run ${o.runId}`, () =>
    wandb.fileStream({ entity, project, runId: o.runId }).finish({ exitCode: 0, signal: o.signal }),
  );
  const version = await wandbCalling(`Reading ${o.name}'s new version`, () =>
    wandb.fetchArtifactById(logged.id),
  );
  const label = version?.version ?? logged.digest.slice(0, 12);
  return {
    ref: `${entity}/${project}/${o.name}:${label}`,
    id: logged.id,
    created: !logged.deduplicated,
  };
}
