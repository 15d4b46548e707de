import type { FastifyInstance } from 'fastify';
import type { TogetherContext } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { configView } from '../serving/v2Configs.js';
import type { V2Serving } from '../serving/v2Serving.js';
import { cursorPage, deploymentView, endpointView } from '../serving/v2Views.js';

type Q = Record<string, unknown>;
type ProjectParams = { Params: { projectId: string }; Querystring: Q };
type EndpointParams = { Params: { projectId: string; endpointId: string }; Querystring: Q };
type DeploymentParams = {
  Params: { projectId: string; endpointId: string; id: string };
  Querystring: Q;
};

interface Sortable {
  id: string;
  name: string;
  createdAtMs: number;
  updatedAtMs: number;
}

/**
 * The list options the SDK offers (`filter`, `orderBy`), as far as the emulator takes them:
 * `orderBy` `created_at|updated_at [asc|desc]`, and `filter` `name="…"` only (anything else is
 * refused rather than silently ignored).
 */
function listed<T extends Sortable>(items: T[], q: Q, qualify: (name: string) => string): T[] {
  let out = [...items];
  if (typeof q.filter === 'string' && q.filter !== '') {
    const m = /^name\s*=\s*"?([^"]+)"?$/.exec(q.filter.trim());
    if (!m) throw badRequest('The emulator supports only filter=name="<name>"', 'filter');
    out = out.filter((x) => x.name === m[1] || qualify(x.name) === m[1]);
  }
  const order = typeof q.orderBy === 'string' ? q.orderBy.trim().split(/\s+/) : ['created_at'];
  const key =
    order[0] === 'updated_at'
      ? 'updatedAtMs'
      : order[0] === 'created_at'
        ? 'createdAtMs'
        : undefined;
  if (!key)
    throw badRequest(
      'orderBy must be created_at or updated_at, optionally with asc or desc',
      'orderBy',
    );
  const dir = order[1] === 'desc' ? -1 : 1;
  return out.sort((a, b) => dir * (a[key] - b[key]));
}

/** `/v2/projects/{projectId}/…`: endpoints, deployments and configs (the SDK's `beta` resources). */
export function registerV2Routes(app: FastifyInstance, ctx: TogetherContext, v2: V2Serving): void {
  const id = ctx.identity;
  const base = '/v2/projects/:projectId';
  const project = (projectId: string): void => {
    if (projectId !== id.projectId) throw notFound(`Project ${projectId} not found`, 'projectId');
  };
  const endpointOut = (endpointId: string) => {
    const e = v2.endpoint(endpointId);
    return endpointView(e, id, v2.deploymentsOf(e.id));
  };
  const deploymentOut = (endpointId: string, depId: string) => {
    const e = v2.endpoint(endpointId);
    return deploymentView(v2.deployment(endpointId, depId), e, id, v2.deploymentsOf(e.id));
  };

  app.post<ProjectParams>(`${base}/endpoints`, (req) => {
    project(req.params.projectId);
    return endpointOut(v2.createEndpoint(req.body).id);
  });
  app.get<ProjectParams>(`${base}/endpoints`, (req) => {
    project(req.params.projectId);
    const items = listed([...ctx.v2Endpoints.values()], req.query, (n) => `${id.projectSlug}/${n}`);
    const page = cursorPage(items, req.query);
    return { data: page.data.map((e) => endpointOut(e.id)), next_cursor: page.next_cursor };
  });
  app.get<EndpointParams>(`${base}/endpoints/:endpointId`, (req) => {
    project(req.params.projectId);
    return endpointOut(req.params.endpointId);
  });
  app.patch<EndpointParams>(`${base}/endpoints/:endpointId`, (req) => {
    project(req.params.projectId);
    return endpointOut(v2.updateEndpoint(req.params.endpointId, req.body).id);
  });
  app.delete<EndpointParams>(`${base}/endpoints/:endpointId`, (req) => {
    project(req.params.projectId);
    v2.deleteEndpoint(req.params.endpointId, req.query.etag);
    return {};
  });

  app.post<EndpointParams>(`${base}/endpoints/:endpointId/deployments`, (req) => {
    project(req.params.projectId);
    const validateOnly = req.query.validateOnly === 'true';
    const d = v2.createDeployment(req.params.endpointId, req.body, validateOnly);
    const e = v2.endpoint(req.params.endpointId);
    return deploymentView(d, e, id, v2.deploymentsOf(e.id));
  });
  app.get<EndpointParams>(`${base}/endpoints/:endpointId/deployments`, (req) => {
    project(req.params.projectId);
    const e = v2.endpoint(req.params.endpointId);
    const items = listed(
      v2.deploymentsOf(e.id),
      req.query,
      (n) => `${id.projectSlug}/${e.name}/${n}`,
    );
    const page = cursorPage(items, req.query);
    return { data: page.data.map((d) => deploymentOut(e.id, d.id)), next_cursor: page.next_cursor };
  });
  app.get<DeploymentParams>(`${base}/endpoints/:endpointId/deployments/:id`, (req) => {
    project(req.params.projectId);
    return deploymentOut(req.params.endpointId, req.params.id);
  });
  app.patch<DeploymentParams>(`${base}/endpoints/:endpointId/deployments/:id`, (req) => {
    project(req.params.projectId);
    v2.updateDeployment(req.params.endpointId, req.params.id, req.body);
    return deploymentOut(req.params.endpointId, req.params.id);
  });
  app.delete<DeploymentParams>(`${base}/endpoints/:endpointId/deployments/:id`, (req) => {
    project(req.params.projectId);
    v2.deleteDeployment(req.params.endpointId, req.params.id, req.query.etag);
    return {};
  });

  // Configs certified for a model: its own base's (a fine-tune runs on its base's configs).
  app.get<ProjectParams>(`${base}/configs`, (req) => {
    project(req.params.projectId);
    const ref = req.query.referenceModel ?? req.query.referenceModelId;
    let entries = v2.configs.entries;
    if (typeof ref === 'string' && ref !== '') {
      const mine = [...ctx.jobs.values()].find(
        (j) =>
          j.status === 'completed' &&
          (ref.endsWith(`/models/${j.modelObject.id}`) || ref === j.modelObject.id),
      );
      const baseName = mine?.request.model ?? v2.configs.baseOfResource(ref);
      entries = baseName ? v2.configs.forBase(baseName) : [];
    }
    const page = cursorPage(entries, req.query);
    return { data: page.data.map(configView), next_cursor: page.next_cursor };
  });
  app.get<EndpointParams & { Params: { configId: string } }>(`${base}/configs/:configId`, (req) => {
    project(req.params.projectId);
    const c = v2.configs.get(req.params.configId);
    if (!c) throw notFound(`Config ${req.params.configId} not found`, 'id');
    return configView(c);
  });
}
