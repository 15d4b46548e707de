import type { AzureCatalog } from './catalog.js';
import { DeploymentStore, type DeploymentRecord } from './deployments.js';
import { deploymentNotFound, deploymentNotReady, modelRetired } from './errors.js';
import { baseOf } from './jobRules.js';

/**
 * The deployment a data-plane request's `model` names, if it can serve now: an unknown one, or
 * one still being created, is `DeploymentNotFound`; one in its not-ready window
 * `DeploymentNotReady`; one whose model retired 410.
 */
export function servingDeployment(
  store: DeploymentStore,
  catalog: AzureCatalog,
  notReadyStatus: number,
  requested: string,
): DeploymentRecord {
  const d = store.get(requested);
  const readiness = d ? DeploymentStore.readiness(d) : 'absent';
  if (!d || readiness === 'absent') throw deploymentNotFound();
  if (readiness === 'not-ready') throw deploymentNotReady(notReadyStatus);
  if (catalog.inferenceRetired(baseOf(d.serves))) throw modelRetired(d.serves);
  return d;
}
