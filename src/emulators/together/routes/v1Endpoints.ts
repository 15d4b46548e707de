import type { FastifyInstance } from 'fastify';
import { isoNow } from '../clock.js';
import type { TogetherContext } from '../context.js';
import { badRequest } from '../errors.js';
import type { V1EndpointRecord } from '../records.js';
import type { V1Endpoints } from '../serving/v1Endpoints.js';

/** Spec `DedicatedEndpoint`. */
export function v1EndpointView(e: V1EndpointRecord, owner: string): Record<string, unknown> {
  return {
    object: 'endpoint',
    id: e.id,
    name: e.name,
    display_name: e.displayName,
    model: e.model,
    hardware: e.hardware,
    type: 'dedicated',
    owner,
    state: e.state,
    autoscaling: { min_replicas: e.minReplicas, max_replicas: e.maxReplicas },
    created_at: isoNow(e.createdAtMs),
  };
}

export function registerV1EndpointRoutes(
  app: FastifyInstance,
  ctx: TogetherContext,
  endpoints: V1Endpoints,
): void {
  const owner = ctx.identity.namespace;
  type IdParams = { Params: { endpointId: string } };

  // Serverless models show as `serverless` endpoints beside your dedicated ones.
  app.get<{ Querystring: { type?: string } }>('/v1/endpoints', (req) => {
    const type = req.query.type;
    if (type !== undefined && type !== 'dedicated' && type !== 'serverless') {
      throw badRequest('type must be dedicated or serverless', 'type');
    }
    // Spec `ListEndpoint`: the dedicated endpoint without display name, hardware or autoscaling.
    const dedicated = [...ctx.v1Endpoints.values()]
      .sort((a, b) => a.seq - b.seq)
      .map((e) => ({
        object: 'endpoint',
        id: e.id,
        name: e.name,
        model: e.model,
        type: 'dedicated',
        owner,
        state: e.state,
        created_at: isoNow(e.createdAtMs),
      }));
    const serverless = ctx.catalog
      .all()
      .filter((m) => m.serverless)
      .map((m) => ({
        object: 'endpoint',
        id: `endpoint-serverless-${m.name.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}`,
        name: m.name,
        model: m.name,
        type: 'serverless',
        owner: 'together',
        state: 'STARTED',
        created_at: isoNow(Date.parse('2025-01-15T00:00:00Z')),
      }));
    const data =
      type === 'dedicated'
        ? dedicated
        : type === 'serverless'
          ? serverless
          : [...dedicated, ...serverless];
    return { object: 'list', data };
  });

  app.post('/v1/endpoints', (req) => v1EndpointView(endpoints.create(req.body), owner));
  app.get<IdParams>('/v1/endpoints/:endpointId', (req) =>
    v1EndpointView(endpoints.require(req.params.endpointId), owner),
  );
  app.patch<IdParams>('/v1/endpoints/:endpointId', (req) =>
    v1EndpointView(endpoints.update(req.params.endpointId, req.body), owner),
  );
  app.delete<IdParams>('/v1/endpoints/:endpointId', (req, reply) => {
    endpoints.delete(req.params.endpointId);
    return reply.code(204).send();
  });
}
