import type { CallOptions, WandbTransport } from '../transport.js';
import { UseArtifactOp } from './operations.js';

// Input lineage: mark an artifact version as used by a run (protocol §7.5).

export interface UseArtifactInput {
  entity: string;
  project: string;
  runId: string;
  artifactId: string;
  usedAs?: string;
  /** The artifact's own entity/project when it lives elsewhere (sent only if the server supports it). */
  artifactEntity?: string;
  artifactProject?: string;
}

export const CROSS_PROJECT_USE_FEATURE = 'USE_ARTIFACT_WITH_ENTITY_AND_PROJECT_INFORMATION';

export async function useArtifact(
  t: WandbTransport,
  input: UseArtifactInput,
  features: ReadonlySet<string>,
  options: CallOptions = {},
): Promise<void> {
  const crossProject =
    features.has(CROSS_PROJECT_USE_FEATURE) && (input.artifactEntity || input.artifactProject);
  await t.graphql(
    UseArtifactOp,
    {
      input: {
        entityName: input.entity,
        projectName: input.project,
        runName: input.runId,
        artifactID: input.artifactId,
        ...(input.usedAs ? { usedAs: input.usedAs } : {}),
        ...(crossProject
          ? {
              artifactEntityName: input.artifactEntity ?? input.entity,
              artifactProjectName: input.artifactProject ?? input.project,
            }
          : {}),
      },
    },
    options,
  );
}
