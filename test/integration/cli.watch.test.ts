import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { shellQuote } from '../../src/shared/commandHints.js';
import { progressQuery } from '../../src/workflows/definitions.js';
import { ROOT, runCli, type CliRun } from '../cli/support/runCli.js';
import { eventually, startHarness, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

// `finetune status --watch` as a person (or a script) runs it: it returns when the pipeline waits
// for a decision, printing commands that decide it as they are (run here exactly as printed, npx
// and all), or when the pipeline ends, with an exit code that says which. And what the Web UI
// reads: the handlers' descriptions and the current details (the workflow metadata query).

const FAST = { minPollMs: 300, maxPollMs: 2000 };
const ME = userInfo().username;

interface WorkflowMetadata {
  definition: {
    type: string;
    signalDefinitions: { name: string; description?: string }[];
    queryDefinitions: { name: string; description?: string }[];
    updateDefinitions: { name: string; description?: string }[];
  };
  currentDetails: string;
}

/** A printed command line, run by a shell from the project root as a person would paste it. */
function runPrinted(line: string): Promise<CliRun> {
  const started = Date.now();
  const env = { ...process.env };
  for (const k of Object.keys(env))
    if (k.startsWith('TEMPORAL_') && k !== 'TEMPORAL_CLI_PATH') delete env[k];
  const child = spawn('sh', ['-c', line], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe('finetune status --watch', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ failTraining: (job) => job.suffix === 'fail-me' });
    await h.startWorker();
  });
  afterAll(() => h?.close());
  const status = (workflowId: string, ...flags: string[]) =>
    runCli(['status', workflowId, '--address', h.temporalAddress, ...flags], {
      timeoutMs: 150_000,
    });
  const governed = (suffix: string) =>
    startFineTunePipeline(
      h.client,
      sampleInput(FAST, { suffix, wandb: { project: 'watch' }, promotion: {} }),
      { taskQueue: h.taskQueue },
    );
  /** The two lines under `next`: approve and reject, as printed. */
  const decideLines = (stdout: string) => {
    const at = stdout.split('\n').findIndex((l) => l.startsWith('next '));
    expect(at).toBeGreaterThan(0);
    return {
      approve: stdout.split('\n')[at]!.replace(/^next\s+/, ''),
      reject: stdout.split('\n')[at + 1]!.trim(),
    };
  };

  it('stops at awaiting_approval (exit 3) with commands that decide it as printed; then 0 once promoted', async () => {
    const p = await governed('watch-ok');
    const watched = await status(p.workflowId, '--watch', '--interval', '0.5');
    expect(watched.code).toBe(3);
    expect(watched.stdout).toContain('stage     awaiting_approval');
    const { approve, reject } = decideLines(watched.stdout);
    expect(approve).toBe(
      `npx finetune approve ${p.workflowId} --by ${shellQuote(ME)} --address ${h.temporalAddress}`,
    );
    expect(reject).toBe(
      `npx finetune reject ${p.workflowId} --by ${shellQuote(ME)} --comment 'why not' --address ${h.temporalAddress}`,
    );

    // What the Web UI shows meanwhile: described handlers, details that lead with the stage.
    const meta = await p.handle.query<WorkflowMetadata>('__temporal_workflow_metadata');
    const signals = Object.fromEntries(
      meta.definition.signalDefinitions.map((s) => [s.name, s.description ?? '']),
    );
    expect(Object.keys(signals).sort()).toEqual(
      ['approvePromotion', 'jobSnapshot', 'rejectPromotion'].sort(),
    );
    expect(signals.approvePromotion).toContain('{"by": "your-name", "comment": "optional"}');
    expect(signals.rejectPromotion).toMatch(/^Reject .*Input: \{"by"/);
    expect(signals.jobSnapshot).toMatch(/^internal: /);
    for (const handler of [
      ...meta.definition.queryDefinitions,
      ...meta.definition.updateDefinitions,
    ])
      expect(handler.description, handler.name).toBeTruthy();
    const [head, gates, decide] = meta.currentDetails.split('\n\n');
    expect(head).toMatch(/^\*\*awaiting approval\*\* — /);
    expect(gates).toMatch(/^\*\*Promotion gates:\*\*/);
    expect(decide).toContain(`\`npx finetune approve ${p.workflowId} --by NAME\``);
    const description = await p.handle.describe();
    expect(await description.staticSummary()).toBe(
      'fine-tune gpt-4.1-mini-2025-04-14 on train.jsonl + valid.jsonl · stage and next step: Current Details',
    );
    expect(await description.staticDetails()).toContain(
      `\`npx finetune status ${p.workflowId} --watch --address ${h.temporalAddress}\``,
    );
    // The job's wait offers only internal signals.
    const progress = await p.handle.query(progressQuery);
    const waitMeta = await h.client.workflow
      .getHandle(progress.waitWorkflowId!)
      .query<WorkflowMetadata>('__temporal_workflow_metadata');
    const waitSignals = waitMeta.definition.signalDefinitions;
    expect(waitSignals.map((s) => s.name).sort()).toEqual(['jobEvent', 'watchProgress']);
    for (const s of waitSignals) expect(s.description, s.name).toMatch(/^internal: /);

    const approved = await runPrinted(approve);
    expect(approved.stderr).toBe('');
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain(`approved by ${ME}`);

    const done = await status(p.workflowId, '--watch', '--interval', '0.5');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('(completed)');
    expect(done.stdout).toMatch(/^promoted {2}"production" → /m);
  });

  it('exit 2 once rejected (by the printed reject command), or when the job failed', async () => {
    const [toReject, failing] = await Promise.all([governed('watch-no'), governed('fail-me')]);
    const waiting = await status(toReject.workflowId, '--watch', '--interval', '0.5', '--json');
    expect(waiting.code).toBe(3);
    const last = JSON.parse(waiting.stdout.trim().split('\n').pop()!) as {
      next: { approve: string; reject: string };
    };
    const rejected = await runPrinted(last.next.reject);
    expect(rejected.code).toBe(0);
    await eventually('the rejection to end the pipeline', async () => {
      const d = await toReject.handle.describe();
      return d.status.name === 'COMPLETED' ? true : undefined;
    });
    const afterReject = await status(toReject.workflowId, '--watch');
    expect(afterReject.code).toBe(2);
    expect(afterReject.stdout).toContain(`decision  rejected by ${ME}`);

    const failed = await status(failing.workflowId, '--watch', '--interval', '0.5');
    expect(failed.code).toBe(2);
    expect(failed.stdout).toContain('(failed)');
    expect(failed.stdout).toMatch(/^error {5}Fine-tuning job ftjob-\S+ failed/m);
  });
});
