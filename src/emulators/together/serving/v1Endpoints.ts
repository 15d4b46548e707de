import { hardwareById } from '../catalog.js';
import type { TogetherContext } from '../context.js';
import { badRequest, notFound, spendingLimitReached, v1EndpointsRetired } from '../errors.js';
import type { V1EndpointRecord } from '../records.js';
import { servableByName } from './servable.js';

/**
 * v1 dedicated endpoints (spec `/endpoints`). By default creation is retired, as Together's
 * own skill reports for late 2026: `POST` answers 403 `endpoints_v1_create_access_disabled`
 * and a stopped endpoint cannot be started again, while running ones keep serving (seed them
 * with `serving.legacyV1Endpoints`). With `serving.v1Create: 'available'` the description's
 * behaviour: `PENDING → STARTING → STARTED` (or `ERROR`), `STOPPING → STOPPED`, restart.
 * A STARTED endpoint bills per minute for its `min_replicas` (a guess: autoscaling above the
 * minimum is not emulated).
 */
type Body = Record<string, unknown>;
const isObject = (v: unknown): v is Body =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export class V1Endpoints {
  private readonly timers = new Map<string, NodeJS.Timeout | undefined>();

  constructor(private readonly ctx: TogetherContext) {}

  /** An endpoint that exists from the start (a legacy account's). */
  seed(e: { model: string; hardware: string; state: 'STARTED' | 'STOPPED' }): V1EndpointRecord {
    const record = this.record(
      e.model,
      e.hardware,
      { min_replicas: 1, max_replicas: 1 },
      undefined,
    );
    record.state = e.state;
    if (e.state === 'STARTED') this.bill(record);
    return record;
  }

  create(body: unknown): V1EndpointRecord {
    if (this.ctx.serving.v1Create === 'retired') throw v1EndpointsRetired();
    if (this.ctx.settings.spendingLimitReached) throw spendingLimitReached();
    if (!isObject(body)) throw badRequest('The request body must be a JSON object');
    const { model, hardware } = body;
    if (typeof model !== 'string') throw badRequest('model is required', 'model');
    if (typeof hardware !== 'string') throw badRequest('hardware is required', 'hardware');
    const autoscaling = this.autoscaling(body.autoscaling, true)!;
    const servable = servableByName(this.ctx, model);
    if (!servable) throw badRequest(`Model ${model} cannot be deployed: unknown model`, 'model');
    if (!servable.base.hardware.includes(hardware)) {
      throw badRequest(
        `Hardware ${hardware} cannot host ${model}; see GET /hardware?model=`,
        'hardware',
      );
    }
    if (hardwareById(hardware)?.availability !== 'available') {
      throw badRequest(`Hardware ${hardware} is not available right now`, 'hardware');
    }
    const record = this.record(
      model,
      hardware,
      autoscaling,
      typeof body.display_name === 'string' ? body.display_name : undefined,
    );
    this.ctx.stats.endpointsCreated++;
    if (body.state === 'STOPPED') record.state = 'STOPPED';
    else this.start(record);
    return record;
  }

  update(id: string, body: unknown): V1EndpointRecord {
    const e = this.require(id);
    if (!isObject(body)) throw badRequest('The request body must be a JSON object');
    if (typeof body.display_name === 'string') e.displayName = body.display_name;
    const scaling = this.autoscaling(body.autoscaling, false);
    if (scaling) {
      e.minReplicas = scaling.min_replicas;
      e.maxReplicas = scaling.max_replicas;
      if (e.state === 'STARTED') this.bill(e);
    }
    if (
      body.state === 'STOPPED' &&
      (e.state === 'STARTED' || e.state === 'STARTING' || e.state === 'PENDING')
    ) {
      this.schedule(e, 'STOPPING', this.ctx.durations.endpointStopMs, () => {
        e.state = 'STOPPED';
        this.ctx.meter.stop(e.id);
      });
    } else if (body.state === 'STARTED' && (e.state === 'STOPPED' || e.state === 'ERROR')) {
      // Facts sheet §7.2: a stopped v1 endpoint cannot be restarted once v1 creation is retired.
      if (this.ctx.serving.v1Create === 'retired') throw v1EndpointsRetired();
      this.start(e);
    } else if (body.state !== undefined && body.state !== 'STARTED' && body.state !== 'STOPPED') {
      throw badRequest('state must be STARTED or STOPPED', 'state');
    }
    return e;
  }

  delete(id: string): void {
    const e = this.require(id);
    this.ctx.clock.cancel(this.timers.get(id));
    this.ctx.meter.stop(id);
    this.ctx.v1Endpoints.delete(e.id);
  }

  require(id: string): V1EndpointRecord {
    const e = this.ctx.v1Endpoints.get(id);
    if (!e) throw notFound(`Endpoint ${id} not found`, 'endpointId');
    return e;
  }

  close(): void {
    for (const t of this.timers.values()) this.ctx.clock.cancel(t);
  }

  /** An endpoint from a saved state: billed again if it ran, a start or stop under way goes on. */
  restore(e: V1EndpointRecord): void {
    if (e.state === 'STARTED') this.bill(e);
    else if (e.state === 'PENDING' || e.state === 'STARTING') this.start(e);
    else if (e.state === 'STOPPING') {
      this.schedule(e, 'STOPPING', this.ctx.durations.endpointStopMs, () => {
        e.state = 'STOPPED';
      });
    }
  }

  private record(
    model: string,
    hardware: string,
    a: { min_replicas: number; max_replicas: number },
    displayName: string | undefined,
  ): V1EndpointRecord {
    const name = `${this.ctx.identity.namespace}/${model}-${this.ctx.ids.tag()}`;
    const record: V1EndpointRecord = {
      id: this.ctx.ids.v1Endpoint(),
      seq: this.ctx.nextSeq(),
      name,
      displayName: displayName ?? name,
      model,
      hardware,
      state: 'PENDING',
      minReplicas: a.min_replicas,
      maxReplicas: a.max_replicas,
      createdAtMs: Date.now(),
    };
    this.ctx.v1Endpoints.set(record.id, record);
    return record;
  }

  private autoscaling(
    v: unknown,
    required: boolean,
  ): { min_replicas: number; max_replicas: number } | undefined {
    if (v === undefined && !required) return undefined;
    if (!isObject(v))
      throw badRequest('autoscaling {min_replicas, max_replicas} is required', 'autoscaling');
    const { min_replicas: min, max_replicas: max } = v;
    if (
      !Number.isInteger(min) ||
      !Number.isInteger(max) ||
      (min as number) < 0 ||
      (max as number) < (min as number) ||
      (max as number) < 1
    ) {
      throw badRequest(
        'autoscaling needs integers 0 ≤ min_replicas ≤ max_replicas, max_replicas ≥ 1',
        'autoscaling',
      );
    }
    return { min_replicas: min as number, max_replicas: max as number };
  }

  /** `PENDING` a tenth of the start time, `STARTING` the rest, then `STARTED` or `ERROR`. */
  private start(e: V1EndpointRecord): void {
    const total = this.ctx.durations.endpointStartMs;
    this.schedule(e, 'PENDING', total / 10, () =>
      this.schedule(e, 'STARTING', total - total / 10, () => {
        if (this.ctx.serving.failStart?.({ model: e.model, hardware: e.hardware })) {
          e.state = 'ERROR';
          return;
        }
        e.state = 'STARTED';
        this.bill(e);
      }),
    );
  }

  private bill(e: V1EndpointRecord): void {
    this.ctx.meter.run(e.id, {
      api: 'v1',
      name: e.name,
      hardware: e.hardware,
      replicas: Math.max(1, e.minReplicas),
      centsPerHour: hardwareById(e.hardware)?.centsPerHour ?? 0,
    });
  }

  private schedule(
    e: V1EndpointRecord,
    state: V1EndpointRecord['state'],
    providerMs: number,
    next: () => void,
  ): void {
    this.ctx.clock.cancel(this.timers.get(e.id));
    e.state = state;
    this.timers.set(e.id, this.ctx.clock.after(providerMs, next));
  }
}
