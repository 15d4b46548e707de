import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';

/**
 * Where Temporal is, read the way the Temporal CLI reads it: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_API_KEY, TEMPORAL_TLS_* and the temporal.toml profiles (TEMPORAL_PROFILE). One
 * configuration serves the CLI, the worker and scripts. Default: localhost:7233, namespace default.
 */
export function temporalConnectConfig(overrides: { address?: string; namespace?: string } = {}) {
  const { connectionOptions, namespace } = loadClientConnectConfig();
  return {
    connectionOptions: {
      ...connectionOptions,
      address: overrides.address ?? connectionOptions.address ?? 'localhost:7233',
    },
    namespace: overrides.namespace ?? namespace ?? 'default',
  };
}

export async function connectClient(
  overrides: { address?: string; namespace?: string } = {},
): Promise<Client> {
  const { connectionOptions, namespace } = temporalConnectConfig(overrides);
  const connection = await Connection.connect(connectionOptions);
  return new Client({ connection, namespace });
}

export async function connectWorkerConnection(
  overrides: { address?: string; namespace?: string } = {},
): Promise<{ connection: NativeConnection; namespace: string }> {
  const { connectionOptions, namespace } = temporalConnectConfig(overrides);
  return { connection: await NativeConnection.connect(connectionOptions), namespace };
}
