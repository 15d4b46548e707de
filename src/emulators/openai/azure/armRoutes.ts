import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { ApiError } from '../errors.js';
import { AzureCatalog } from './catalog.js';
import { checkDeploymentName, parseDeploymentBody } from './armRequest.js';
import { DeploymentStore, type DeploymentRecord } from './deployments.js';
import { azureError } from './errors.js';

type AccountParams = { sub: string; rg: string; account: string };
type DeploymentParams = AccountParams & { name: string };

const ACCOUNT =
  '/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.CognitiveServices/accounts/:account';

const accountId = (p: AccountParams): string =>
  `/subscriptions/${p.sub}/resourceGroups/${p.rg}/providers/Microsoft.CognitiveServices/accounts/${p.account}`;

const iso = (ms: number): string => new Date(ms).toISOString();

/** The ARM resource, as GET answers it (201 on create shows `Accepted`). */
function deploymentView(d: DeploymentRecord, state: string) {
  return {
    id: `${d.accountId}/deployments/${d.name}`,
    type: 'Microsoft.CognitiveServices/accounts/deployments',
    name: d.name,
    sku: { ...d.sku },
    properties: { model: { ...d.model }, provisioningState: state },
    systemData: { createdAt: iso(d.createdAtMs), lastModifiedAt: iso(d.modifiedAtMs) },
  };
}

const notFound = (name: string) =>
  azureError(404, 'DeploymentNotFound', `The deployment '${name}' was not found.`);

/**
 * The emulated ARM management plane, on the same server (paths only, any host): deployments of
 * one Cognitive Services account (every subscription / resource group / account path names it),
 * and the models catalogue of every location. Auth and the required `api-version` are checked
 * by the flavour's guard before these run.
 */
export function registerArmRoutes(
  app: FastifyInstance,
  ctx: EmulatorContext,
  store: DeploymentStore,
  catalog: AzureCatalog,
): void {
  app.put<{ Params: DeploymentParams }>(`${ACCOUNT}/deployments/:name`, (req, reply) => {
    const name = req.params.name;
    const badName = checkDeploymentName(name);
    if (badName) throw badName;
    const parsed = parseDeploymentBody(ctx, catalog, req.body);
    if (parsed instanceof ApiError) throw parsed;
    const previous = store.get(name);
    if (previous && DeploymentStore.state(previous) === 'Deleting') {
      throw azureError(409, 'RequestConflict', `The deployment '${name}' is being deleted.`);
    }
    if (previous && previous.serves !== parsed.serves) {
      throw azureError(
        409,
        'DeploymentNameConflict',
        `A deployment named '${name}' already exists with another model; delete it first.`,
      );
    }
    const record = store.put({ name, accountId: accountId(req.params), ...parsed });
    // 201 Accepted for a new deployment, 200 for an update (PutDeployment examples).
    return reply
      .code(previous ? 200 : 201)
      .send(deploymentView(record, previous ? DeploymentStore.state(record) : 'Accepted'));
  });

  app.get<{ Params: DeploymentParams }>(`${ACCOUNT}/deployments/:name`, (req) => {
    const d = store.get(req.params.name);
    if (!d) throw notFound(req.params.name);
    return deploymentView(d, DeploymentStore.state(d));
  });

  app.delete<{ Params: DeploymentParams }>(`${ACCOUNT}/deployments/:name`, (req, reply) => {
    const d = store.get(req.params.name);
    if (!d) return reply.code(204).send();
    if (DeploymentStore.state(d) === 'Deleting') return reply.code(202).send();
    return reply.code(store.delete(d) ? 200 : 202).send();
  });

  app.get<{ Params: AccountParams }>(`${ACCOUNT}/deployments`, () => ({
    value: store.all().map((d) => deploymentView(d, DeploymentStore.state(d))),
  }));

  app.get(
    '/subscriptions/:sub/providers/Microsoft.CognitiveServices/locations/:location/models',
    () => ({ value: catalog.models.map((m) => AzureCatalog.view(m)) }),
  );
}
