import { ApplicationFailure } from '@temporalio/common';
import { NotFoundError } from 'together-ai';
import type { Endpoint, EndpointDeployment } from 'together-ai/resources/beta/endpoints/endpoints';
import type { Config } from 'together-ai/resources/beta/models/configs';
import { ErrorType } from '../../shared/errorTypes.js';
import type { ServingRecord, ServingState } from '../../shared/providerTypes.js';
import type { ServeRequest } from '../types.js';
import type { TogetherClients } from './client.js';
import type { TogetherCalling } from './errors.js';
import type { TogetherJob } from './snapshot.js';
import { abortableSleep as sleep } from '../shared/abortableSleep.js';

/** Where promoted (and evaluated) models run, unless the request says otherwise. */
export interface EndpointSettings {
  /** Hardware id (e.g. 1x_nvidia_h100_80gb_sxm); default the cheapest certified for the base. */
  hardware?: string;
  minReplicas: number;
  maxReplicas: number;
  /** For the eval gate's short-lived endpoint; default the cheapest. */
  evalHardware?: string;
  /** How often states are polled while starting. */
  pollMs: number;
  /** Give up on a start (or the first answer) after this long. */
  timeoutMs: number;
}

export const DEFAULT_ENDPOINT_SETTINGS: EndpointSettings = {
  minReplicas: 1,
  maxReplicas: 1,
  pollMs: 10_000,
  timeoutMs: 40 * 60_000,
};

/** Every endpoint this worker makes is named `tf-…`; eval ones `tf-eval-…` (the sweep's mark). */
const OURS = 'tf-';
export const EVAL_PREFIX = 'tf-eval-';
const DEPLOYMENT = 'main';

/**
 * Our name for an endpoint: `tf-<name>` (`tf-eval-<name>` for an evaluation), as a DNS label:
 * lower-case letters, digits and hyphens, at most 63. A name that is already ours stays as it is
 * (a rollback serves a recorded name again).
 */
export function endpointName(name: string, purpose: ServeRequest['purpose']): string {
  let n = name.toLowerCase();
  if (purpose === 'eval' && !n.startsWith(EVAL_PREFIX) && !n.startsWith('eval-')) n = `eval-${n}`;
  if (!n.startsWith(OURS)) n = `${OURS}${n}`;
  return n
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, 63)
    .replace(/-+$/, '');
}

const READY = new Set(['DEPLOYMENT_STATE_READY']);
const FAILED = 'DEPLOYMENT_STATE_FAILED';

const STATE: Record<string, ServingState['state']> = {
  DEPLOYMENT_STATE_READY: 'running',
  DEPLOYMENT_STATE_SCALING: 'running',
  DEPLOYMENT_STATE_DEGRADED: 'running',
  DEPLOYMENT_STATE_PROVISIONING: 'starting',
  DEPLOYMENT_STATE_STOPPING: 'stopping',
  DEPLOYMENT_STATE_STOPPED: 'stopped',
  DEPLOYMENT_STATE_FAILED: 'failed',
};

/**
 * The SDK leaves a listener on the signal it is given: a loop of calls hands each one a signal of
 * its own, linked to the activity's, and unlinks it afterwards.
 */
async function withLinkedSignal<T>(
  signal: AbortSignal | undefined,
  fn: (local: AbortSignal) => Promise<T>,
): Promise<T> {
  const local = new AbortController();
  const forward = () => local.abort(signal?.reason);
  signal?.addEventListener('abort', forward, { once: true });
  try {
    return await fn(local.signal);
  } finally {
    signal?.removeEventListener('abort', forward);
  }
}

/**
 * Serving on Together: a fine-tune answers only on a dedicated endpoint (v2: endpoint →
 * deployment of the job's `ml_…` model on a certified config → traffic split), billed per minute
 * per running replica. Made idempotently by name (a retry, or a rollback, finds what is there and
 * starts it again if stopped), proved by a real chat completion, and recorded with its hardware
 * and cost per hour. `unserve` stops it (autoscaling 0/0: nothing billed); an eval endpoint is
 * removed altogether. v1 endpoint creation is retired (403): v2 only.
 */
export function togetherServing(
  c: TogetherClients,
  calling: TogetherCalling,
  settings: EndpointSettings,
) {
  const v2 = c.v2.beta.endpoints;

  const priceCentsPerHour = async (hardware: string, signal?: AbortSignal) =>
    calling('Reading hardware prices', async () => {
      const { data } = await v2.hardware.list({ signal });
      return data.find((h) => h.id === hardware)?.priceCentsPerHour ?? null;
    });

  /** The completed job behind a model name, for its registry id (v2 deploys `ml_…` ids). */
  const modelObject = async (model: string, signal?: AbortSignal) =>
    calling(`Finding the job that made ${model}`, async () => {
      const { data } = await c.v1.fineTuning.list({ signal });
      const listed = (data as TogetherJob[]).find(
        (j) => j.model_output_name === model && j.status === 'completed',
      );
      if (!listed) {
        throw ApplicationFailure.nonRetryable(
          `No completed Together job made ${model}: only a fine-tune of this project can be served on a dedicated endpoint.`,
          ErrorType.ProviderNotFound,
        );
      }
      const job = (await c.v1.fineTuning.retrieve(listed.id, { signal })) as TogetherJob & {
        model_object_id?: string;
        model?: string;
      };
      if (!job.model_object_id)
        throw ApplicationFailure.retryable(
          `job ${job.id} is completed but names no model object yet`,
          ErrorType.DeploymentNotReady,
        );
      return { id: job.model_object_id, base: job.model ?? '' };
    });

  /** A certified config on the wanted hardware, or the cheapest one. */
  const configFor = async (
    projectId: string,
    modelRef: string,
    hardware: string | undefined,
    signal?: AbortSignal,
  ) =>
    calling(`Choosing hardware for ${modelRef}`, async () => {
      const configs: Config[] = [];
      for await (const cfg of c.v2.beta.models.configs.list(
        { referenceModel: modelRef },
        { signal },
      ))
        configs.push(cfg);
      const hw = (cfg: Config) =>
        cfg.selectors.find((s) => /hardware|instance/i.test(s.key))?.value ??
        cfg.selectors[0]?.value ??
        '';
      const { data: types } = await v2.hardware.list({ signal });
      const price = (id: string) => types.find((t) => t.id === id)?.priceCentsPerHour ?? Infinity;
      const chosen = hardware
        ? configs.find((cfg) => hw(cfg) === hardware)
        : [...configs].sort((a, b) => price(hw(a)) - price(hw(b)))[0];
      if (!chosen) {
        throw ApplicationFailure.nonRetryable(
          hardware
            ? `Together certifies no config of ${hardware} for this model; choose one of: ${configs.map(hw).join(', ') || 'none'} (TOGETHER_ENDPOINT_HARDWARE, or start --endpoint-hardware)`
            : 'Together certifies no hardware that can serve this model: it cannot run on a dedicated endpoint',
          ErrorType.ServingFailed,
        );
      }
      return { ref: `projects/${projectId}/configs/${chosen.id}`, hardware: hw(chosen) };
    });

  const endpointByName = async (name: string, signal?: AbortSignal) =>
    calling(`Looking up endpoint ${name}`, async () => {
      for await (const e of v2.list({ filter: `name="${name}"` }, { signal })) {
        if (e.name === name || e.name.endsWith(`/${name}`)) return e;
      }
      return undefined;
    });

  const deploymentOf = async (endpointId: string, signal?: AbortSignal) =>
    calling(`Reading the deployments of ${endpointId}`, async () => {
      // Names come back qualified (`<project_slug>/<endpoint>/<deployment>`).
      for await (const d of v2.deployments.list(endpointId, {}, { signal }))
        if (d.name === DEPLOYMENT || d.name.endsWith(`/${DEPLOYMENT}`)) return d;
      return undefined;
    });

  const waitUntilReady = async (
    endpointId: string,
    deploymentId: string,
    began: number,
    heartbeat: () => void,
    signal?: AbortSignal,
  ): Promise<EndpointDeployment> => {
    for (;;) {
      heartbeat();
      const d = await calling(`Reading deployment ${deploymentId}`, () =>
        withLinkedSignal(signal, (local) =>
          v2.deployments.retrieve(deploymentId, { endpointId }, { signal: local }),
        ),
      );
      if (READY.has(d.status.state)) return d;
      if (d.status.state === FAILED) {
        // Nothing is billed for a failed start; stop it all the same, so it cannot come back.
        await calling(`Stopping the failed deployment ${deploymentId}`, () =>
          v2.deployments.update(
            deploymentId,
            { endpointId, autoscaling: { minReplicas: 0, maxReplicas: 0 } },
            { signal },
          ),
        ).catch(() => undefined);
        throw ApplicationFailure.nonRetryable(
          `The dedicated endpoint did not start on Together: ${d.status.message || 'deployment failed'}. Nothing was promoted; production is unchanged. Try other hardware (TOGETHER_ENDPOINT_HARDWARE, or start --endpoint-hardware) or start again later.`,
          ErrorType.ServingFailed,
        );
      }
      if (Date.now() - began > settings.timeoutMs) {
        throw ApplicationFailure.retryable(
          `deployment ${deploymentId} is still ${d.status.state} after ${Math.round(settings.timeoutMs / 60_000)} min`,
          ErrorType.DeploymentNotReady,
        );
      }
      await sleep(settings.pollMs, signal);
    }
  };

  /** A real chat completion, retried while the endpoint says it is not running yet. */
  const probe = async (
    model: string,
    began: number,
    heartbeat: () => void,
    signal?: AbortSignal,
  ) => {
    let last = '';
    for (;;) {
      heartbeat();
      try {
        await withLinkedSignal(signal, (local) =>
          c.inference.chat.completions.create(
            { model, messages: [{ role: 'user', content: 'Reply with OK.' }], max_tokens: 5 },
            { signal: local, maxRetries: 0 },
          ),
        );
        return Date.now();
      } catch (err) {
        if (signal?.aborted) throw err;
        const status = (err as { status?: number }).status;
        if (status === 401 || status === 402 || status === 403) throw err;
        last = (err as Error).message;
      }
      if (Date.now() - began > settings.timeoutMs) {
        throw ApplicationFailure.retryable(
          `endpoint ${model} is ready but does not answer yet (${last})`,
          ErrorType.DeploymentNotReady,
        );
      }
      await sleep(Math.min(settings.pollMs, 5_000), signal);
    }
  };

  const routeAll = async (e: Endpoint, deploymentId: string, signal?: AbortSignal) => {
    if (e.trafficSplit.length === 1 && e.trafficSplit[0]!.deploymentId === deploymentId) return;
    await calling(`Routing ${e.name} to its deployment`, async () => {
      const current = await v2.retrieve(e.id, {}, { signal });
      await v2.update(
        e.id,
        { etag: current.etag, trafficSplit: [{ deploymentId, weight: 1 }] },
        { signal },
      );
    });
  };

  /** Stops it (nothing billed); an eval endpoint is taken down altogether. */
  const unserve = async (record: ServingRecord, signal?: AbortSignal): Promise<void> => {
    const d = record.deployment;
    if (!d) return;
    const endpoint = d.endpointId
      ? await calling(`Reading endpoint ${d.name}`, async () => {
          try {
            return await v2.retrieve(d.endpointId!, {}, { signal });
          } catch (err) {
            if (err instanceof NotFoundError) return undefined;
            throw err;
          }
        })
      : await endpointByName(d.name, signal);
    if (!endpoint) return; // already gone
    const deployment = await deploymentOf(endpoint.id, signal);
    if (deployment && (deployment.autoscaling.maxReplicas ?? 0) > 0) {
      await calling(`Stopping ${d.name}`, () =>
        v2.deployments.update(
          deployment.id,
          { endpointId: endpoint.id, autoscaling: { minReplicas: 0, maxReplicas: 0 } },
          { signal },
        ),
      );
    }
    const eval_ = d.purpose === 'eval' || d.name.startsWith(EVAL_PREFIX);
    if (!eval_) return;
    await calling(`Removing ${d.name}`, async () => {
      const current = await v2.retrieve(endpoint.id, {}, { signal });
      if (current.trafficSplit.length)
        await v2.update(endpoint.id, { etag: current.etag, trafficSplit: [] }, { signal });
      if (deployment)
        await v2.deployments.delete(deployment.id, { endpointId: endpoint.id }, { signal });
      await v2.delete(endpoint.id, {}, { signal });
    });
  };

  return {
    unserve,
    async serve(
      req: ServeRequest,
      heartbeat: () => void,
      signal?: AbortSignal,
    ): Promise<ServingRecord> {
      const began = Date.now();
      const eval_ = req.purpose === 'eval';
      const name = endpointName(req.name, req.purpose);
      const min = eval_ ? 1 : (req.replicas?.min ?? settings.minReplicas);
      const max = eval_ ? 1 : Math.max(min, req.replicas?.max ?? settings.maxReplicas);
      const { projectId } = await calling('Reading the project of the key', () =>
        c.identity(signal),
      );
      let endpoint = await endpointByName(name, signal);
      endpoint ??= await calling(`Creating endpoint ${name}`, () =>
        // One POST, not re-sent by the SDK: a retry finds it by name instead.
        v2.create({ name }, { signal, maxRetries: 0 }),
      );
      heartbeat();
      let deployment = await deploymentOf(endpoint.id, signal);
      if (!deployment) {
        const model = await modelObject(req.model, signal);
        const modelRef = `projects/${projectId}/models/${model.id}`;
        const hardware = req.hardware ?? (eval_ ? settings.evalHardware : settings.hardware);
        const config = await configFor(projectId, modelRef, hardware, signal);
        const endpointId = endpoint.id;
        deployment = await calling(`Deploying ${req.model} on ${config.hardware}`, () =>
          v2.deployments.create(
            endpointId,
            {
              name: DEPLOYMENT,
              model: modelRef,
              config: config.ref,
              autoscaling: { minReplicas: min, maxReplicas: max },
            },
            { signal, maxRetries: 0 },
          ),
        );
      } else if (
        deployment.status.state === 'DEPLOYMENT_STATE_STOPPED' ||
        deployment.status.state === 'DEPLOYMENT_STATE_STOPPING' ||
        (deployment.autoscaling.maxReplicas ?? 0) === 0
      ) {
        // Stopped (a pruned version, a rollback target): start it again before anything points at it.
        const endpointId = endpoint.id;
        const depId = deployment.id;
        deployment = await calling(`Starting ${name} again`, () =>
          v2.deployments.update(
            depId,
            { endpointId, autoscaling: { minReplicas: min, maxReplicas: max } },
            { signal },
          ),
        );
      }
      const ready = await waitUntilReady(endpoint.id, deployment.id, began, heartbeat, signal);
      await routeAll(endpoint, ready.id, signal);
      const readyAt = await probe(endpoint.name, began, heartbeat, signal);
      const cents = await priceCentsPerHour(ready.hardware, signal);
      const replicas = ready.autoscaling.minReplicas ?? min;
      return {
        provider: 'together',
        model: req.model,
        servedAs: endpoint.name,
        deployment: {
          name,
          sku: ready.hardware,
          capacity: replicas,
          createdAt: new Date(began).toISOString(),
          expiresAt: null,
          readyAfterMs: readyAt - began,
          kind: 'dedicated-endpoint',
          purpose: req.purpose,
          ...(cents !== null ? { costPerHourUsd: (cents * Math.max(1, replicas)) / 100 } : {}),
          endpointId: endpoint.id,
          deploymentId: ready.id,
        },
      };
    },

    async states(records: ServingRecord[], signal?: AbortSignal): Promise<ServingState[]> {
      const out: ServingState[] = [];
      const { data: types } = await calling('Reading hardware prices', () =>
        v2.hardware.list({ signal }),
      );
      for (const r of records) {
        const d = r.deployment;
        if (!d?.endpointId || !d.deploymentId) continue;
        const now = await calling(`Reading ${d.name}`, async () => {
          try {
            return await v2.deployments.retrieve(
              d.deploymentId!,
              { endpointId: d.endpointId! },
              { signal },
            );
          } catch (err) {
            if (err instanceof NotFoundError) return undefined;
            throw err;
          }
        });
        const state = now ? (STATE[now.status.state] ?? 'running') : 'gone';
        const replicas = now?.autoscaling.minReplicas ?? 0;
        const cents = types.find((t) => t.id === (now?.hardware ?? d.sku))?.priceCentsPerHour;
        const billed = state === 'running' || state === 'starting';
        out.push({
          name: d.name,
          servedAs: r.servedAs,
          model: r.model,
          state,
          costPerHourUsd:
            cents === undefined ? null : billed ? (cents * Math.max(1, replicas)) / 100 : 0,
          hardware: now?.hardware ?? d.sku,
          replicas,
        });
      }
      return out;
    },

    /**
     * Every endpoint of ours (`tf-…`) that runs or starts now, billed: its hardware, replicas and
     * cost per hour (for `status` and `resolve`; stopped ones cost nothing and are left out).
     */
    async running(signal?: AbortSignal): Promise<ServingState[]> {
      const ours: Endpoint[] = [];
      await calling('Listing endpoints', async () => {
        for await (const e of v2.list({}, { signal }))
          if ((e.name.split('/').pop() ?? e.name).startsWith(OURS)) ours.push(e);
      });
      if (ours.length === 0) return [];
      const { data: types } = await calling('Reading hardware prices', () =>
        v2.hardware.list({ signal }),
      );
      const out: ServingState[] = [];
      for (const e of ours) {
        const d = await withLinkedSignal(signal, (local) => deploymentOf(e.id, local));
        const state = d ? (STATE[d.status.state] ?? 'running') : undefined;
        if (!d || (state !== 'running' && state !== 'starting')) continue;
        const replicas = Math.max(1, d.autoscaling.minReplicas ?? 1);
        const cents = types.find((t) => t.id === d.hardware)?.priceCentsPerHour;
        out.push({
          name: e.name.split('/').pop() ?? e.name,
          servedAs: e.name,
          model: d.model,
          state,
          costPerHourUsd: cents === undefined ? null : (cents * replicas) / 100,
          hardware: d.hardware,
          replicas,
        });
      }
      return out;
    },

    /** Eval endpoints of ours older than `olderThanMs` (a crashed gate's): stopped and removed. */
    async sweep(olderThanMs: number, signal?: AbortSignal): Promise<string[]> {
      const stale: Endpoint[] = [];
      await calling('Listing endpoints', async () => {
        for await (const e of v2.list({}, { signal })) {
          const bare = e.name.split('/').pop() ?? e.name;
          if (bare.startsWith(EVAL_PREFIX) && Date.now() - Date.parse(e.createdAt) > olderThanMs)
            stale.push(e);
        }
      });
      const swept: string[] = [];
      for (const e of stale) {
        const bare = e.name.split('/').pop() ?? e.name;
        await unserve(
          {
            provider: 'together',
            model: '',
            servedAs: e.name,
            deployment: {
              name: bare,
              sku: '',
              capacity: 0,
              createdAt: e.createdAt,
              expiresAt: null,
              readyAfterMs: 0,
              purpose: 'eval',
              endpointId: e.id,
            },
          },
          signal,
        );
        swept.push(bare);
      }
      return swept;
    },
  };
}
