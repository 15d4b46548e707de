import { ApplicationFailure } from '@temporalio/common';
import type OpenAI from 'openai';
import { ErrorType } from '../../shared/errorTypes.js';
import type { ServingRecord } from '../../shared/providerTypes.js';
import type { ServeRequest } from '../types.js';
import type { ArmClient } from './arm.js';

export interface DeploymentSettings {
  /** For production: e.g. GlobalStandard, Standard. */
  sku: string;
  capacity: number;
  /** For evaluation: DeveloperTier (no hosting fee, deleted by Azure after 24 hours). */
  evalSku: string;
  evalCapacity: number;
  pollMs: number;
  /** Give up on provisioning (or on the first answer) after this long. */
  timeoutMs: number;
}

export const DEFAULT_DEPLOYMENT_SETTINGS: DeploymentSettings = {
  sku: 'GlobalStandard',
  capacity: 100,
  evalSku: 'DeveloperTier',
  evalCapacity: 50,
  pollMs: 15_000,
  timeoutMs: 30 * 60_000,
};

const DEVELOPER_TIER_LIFE_MS = 24 * 60 * 60_000;
const FAILED = new Set(['Failed', 'Canceled']);

/** Azure deployment names: ≤ 64 characters, letters, digits and hyphens. */
export function deploymentName(name: string): string {
  return name
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });

/**
 * Deploys a model (create-or-update, so a retry finds the same deployment), polls
 * `provisioningState` to `Succeeded`, then proves it answers: `Succeeded` can still answer
 * `DeploymentNotReady` for a while, so only a real chat completion counts as ready.
 */
export async function deploy(
  arm: ArmClient,
  client: OpenAI,
  settings: DeploymentSettings,
  req: ServeRequest,
  heartbeat: () => void,
  signal?: AbortSignal,
): Promise<ServingRecord> {
  const name = deploymentName(req.name);
  const eval_ = req.purpose === 'eval';
  const sku = eval_ ? settings.evalSku : settings.sku;
  const capacity = eval_ ? settings.evalCapacity : settings.capacity;
  const began = Date.now();
  const existing = await arm.getDeployment(name, signal);
  if (!existing || existing.properties?.model?.name !== req.model) {
    await arm.putDeployment(
      name,
      {
        sku: { name: sku, capacity },
        properties: { model: { format: 'OpenAI', name: req.model, version: '1' } },
      },
      signal,
    );
  }
  for (;;) {
    heartbeat();
    const d = await arm.getDeployment(name, signal);
    const state = d?.properties?.provisioningState ?? 'Creating';
    if (state === 'Succeeded') break;
    if (FAILED.has(state)) {
      throw ApplicationFailure.nonRetryable(
        `Azure could not deploy ${req.model} as ${name}: provisioningState ${state}. Check quota for ${sku} in the resource's region.`,
        ErrorType.AzureManagement,
      );
    }
    if (Date.now() - began > settings.timeoutMs) {
      throw ApplicationFailure.retryable(
        `deployment ${name} is still ${state} after ${Math.round(settings.timeoutMs / 60_000)} min`,
        ErrorType.DeploymentNotReady,
      );
    }
    await sleep(settings.pollMs, signal);
  }
  const readyAt = await probe(client, name, settings, began, heartbeat, signal);
  const created = new Date(began).toISOString();
  return {
    provider: 'azure',
    model: req.model,
    servedAs: name,
    deployment: {
      name,
      sku,
      capacity,
      createdAt: created,
      expiresAt: sku.toLowerCase().startsWith('developer')
        ? new Date(began + DEVELOPER_TIER_LIFE_MS).toISOString()
        : null,
      readyAfterMs: readyAt - began,
    },
  };
}

/** A real inference call, retried while Azure says the deployment is not ready yet. */
async function probe(
  client: OpenAI,
  name: string,
  settings: DeploymentSettings,
  began: number,
  heartbeat: () => void,
  signal?: AbortSignal,
): Promise<number> {
  let last = '';
  for (;;) {
    heartbeat();
    try {
      await client.chat.completions.create(
        {
          model: name,
          messages: [{ role: 'user', content: 'Reply with OK.' }],
          max_completion_tokens: 5,
        },
        { signal, maxRetries: 0 },
      );
      return Date.now();
    } catch (err) {
      if (signal?.aborted) throw err;
      const status = (err as { status?: number }).status;
      if (status === 401 || status === 403) throw err;
      last = (err as Error).message;
    }
    if (Date.now() - began > settings.timeoutMs) {
      throw ApplicationFailure.retryable(
        `deployment ${name} is provisioned but does not answer yet (${last}); Azure's advice: wait, or delete and re-create it`,
        ErrorType.DeploymentNotReady,
      );
    }
    await sleep(Math.min(settings.pollMs, 5_000), signal);
  }
}
