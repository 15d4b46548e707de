import type { TestProject } from 'vitest/node';
import { buildLocalStack } from '../../src/localStack/index.js';
import { setDefaultLogLevel } from '../../src/logging.js';
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
  // This runs in vitest's own process, which the test projects' LOG_LEVEL=warn does not reach.
  setDefaultLogLevel('warn');
  const [stack, bundlePath] = await Promise.all([
    buildLocalStack({ temporal: { start: { startTimeoutMs: 90_000 } } }),
    bundleToFile(),
  ]);
  project.provide('temporalAddress', stack.temporal.address);
  project.provide('workflowBundlePath', bundlePath);
  return () => stack.stop();
}
