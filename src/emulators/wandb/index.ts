import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyChecker } from './http/auth.js';
import { createEmulatorServer } from './http/server.js';
import { SnapshotFile } from '../snapshotFile.js';
import { stateView } from './stateView.js';
import { Backend, type BackendSnapshot } from './store/backend.js';
import type { RunningWandbEmulator, WandbEmulatorOptions, WandbFaults } from './types.js';

export type * from './types.js';

const SNAPSHOT = 'state.v8';

/**
 * Starts a local W&B backend that speaks the wire protocol of the official client (GraphQL,
 * file stream, signed-URL blob store). State is in memory (and, with `stateDir`, kept there
 * between runs); blobs go to `dataDir`.
 */
export async function startWandbEmulator(
  options: WandbEmulatorOptions = {},
): Promise<RunningWandbEmulator> {
  const { stateDir } = options;
  const ownsDataDir = options.dataDir === undefined && stateDir === undefined;
  const dataDir = stateDir
    ? join(stateDir, 'blobs')
    : (options.dataDir ?? mkdtempSync(join(tmpdir(), 'wandb-emulator-')));
  const backend = new Backend(
    dataDir,
    options.defaultEntity ?? 'sandbox',
    options.heartbeatTimeoutMs ?? 5 * 60_000,
    options.organization,
  );
  let snapshot: SnapshotFile<BackendSnapshot> | undefined;
  if (stateDir) {
    const path = join(stateDir, SNAPSHOT);
    const saved = SnapshotFile.read<BackendSnapshot>(path, 'wandb-emulator');
    if (saved) backend.restore(saved);
    snapshot = new SnapshotFile(path, 'wandb-emulator', () => backend.snapshot());
  }
  let faults: WandbFaults | undefined = options.faults;
  let url = '';
  const server = createEmulatorServer({
    backend,
    checkKey: keyChecker(options.apiKeys),
    faults: () => faults,
    baseUrl: () => url,
    changed: () => snapshot?.changed(),
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    state: stateView(backend),
    setFaults(f) {
      faults = f;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      snapshot?.close();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
