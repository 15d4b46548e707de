import { fineTunedChatModel, type ChatModel } from '../chatModels.js';
import type { EmulatorContext } from '../context.js';
import type { AzureCatalog } from './catalog.js';
import { DeploymentStore } from './deployments.js';
import { deploymentNotFound, deploymentNotReady, modelRetired } from './errors.js';
import { baseOf } from './jobRules.js';

/**
 * On Azure, a chat completion's `model` is a deployment name. A ready deployment answers like
 * the OpenAI flavour answers for the model it serves (a base snapshot, a fine-tuned model or a
 * checkpoint); an unknown one, or one still being created, is `DeploymentNotFound`; one in its
 * not-ready window `DeploymentNotReady`; one whose model retired 410.
 */
export function deploymentChatModel(
  ctx: EmulatorContext,
  store: DeploymentStore,
  catalog: AzureCatalog,
  notReadyStatus: number,
  requested: string,
): ChatModel {
  const d = store.get(requested);
  const readiness = d ? DeploymentStore.readiness(d) : 'absent';
  if (!d || readiness === 'absent') throw deploymentNotFound();
  if (readiness === 'not-ready') throw deploymentNotReady(notReadyStatus);
  if (catalog.inferenceRetired(baseOf(d.serves))) throw modelRetired(d.serves);
  return fineTunedChatModel(ctx, d.serves) ?? { kind: 'base', name: d.serves };
}
