// Run as a child process by faults.test.ts: leaves a job mid-flight, a file processing and a
// webhook retrying, calls close(), and must then exit on its own (no timer keeps it alive).
import OpenAI, { toFile } from 'openai';
import { startOpenAIEmulator } from '../../../../src/emulators/openai/index.js';
import { chatJsonl } from './harness.js';

const emulator = await startOpenAIEmulator({
  durations: {
    validatingMs: 60_000,
    queuedMs: 60_000,
    runningMs: 600_000,
    fileProcessingMs: 60_000,
  },
  webhook: { url: 'http://127.0.0.1:9/unreachable', secret: 'whsec_c2VjcmV0', retryBaseMs: 60_000 },
});
const client = new OpenAI({ apiKey: 'k', baseURL: `${emulator.url}/v1`, maxRetries: 0 });
const file = await client.files.create({
  file: await toFile(Buffer.from(chatJsonl(10)), 't.jsonl'),
  purpose: 'fine-tune',
});
const quick = await startOpenAIEmulator({ durations: { fileProcessingMs: 0 } });
const quickClient = new OpenAI({ apiKey: 'k', baseURL: `${quick.url}/v1`, maxRetries: 0 });
const ready = await quickClient.files.create({
  file: await toFile(Buffer.from(chatJsonl(10)), 't.jsonl'),
  purpose: 'fine-tune',
});
await quickClient.files.waitForProcessing(ready.id, { pollInterval: 5 });
const job = await quickClient.fineTuning.jobs.create({
  model: 'gpt-4.1-mini',
  training_file: ready.id,
});
await quickClient.fineTuning.jobs.cancel(job.id); // a webhook would go out, but none is set here
process.stdout.write(`${file.id} ${job.id}\n`);
await emulator.close();
await quick.close();
process.stdout.write('closed\n');
