import { ApplicationFailure } from '@temporalio/common';
import type { AliasMoveRequest } from '../../shared/governanceTypes.js';
import { ErrorType } from '../../shared/errorTypes.js';
import type { WandbTarget } from '../../shared/syncTypes.js';
import type { WandbClient } from '../../wandb/index.js';
import { wandbCalling } from './errors.js';

type Registry = NonNullable<AliasMoveRequest['registry']>;

/**
 * Links the promoted version into a registry collection with the alias: W&B Registry
 * (`wandb-registry-<name>`, owned by the organization entity) or the legacy `model-registry`
 * project of the entity. Linking a version that is already linked changes nothing.
 */
export async function linkToRegistry(
  wandb: WandbClient,
  target: WandbTarget,
  artifactId: string,
  registry: Registry,
  alias: string,
): Promise<string> {
  let entity = target.entity;
  let project = 'model-registry';
  if ((registry.kind ?? 'registry') === 'registry') {
    const org = await wandbCalling(`Finding the organization of ${target.entity}`, () =>
      wandb.orgEntity(target.entity),
    );
    if (!org) {
      throw ApplicationFailure.nonRetryable(
        `W&B entity ${target.entity} belongs to no organization, so it has no W&B Registry. Use the legacy model registry (registry kind "legacy") or leave the registry out.`,
        ErrorType.NoRegistryOrganization,
      );
    }
    entity = org;
    project = `wandb-registry-${registry.registryName ?? 'model'}`;
  }
  await wandbCalling(`Linking into ${entity}/${project}/${registry.collection}`, () =>
    wandb.linkArtifact({
      artifactId,
      portfolio: registry.collection,
      entity,
      project,
      aliases: [alias],
    }),
  );
  return `${entity}/${project}/${registry.collection}:${alias}`;
}
