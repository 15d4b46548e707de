// npm run bench:sync — syncing a results file of 100 000 steps to W&B: rows per second and the
// worker's peak memory. The OpenAI and W&B emulators run in processes of their own (so their
// memory is not counted); the sync runs here through the real activity code and our W&B client.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Command } from 'commander';
import OpenAI, { toFile } from 'openai';
import { createReadStream } from 'node:fs';
import { createWandbActivities } from '../src/activities/wandb/index.js';
import { openAIProvider } from '../src/providers/openai/index.js';
import { WandbClient } from '../src/wandb/index.js';
import { freePort } from '../src/temporal/freePort.js';
import { numberIn } from '../src/cli/numberOption.js';

// The CLI's own option parsers (src/cli/numberOption.ts), so a bad number fails as it does there.
const args = new Command('bench:sync')
  .description("Sync a results file to W&B: rows per second and the worker's peak memory")
  .option('--steps <n>', 'training steps in the results file', numberIn(1, 100_000, true), 100_000)
  .parse()
  .opts<{ steps: number }>();
const STEPS = args.steps;
const ROOT = join(import.meta.dirname, '..');
const OPENAI_KEY = 'sk-bench';
const WANDB_KEY = 'local-bench00000000000000000000000000000000';

function emulator(kind: 'openai' | 'wandb', port: number, extra: string[]): ChildProcess {
  const child = spawn(
    process.execPath,
    ['bin/finetune.js', 'emulate', kind, '--port', String(port), ...extra],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, LOG_LEVEL: 'warn' },
    },
  );
  return child;
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main() {
  const [openaiPort, wandbPort] = [await freePort(), await freePort()];
  const children = [
    emulator('openai', openaiPort, [
      '--api-key',
      OPENAI_KEY,
      '--steps',
      String(STEPS),
      '--validating-seconds',
      '0.2',
      '--queued-seconds',
      '0.2',
      '--running-seconds',
      '1',
    ]),
    emulator('wandb', wandbPort, ['--api-key', WANDB_KEY]),
  ];
  try {
    const openai = new OpenAI({ apiKey: OPENAI_KEY, baseURL: `http://127.0.0.1:${openaiPort}/v1` });
    const wandb = new WandbClient({ apiKey: WANDB_KEY, baseUrl: `http://127.0.0.1:${wandbPort}` });
    await until(
      'the emulators',
      async () => ((await openai.files.list()) && (await wandb.viewer())) || undefined,
    );
    const file = await openai.files.create({
      file: await toFile(
        createReadStream(join(ROOT, 'data', 'sample', 'train.jsonl')),
        'train.jsonl',
      ),
      purpose: 'fine-tune',
    });
    await until('file processed', async () =>
      (await openai.files.retrieve(file.id)).status === 'processed' ? true : undefined,
    );
    const job = await openai.fineTuning.jobs.create({
      model: 'gpt-4.1-mini-2025-04-14',
      training_file: file.id,
    });
    const done = await until('the job', async () => {
      const j = await openai.fineTuning.jobs.retrieve(job.id);
      if (j.status === 'failed' || j.status === 'cancelled')
        throw Object.assign(new Error(`job ${j.status}: ${JSON.stringify(j.error)}`), {
          fatal: true,
        });
      return j.status === 'succeeded' ? j : undefined;
    });

    const activities = createWandbActivities({
      wandb,
      provider: openAIProvider({ client: openai }),
    });
    const env = new MockActivityEnvironment();
    const target = { entity: (await wandb.viewer()).entity, project: 'bench' };
    await env.run(activities.openWandbRun, { target, jobId: job.id });

    global.gc?.();
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 20);
    const started = performance.now();
    const result: { rows: number; lines: number } = await env.run(activities.logResultsHistory, {
      target,
      runId: job.id,
      resultsFileId: done.result_files[0]!,
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);

    const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
    console.log(
      `\nbench:sync — results file of ${STEPS} steps → W&B history (real activity code, our W&B client, emulators in other processes)\n`,
    );
    console.log(`rows synced        ${result.rows} (${result.lines} history lines)`);
    console.log(`time               ${seconds.toFixed(2)} s`);
    console.log(`rows per second    ${Math.round(result.rows / seconds)}`);
    console.log(
      `peak RSS           ${mib(peakRss)} (at start ${mib(before.rss)}, +${mib(peakRss - before.rss)})`,
    );
    console.log(
      `peak heap used     ${mib(peakHeap)} (at start ${mib(before.heapUsed)}, +${mib(peakHeap - before.heapUsed)})`,
    );
  } finally {
    for (const c of children) c.kill('SIGTERM');
  }
}

await main();
