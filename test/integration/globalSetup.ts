import type { TestProject } from 'vitest/node';
import { startDevServer } from '../../src/temporal/devServer.js';
import { bundleToFile } from '../support/bundle.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

/**
 * One real Temporal dev server (the Temporal CLI, found or installed by the project) for the whole
 * integration run, and one workflow bundle shared by every test's worker.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [server, bundlePath] = await Promise.all([
    startDevServer({ startTimeoutMs: 90_000 }),
    bundleToFile(),
  ]);
  project.provide('temporalAddress', server.address);
  project.provide('workflowBundlePath', bundlePath);
  return () => server.stop();
}
