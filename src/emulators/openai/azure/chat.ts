import { fineTunedChatModel, type ChatModel } from '../chatModels.js';
import type { EmulatorContext } from '../context.js';
import type { AzureCatalog } from './catalog.js';
import type { DeploymentStore } from './deployments.js';
import { operationNotSupported } from './errors.js';
import { servingDeployment } from './servingDeployment.js';

/**
 * On Azure, a chat completion's `model` is a deployment name. A ready deployment answers like
 * the OpenAI flavour answers for the model it serves (a base snapshot, a fine-tuned model or a
 * checkpoint); servingDeployment.ts says when it cannot serve at all; a deployment of an
 * embedding model answers `OperationNotSupported`.
 */
export function deploymentChatModel(
  ctx: EmulatorContext,
  store: DeploymentStore,
  catalog: AzureCatalog,
  notReadyStatus: number,
  requested: string,
): ChatModel {
  const d = servingDeployment(store, catalog, notReadyStatus, requested);
  const entry = catalog.find(d.serves);
  if (entry?.kind === 'embeddings') throw operationNotSupported('chatCompletion', entry.name);
  return fineTunedChatModel(ctx, d.serves) ?? { kind: 'base', name: d.serves };
}
