import { hardwareById } from '../catalog.js';
import type { TogetherContext } from '../context.js';
import { badRequest, conflict, notFound, spendingLimitReached } from '../errors.js';
import type { DeploymentRecord, V2EndpointRecord } from '../records.js';
import type { ConfigCatalog } from './v2Configs.js';
import { servableByObjectId } from './servable.js';

/**
 * v2 dedicated model inference (SDK `beta.endpoints`, facts sheet §7.3), minimal: endpoints
 * (create, retrieve, list, update with etag and traffic split, delete) and their deployments
 * (create from a fine-tune's `ml_…` model and a config, retrieve, list, update autoscaling to
 * scale, stop with 0/0 or start again, delete). Deployments go `PROVISIONING → READY` after
 * `endpointStartMs` (or `FAILED`), `STOPPING → STOPPED`, `SCALING → READY` when replicas grow.
 * READY and SCALING deployments bill per minute per replica.
 */
type Body = Record<string, unknown>;
const isObject = (v: unknown): v is Body =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** DNS-label names (a guess at the rule; the SDK only says "name"). */
const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export class V2Serving {
  private readonly timers = new Map<string, NodeJS.Timeout | undefined>();

  constructor(
    private readonly ctx: TogetherContext,
    readonly configs: ConfigCatalog,
  ) {}

  /** A bare name, or `<project_slug>/<name>` with this project's slug. */
  private bareName(raw: unknown, param: string): string {
    if (typeof raw !== 'string' || raw === '') throw badRequest(`${param} is required`, param);
    const slug = `${this.ctx.identity.projectSlug}/`;
    const name = raw.startsWith(slug) ? raw.slice(slug.length) : raw;
    if (!NAME.test(name))
      throw badRequest(
        `${param} must be lower-case letters, digits and hyphens (at most 63)`,
        param,
      );
    return name;
  }

  private etag(): string {
    return this.ctx.ids.tag(16);
  }

  private checkEtag(given: unknown, current: string): void {
    if (given !== undefined && given !== '' && given !== current) {
      throw conflict(
        'The resource changed since it was read (etag mismatch); read it again and retry',
      );
    }
  }

  createEndpoint(body: unknown): V2EndpointRecord {
    if (!isObject(body)) throw badRequest('The request body must be a JSON object');
    if (this.ctx.settings.spendingLimitReached) throw spendingLimitReached();
    const name = this.bareName(body.name, 'name');
    if ([...this.ctx.v2Endpoints.values()].some((e) => e.name === name))
      throw conflict(`An endpoint named ${name} already exists`);
    const visibility = body.visibility ?? 'VISIBILITY_PRIVATE';
    if (visibility !== 'VISIBILITY_PRIVATE' && visibility !== 'VISIBILITY_INTERNAL') {
      throw badRequest(
        'visibility must be VISIBILITY_PRIVATE or VISIBILITY_INTERNAL',
        'visibility',
      );
    }
    const now = Date.now();
    const e: V2EndpointRecord = {
      id: this.ctx.ids.v2('ep'),
      seq: this.ctx.nextSeq(),
      name,
      visibility,
      trafficSplit: [],
      etag: this.etag(),
      createdAtMs: now,
      updatedAtMs: now,
    };
    this.ctx.v2Endpoints.set(e.id, e);
    this.ctx.stats.endpointsCreated++;
    return e;
  }

  endpoint(id: string): V2EndpointRecord {
    const e = this.ctx.v2Endpoints.get(id);
    if (!e) throw notFound(`Endpoint ${id} not found`, 'id');
    return e;
  }

  updateEndpoint(id: string, body: unknown): V2EndpointRecord {
    const e = this.endpoint(id);
    if (!isObject(body)) throw badRequest('The request body must be a JSON object');
    this.checkEtag(body.etag, e.etag);
    if (body.name !== undefined) e.name = this.bareName(body.name, 'name');
    if (body.visibility !== undefined) {
      if (body.visibility !== 'VISIBILITY_PRIVATE' && body.visibility !== 'VISIBILITY_INTERNAL')
        throw badRequest(
          'visibility must be VISIBILITY_PRIVATE or VISIBILITY_INTERNAL',
          'visibility',
        );
      e.visibility = body.visibility;
    }
    if (body.trafficSplit !== undefined) {
      if (!Array.isArray(body.trafficSplit))
        throw badRequest('trafficSplit must be a list', 'trafficSplit');
      e.trafficSplit = body.trafficSplit
        .map((entry, i) => {
          if (!isObject(entry) || typeof entry.deploymentId !== 'string')
            throw badRequest(`trafficSplit[${i}].deploymentId is required`, 'trafficSplit');
          const d = this.ctx.deployments.get(entry.deploymentId);
          if (!d || d.endpointId !== e.id)
            throw badRequest(
              `trafficSplit[${i}]: deployment ${entry.deploymentId} is not under this endpoint`,
              'trafficSplit',
            );
          const weight = entry.weight;
          if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0)
            throw badRequest(
              `trafficSplit[${i}].weight must be a finite number ≥ 0`,
              'trafficSplit',
            );
          return { deploymentId: d.id, weight };
        })
        .filter((entry) => entry.weight > 0);
    }
    e.etag = this.etag();
    e.updatedAtMs = Date.now();
    return e;
  }

  deleteEndpoint(id: string, etag: unknown): void {
    const e = this.endpoint(id);
    this.checkEtag(etag, e.etag);
    if (this.deploymentsOf(e.id).length > 0)
      throw badRequest(`Endpoint ${e.name} still has deployments; delete them first`, 'id');
    this.ctx.v2Endpoints.delete(e.id);
  }

  deploymentsOf(endpointId: string): DeploymentRecord[] {
    return [...this.ctx.deployments.values()]
      .filter((d) => d.endpointId === endpointId)
      .sort((a, b) => a.seq - b.seq);
  }

  /** `projects/{p}/models/{ml}[/revisions/{rv}]` of a completed fine-tune in this project. */
  private resolveModel(raw: unknown): {
    servable: NonNullable<ReturnType<typeof servableByObjectId>>;
    resource: string;
  } {
    if (typeof raw !== 'string')
      throw badRequest(
        'model is required: projects/{projectId}/models/{modelId}[/revisions/{revisionId}]',
        'model',
      );
    const m = /^projects\/([^/]+)\/models\/([^/]+)(?:\/revisions\/([^/]+))?$/.exec(raw);
    if (!m)
      throw badRequest(
        'model must look like projects/{projectId}/models/{modelId}[/revisions/{revisionId}]',
        'model',
      );
    const [, project, modelId, revision] = m;
    const servable =
      project === this.ctx.identity.projectId ? servableByObjectId(this.ctx, modelId!) : undefined;
    if (!servable?.job) throw notFound(`Model ${raw} not found`, 'model');
    if (revision !== undefined && revision !== servable.job.modelObject.revisionId)
      throw notFound(`Model revision ${raw} not found`, 'model');
    return {
      servable,
      resource: `projects/${project}/models/${modelId}/revisions/${servable.job.modelObject.revisionId}`,
    };
  }

  private replicas(
    v: unknown,
    current?: { min: number; max: number },
  ): { min: number; max: number } {
    if (!isObject(v)) throw badRequest('autoscaling is required', 'autoscaling');
    const min = v.minReplicas ?? current?.min;
    const max = v.maxReplicas ?? (v.minReplicas !== undefined ? min : current?.max);
    if (
      !Number.isInteger(min) ||
      !Number.isInteger(max) ||
      (min as number) < 0 ||
      (max as number) < (min as number)
    ) {
      throw badRequest('autoscaling needs integers 0 ≤ minReplicas ≤ maxReplicas', 'autoscaling');
    }
    return { min: min as number, max: max as number };
  }

  createDeployment(endpointId: string, body: unknown, validateOnly: boolean): DeploymentRecord {
    const e = this.endpoint(endpointId);
    if (!isObject(body)) throw badRequest('The request body must be a JSON object');
    if (this.ctx.settings.spendingLimitReached) throw spendingLimitReached();
    const name = this.bareName(body.name, 'name');
    if (this.deploymentsOf(e.id).some((d) => d.name === name))
      throw conflict(`Endpoint ${e.name} already has a deployment named ${name}`);
    const { servable, resource } = this.resolveModel(body.model ?? body.modelId);
    const configRef =
      body.config ??
      (typeof body.configId === 'string'
        ? `projects/${this.ctx.identity.projectId}/configs/${body.configId}`
        : undefined);
    if (typeof configRef !== 'string')
      throw badRequest(
        'config is required: projects/{projectId}/configs/{configRevisionId}',
        'config',
      );
    const config = this.configs.get(configRef.slice(configRef.lastIndexOf('/') + 1));
    if (!config) throw notFound(`Config ${configRef} not found`, 'config');
    if (config.base !== servable.base.name)
      throw badRequest(`Config ${config.id} is not certified for ${servable.base.name}`, 'config');
    const { min, max } = this.replicas(body.autoscaling);
    const now = Date.now();
    const d: DeploymentRecord = {
      id: this.ctx.ids.v2('dep'),
      seq: this.ctx.nextSeq(),
      endpointId: e.id,
      name,
      model: resource,
      serves: servable.name,
      config: `projects/${this.ctx.identity.projectId}/configs/${config.id}`,
      hardware: config.hardware,
      minReplicas: min,
      maxReplicas: max,
      enableLora: body.enableLora === true,
      state: 'DEPLOYMENT_STATE_STOPPED',
      message: 'Stopped',
      etag: this.etag(),
      createdAtMs: now,
      updatedAtMs: now,
    };
    if (validateOnly) return d;
    this.ctx.deployments.set(d.id, d);
    this.ctx.stats.deploymentsCreated++;
    if (max > 0) this.provision(d);
    return d;
  }

  deployment(endpointId: string, id: string): DeploymentRecord {
    this.endpoint(endpointId);
    const d = this.ctx.deployments.get(id);
    if (!d || d.endpointId !== endpointId) throw notFound(`Deployment ${id} not found`, 'id');
    return d;
  }

  /** Autoscaling 0/0 stops; from stopped, replicas start it; more replicas while ready scale it. */
  updateDeployment(endpointId: string, id: string, body: unknown): DeploymentRecord {
    const d = this.deployment(endpointId, id);
    if (!isObject(body)) throw badRequest('The request body must be a JSON object');
    this.checkEtag(body.etag, d.etag);
    if (body.name !== undefined) d.name = this.bareName(body.name, 'name');
    if (body.autoscaling !== undefined) {
      const before = d.minReplicas;
      const { min, max } = this.replicas(body.autoscaling, {
        min: d.minReplicas,
        max: d.maxReplicas,
      });
      d.minReplicas = min;
      d.maxReplicas = max;
      const up = d.state === 'DEPLOYMENT_STATE_READY' || d.state === 'DEPLOYMENT_STATE_SCALING';
      if (max === 0) {
        if (d.state !== 'DEPLOYMENT_STATE_STOPPED') this.stop(d);
      } else if (
        d.state === 'DEPLOYMENT_STATE_STOPPED' ||
        d.state === 'DEPLOYMENT_STATE_FAILED' ||
        d.state === 'DEPLOYMENT_STATE_STOPPING'
      ) {
        this.provision(d);
      } else if (up && min > before) {
        this.transition(
          d,
          'DEPLOYMENT_STATE_SCALING',
          `Scaling to ${min} replicas`,
          this.ctx.durations.endpointStartMs,
          () => this.ready(d),
        );
      } else if (up) {
        this.ready(d);
      }
    }
    d.etag = this.etag();
    d.updatedAtMs = Date.now();
    return d;
  }

  deleteDeployment(endpointId: string, id: string, etag: unknown): void {
    const d = this.deployment(endpointId, id);
    this.checkEtag(etag, d.etag);
    if (this.endpoint(endpointId).trafficSplit.some((t) => t.deploymentId === d.id)) {
      throw badRequest(
        `Deployment ${d.name} still takes live traffic; remove it from the endpoint's traffic split first`,
        'id',
      );
    }
    this.ctx.clock.cancel(this.timers.get(d.id));
    this.ctx.meter.stop(d.id);
    this.ctx.deployments.delete(d.id);
  }

  close(): void {
    for (const t of this.timers.values()) this.ctx.clock.cancel(t);
  }

  /** A deployment from a saved state: billed again if it served, a start or stop goes on. */
  restore(d: DeploymentRecord): void {
    if (d.state === 'DEPLOYMENT_STATE_PROVISIONING') this.provision(d);
    else if (d.state === 'DEPLOYMENT_STATE_STOPPING') this.stop(d);
    else if (d.state !== 'DEPLOYMENT_STATE_STOPPED' && d.state !== 'DEPLOYMENT_STATE_FAILED') {
      this.ctx.meter.run(d.id, {
        api: 'v2',
        name: d.name,
        hardware: d.hardware,
        replicas: Math.max(1, d.minReplicas),
        centsPerHour: hardwareById(d.hardware)?.centsPerHour ?? 0,
      });
    }
  }

  private provision(d: DeploymentRecord): void {
    this.ctx.meter.stop(d.id);
    this.transition(
      d,
      'DEPLOYMENT_STATE_PROVISIONING',
      'Provisioning replicas',
      this.ctx.durations.endpointStartMs,
      () => {
        if (this.ctx.serving.failStart?.({ model: d.serves, hardware: d.hardware })) {
          d.state = 'DEPLOYMENT_STATE_FAILED';
          d.message = 'Replicas failed to become ready: the model server exited during start-up';
          d.updatedAtMs = Date.now();
          return;
        }
        this.ready(d);
      },
    );
  }

  private ready(d: DeploymentRecord): void {
    this.ctx.clock.cancel(this.timers.get(d.id));
    d.state = 'DEPLOYMENT_STATE_READY';
    d.message = `${Math.max(1, d.minReplicas)} replica(s) ready`;
    d.updatedAtMs = Date.now();
    this.ctx.meter.run(d.id, {
      api: 'v2',
      name: d.name,
      hardware: d.hardware,
      replicas: Math.max(1, d.minReplicas),
      centsPerHour: hardwareById(d.hardware)?.centsPerHour ?? 0,
    });
  }

  private stop(d: DeploymentRecord): void {
    this.transition(
      d,
      'DEPLOYMENT_STATE_STOPPING',
      'Stopping replicas',
      this.ctx.durations.endpointStopMs,
      () => {
        d.state = 'DEPLOYMENT_STATE_STOPPED';
        d.message = 'Stopped';
        d.updatedAtMs = Date.now();
        this.ctx.meter.stop(d.id);
      },
    );
  }

  private transition(
    d: DeploymentRecord,
    state: DeploymentRecord['state'],
    message: string,
    providerMs: number,
    next: () => void,
  ): void {
    this.ctx.clock.cancel(this.timers.get(d.id));
    d.state = state;
    d.message = message;
    d.updatedAtMs = Date.now();
    this.timers.set(d.id, this.ctx.clock.after(providerMs, next));
  }
}
