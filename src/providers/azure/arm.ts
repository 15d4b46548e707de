import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../shared/errorTypes.js';

/** Where the Azure OpenAI resource lives on the management plane, and how to authenticate. */
export interface ArmSettings {
  /** Default https://management.azure.com; the emulator's URL in tests and the sandbox. */
  baseUrl: string;
  subscriptionId: string;
  resourceGroup: string;
  /** The Azure OpenAI (Cognitive Services) account name. */
  account: string;
  /** Region of the resource, for the models list (runway). */
  location?: string;
  apiVersion: string;
  /** An Entra token for https://management.azure.com/.default (API keys do not work here). */
  token: () => Promise<string>;
  fetch?: typeof globalThis.fetch;
}

export const DEFAULT_ARM_API_VERSION = '2024-10-01';

export interface ArmDeployment {
  name: string;
  sku?: { name: string; capacity?: number };
  properties?: {
    model?: { format?: string; name?: string; version?: string };
    provisioningState?: string;
  };
}

export interface ArmModel {
  kind?: string;
  skuName?: string;
  model?: {
    format?: string;
    name?: string;
    version?: string;
    lifecycleStatus?: string;
    deprecation?: { fineTune?: string; inference?: string };
    capabilities?: Record<string, string>;
  };
}

/** The few management-plane calls the Azure provider makes, errors mapped once, here. */
export class ArmClient {
  constructor(private readonly s: ArmSettings) {}

  private accountPath(): string {
    const { subscriptionId, resourceGroup, account } = this.s;
    return `/subscriptions/${enc(subscriptionId)}/resourceGroups/${enc(resourceGroup)}/providers/Microsoft.CognitiveServices/accounts/${enc(account)}`;
  }

  deploymentPath(name: string): string {
    return `${this.accountPath()}/deployments/${enc(name)}`;
  }

  async putDeployment(name: string, body: unknown, signal?: AbortSignal): Promise<ArmDeployment> {
    return (await this.call(
      'PUT',
      this.deploymentPath(name),
      `Deploying ${name}`,
      body,
      signal,
    )) as ArmDeployment;
  }

  async getDeployment(name: string, signal?: AbortSignal): Promise<ArmDeployment | null> {
    return (await this.call(
      'GET',
      this.deploymentPath(name),
      `Reading deployment ${name}`,
      undefined,
      signal,
      true,
    )) as ArmDeployment | null;
  }

  async deleteDeployment(name: string, signal?: AbortSignal): Promise<void> {
    await this.call(
      'DELETE',
      this.deploymentPath(name),
      `Deleting deployment ${name}`,
      undefined,
      signal,
      true,
    );
  }

  async listDeployments(signal?: AbortSignal): Promise<ArmDeployment[]> {
    const res = (await this.call(
      'GET',
      `${this.accountPath()}/deployments`,
      'Listing deployments',
      undefined,
      signal,
    )) as { value?: ArmDeployment[] };
    return res.value ?? [];
  }

  /** The models the region offers, with their retirement dates (`deprecation.fineTune/inference`). */
  async listModels(signal?: AbortSignal): Promise<ArmModel[] | null> {
    if (!this.s.location) return null;
    const path = `/subscriptions/${enc(this.s.subscriptionId)}/providers/Microsoft.CognitiveServices/locations/${enc(this.s.location)}/models`;
    const res = (await this.call(
      'GET',
      path,
      'Listing Azure OpenAI models',
      undefined,
      signal,
    )) as { value?: ArmModel[] };
    return res.value ?? [];
  }

  private async call(
    method: string,
    path: string,
    action: string,
    body: unknown,
    signal: AbortSignal | undefined,
    nullOn404 = false,
  ): Promise<unknown> {
    const url = `${this.s.baseUrl.replace(/\/$/, '')}${path}?api-version=${encodeURIComponent(this.s.apiVersion)}`;
    let res: Response;
    try {
      res = await (this.s.fetch ?? fetch)(url, {
        method,
        headers: {
          authorization: `Bearer ${await this.s.token()}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw ApplicationFailure.retryable(
        `${action}: cannot reach the Azure management plane (${(err as Error).message})`,
        ErrorType.AzureUnavailable,
      );
    }
    if (res.status === 404 && nullOn404) return null;
    const text = await res.text();
    if (res.ok) return text ? (JSON.parse(text) as unknown) : {};
    const detail = armError(text);
    const request = res.headers.get('x-ms-request-id');
    const tail = `${detail}${request ? ` (request ${request})` : ''}`;
    if (res.status === 401 || res.status === 403) {
      throw ApplicationFailure.nonRetryable(
        `${action}: Azure refused (${res.status}): ${tail}. The worker needs an Entra token for https://management.azure.com/.default with a role that may write deployments (e.g. Cognitive Services Contributor / Azure AI Owner).`,
        ErrorType.AzureManagement,
      );
    }
    if (res.status === 429 || res.status >= 500) {
      const retryAfter = Number(res.headers.get('retry-after'));
      throw ApplicationFailure.create({
        message: `${action}: Azure answered ${res.status}: ${tail}`,
        type: ErrorType.AzureUnavailable,
        nextRetryDelay:
          Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      });
    }
    throw ApplicationFailure.nonRetryable(
      `${action}: Azure rejected the request (${res.status}): ${tail}`,
      ErrorType.AzureManagement,
    );
  }
}

const enc = encodeURIComponent;

function armError(text: string): string {
  try {
    const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    if (e) return `${e.code ?? 'error'}: ${e.message ?? ''}`.trim();
  } catch {
    // not JSON
  }
  return text.slice(0, 300) || 'no details';
}
