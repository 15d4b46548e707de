import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

// Webpack bundling the workflows inside the worker grows its heap by ~130 MB that V8 never gives
// back (an idle worker sat at ~350 MB); in a short-lived child process the worker never holds it.
// The child is plain CommonJS (the SDK's bundler compiles the TypeScript workflows itself), so it
// runs the same from a source checkout and from the build.
const BUNDLER = `
const { bundleWorkflowCode } = require(process.argv[1]);
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
bundleWorkflowCode({ workflowsPath: process.argv[2], logger: quiet }).then(
  ({ code }) => process.stdout.write(code),
  (err) => { process.stderr.write(String(err && err.stack || err)); process.exitCode = 1; },
);
`;

/** The workflow bundle's code, built by the SDK's bundler in a child process. */
export function bundleWorkflowsInChild(workflowsPath: string): Promise<{ code: string }> {
  const sdk = createRequire(import.meta.url).resolve('@temporalio/worker');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', BUNDLER, sdk, workflowsPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve({ code: Buffer.concat(out).toString('utf8') });
      else reject(new Error(`bundling the workflows failed (exit ${code}):\n${err}`));
    });
  });
}
