import type { RunningOpenAIEmulator } from '../../../../src/emulators/openai/index.js';
import { eventually } from './harness.js';

/** Plain-fetch helpers for the emulated ARM plane (no SDK: the product calls it by REST too). */

export const ARM_API_VERSION = '2024-10-01';
export const ACCOUNT =
  '/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.CognitiveServices/accounts/acct-1';

export interface ArmAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function arm(
  url: string,
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown; apiVersion?: string | null } = {},
): Promise<ArmAnswer> {
  const version = opts.apiVersion === undefined ? ARM_API_VERSION : opts.apiVersion;
  const query = version === null ? '' : `?api-version=${version}`;
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? 'arm-token' : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${path}${query}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}

export const deploymentBody = (name: string, version: string, sku = 'GlobalStandard') => ({
  sku: { name: sku, capacity: 1 },
  properties: { model: { format: 'OpenAI', name, version } },
});

/** PUTs a deployment and waits until chat completions on it are answered. */
export async function deploy(
  emulator: RunningOpenAIEmulator,
  deployment: string,
  model: { name: string; version: string; sku?: string },
  token = 'arm-token',
): Promise<void> {
  const put = await arm(emulator.url, 'PUT', `${ACCOUNT}/deployments/${deployment}`, {
    token,
    body: deploymentBody(model.name, model.version, model.sku),
  });
  if (put.status !== 201 && put.status !== 200) {
    throw new Error(`deploy ${deployment}: ${put.status} ${JSON.stringify(put.body)}`);
  }
  await eventually(`deployment ${deployment} to be ready`, () =>
    emulator.deployments().find((d) => d.name === deployment)?.ready ? true : undefined,
  );
}
