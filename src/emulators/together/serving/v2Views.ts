import { isoNow } from '../clock.js';
import type { Identity } from '../context.js';
import type { DeploymentRecord, V2EndpointRecord } from '../records.js';

/** Replicas serving now. */
const readyReplicas = (d: DeploymentRecord): number =>
  d.state === 'DEPLOYMENT_STATE_READY' || d.state === 'DEPLOYMENT_STATE_SCALING'
    ? Math.max(1, d.minReplicas)
    : 0;

/** Share of the endpoint's traffic: weight × ready replicas, in proportion (SDK). */
function trafficShare(e: V2EndpointRecord, d: DeploymentRecord, all: DeploymentRecord[]): number {
  const capacity = (x: DeploymentRecord) =>
    (e.trafficSplit.find((t) => t.deploymentId === x.id)?.weight ?? 0) * readyReplicas(x);
  const total = all.reduce((sum, x) => sum + capacity(x), 0);
  return total > 0 ? capacity(d) / total : 0;
}

const autoscaling = (d: DeploymentRecord) => ({
  minReplicas: d.minReplicas,
  maxReplicas: d.maxReplicas,
});

/** SDK `EndpointDeployment`. */
export function deploymentView(
  d: DeploymentRecord,
  e: V2EndpointRecord,
  id: Identity,
  siblings: DeploymentRecord[],
): Record<string, unknown> {
  const ready = readyReplicas(d);
  const modelId = d.model.split('/')[3]!;
  return {
    id: d.id,
    autoscaling: autoscaling(d),
    config: d.config,
    configId: d.config.slice(d.config.lastIndexOf('/') + 1),
    createdAt: isoNow(d.createdAtMs),
    endpointId: d.endpointId,
    etag: d.etag,
    hardware: d.hardware,
    model: d.model,
    modelId,
    modelRevisionId: d.model.slice(d.model.lastIndexOf('/') + 1),
    name: `${id.projectSlug}/${e.name}/${d.name}`,
    projectId: id.projectId,
    status: { state: d.state, message: d.message, readyReplicas: ready, scheduledReplicas: ready },
    trafficMode: 'TRAFFIC_MODE_LIVE',
    updatedAt: isoNow(d.updatedAtMs),
    desiredReplicas: d.maxReplicas === 0 ? 0 : Math.max(1, d.minReplicas),
    enableLora: d.enableLora,
    estimatedEffectiveTrafficShare: trafficShare(e, d, siblings),
  };
}

/** SDK `Endpoint`, with its deployments' summaries. */
export function endpointView(
  e: V2EndpointRecord,
  id: Identity,
  deployments: DeploymentRecord[],
): Record<string, unknown> {
  return {
    id: e.id,
    createdAt: isoNow(e.createdAtMs),
    deployments: deployments.map((d) => ({
      id: d.id,
      autoscaling: autoscaling(d),
      createdAt: isoNow(d.createdAtMs),
      estimatedEffectiveTrafficShare: trafficShare(e, d, deployments),
      model: d.model,
      modelId: d.model.split('/')[3]!,
      name: `${id.projectSlug}/${e.name}/${d.name}`,
      state: d.state,
      trafficMode: 'TRAFFIC_MODE_LIVE',
      desiredReplicas: d.maxReplicas === 0 ? 0 : Math.max(1, d.minReplicas),
      hardware: d.hardware,
      readyReplicas: readyReplicas(d),
    })),
    endpointType: 'ENDPOINT_TYPE_DEDICATED',
    etag: e.etag,
    name: `${id.projectSlug}/${e.name}`,
    projectId: id.projectId,
    trafficSplit: e.trafficSplit.map((t) => ({ ...t })),
    updatedAt: isoNow(e.updatedAtMs),
    visibility: e.visibility,
  };
}

/** SDK `CursorPagination`: `{data, next_cursor}`, `limit` (≤ 500) and `after` (an id here). */
export function cursorPage<T extends { id: string }>(
  items: T[],
  query: { limit?: unknown; after?: unknown },
): { data: T[]; next_cursor: string } {
  const limit = Math.min(500, Math.max(1, Number(query.limit ?? 50) || 50));
  const start =
    typeof query.after === 'string' && query.after !== ''
      ? items.findIndex((x) => x.id === query.after) + 1
      : 0;
  const data = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return { data, next_cursor: more ? data.at(-1)!.id : '' };
}
