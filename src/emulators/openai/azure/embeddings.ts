import { embeddingModelById, type EmbeddingModel } from '../embeddingModels.js';
import type { AzureCatalog } from './catalog.js';
import type { DeploymentStore } from './deployments.js';
import { operationNotSupported } from './errors.js';
import { baseOf } from './jobRules.js';
import { servingDeployment } from './servingDeployment.js';

/**
 * On Azure, an embeddings request's `model` is a deployment name (the facts sheet marks this
 * unverified for the v1 path; it is what the documented examples do). The deployment must serve a
 * catalogue embedding model; a chat deployment answers `OperationNotSupported`.
 */
export function deploymentEmbeddingModel(
  store: DeploymentStore,
  catalog: AzureCatalog,
  notReadyStatus: number,
  requested: string,
): EmbeddingModel {
  const d = servingDeployment(store, catalog, notReadyStatus, requested);
  const entry = catalog.find(d.serves);
  const model = entry?.kind === 'embeddings' ? embeddingModelById(entry.name) : undefined;
  if (!model) throw operationNotSupported('embeddings', entry?.name ?? baseOf(d.serves));
  return model;
}
