import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../../src/worker.js';

/** Bundles the workflows once and writes the code to a temp file workers and replayers share. */
export async function bundleToFile(): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: workflowsPath(),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  const path = join(mkdtempSync(join(tmpdir(), 'tf-bundle-')), 'workflows.js');
  writeFileSync(path, code);
  return path;
}
