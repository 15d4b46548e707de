import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { validateDataset } from '../../../src/activities/dataset.js';
import { artifactGone, emptyBody, streaming } from '../../../src/activities/failures.js';
import { callingWith, openAIApiFailure } from '../../../src/providers/openaiApi/errors.js';
import { resultsFiles } from '../../../src/providers/openaiApi/results.js';
import type { FineTuneProvider } from '../../../src/providers/types.js';
import { azureProvider } from '../../../src/providers/azure/index.js';
import { recordDatasetFile } from '../../../src/activities/wandb/versioning.js';
import { ErrorType, NON_RETRYABLE_ERROR_TYPES } from '../../../src/shared/errorTypes.js';
import { resolveWaitPolicy } from '../../../src/workflows/waitPolicy.js';
import { DEFAULT_WAIT_POLICY } from '../../../src/shared/types.js';
import type { WandbClient } from '../../../src/wandb/index.js';
import { mockActivityEnvironment } from '../../support/sdkLogs.js';

const failure = async (p: Promise<unknown>): Promise<ApplicationFailure> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
};
const retryable = (f: ApplicationFailure) =>
  !f.nonRetryable && !NON_RETRYABLE_ERROR_TYPES.includes(f.type as never);

/** A client whose files.content answers with `body` (what a broken download looks like). */
const contentClient = (body: unknown) =>
  ({ files: { content: () => Promise.resolve({ body }) } }) as unknown as OpenAI;
const calling = callingWith(openAIApiFailure({ label: 'OpenAI', keyHint: 'Set a valid key' }));
const summarizeResults = (client: OpenAI, fileId: string) =>
  resultsFiles(client, calling).summarize(fileId);

describe('failures that used to escape as plain Errors', () => {
  it('a results file with no body is retried, typed', async () => {
    const f = await failure(summarizeResults(contentClient(null), 'file-x'));
    expect(f.type).toBe(ErrorType.ProviderStreamInterrupted);
    expect(retryable(f)).toBe(true);
  });

  it('a results download cut off half-way is retried, typed (not a bare stream error)', async () => {
    const cut = new Readable({
      read() {
        this.push('step,train_loss\n1,0.5\n');
        this.destroy(new Error('socket hang up'));
      },
    });
    const f = await failure(summarizeResults(contentClient(Readable.toWeb(cut)), 'file-x'));
    expect(f.type).toBe(ErrorType.ProviderStreamInterrupted);
    expect(f.message).toMatch(/socket hang up/);
    expect(retryable(f)).toBe(true);
  });

  it('a W&B dataset version that is gone fails at once as WandbNotFound', async () => {
    const wandb = { fetchArtifact: () => Promise.resolve(null) } as unknown as WandbClient;
    const env = mockActivityEnvironment();
    const f = await failure(
      env.run(() =>
        recordDatasetFile(
          { wandb, provider: {} as FineTuneProvider },
          { target: { entity: 'e', project: 'p' }, ref: 'e/p/train:v3', fileId: 'file-1' },
        ),
      ),
    );
    expect(f.type).toBe(ErrorType.WandbNotFound);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toMatch(/e\/p\/train:v3 is gone/);
    expect(artifactGone('x').type).toBe(ErrorType.WandbNotFound);
  });

  it('a dataset the worker cannot read is DatasetUnreadable, not retried', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unreadable-'));
    const env = mockActivityEnvironment();
    const f = await failure(
      env.run(() =>
        validateDataset({
          role: 'training',
          path: dir,
          model: 'gpt-4.1-mini-2025-04-14',
          method: 'supervised',
        }),
      ),
    );
    expect(f.type).toBe(ErrorType.DatasetUnreadable);
    expect(f.nonRetryable).toBe(true);
  });

  it('streaming() keeps typed failures and maps file-system errors', async () => {
    const typed = ApplicationFailure.nonRetryable('x', ErrorType.InvalidDataset);
    await expect(streaming('x', () => Promise.reject(typed))).rejects.toBe(typed);
    const enoent = Object.assign(new Error('no such file'), { code: 'ENOENT' });
    expect((await failure(streaming('Reading', () => Promise.reject(enoent)))).type).toBe(
      ErrorType.DatasetUnreadable,
    );
    expect(emptyBody('file y').message).toMatch(/file y came back with no body/);
    const ok = join(mkdtempSync(join(tmpdir(), 'ok-')), 'a.txt');
    writeFileSync(ok, 'x');
    await expect(streaming('x', () => Promise.resolve(42))).resolves.toBe(42);
  });

  it('an invalid wait policy is a typed, non-retryable failure (not a workflow task retried forever)', () => {
    for (const bad of [
      { minPollMs: -1 },
      { maxPollMs: 10, minPollMs: 100 },
      { minPollMs: Number.NaN },
      { mode: 'sometimes' as never },
    ]) {
      let thrown: unknown;
      try {
        resolveWaitPolicy(DEFAULT_WAIT_POLICY, bad);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ApplicationFailure);
      expect((thrown as ApplicationFailure).type).toBe(ErrorType.InvalidWaitPolicy);
      expect((thrown as ApplicationFailure).nonRetryable).toBe(true);
    }
    expect(resolveWaitPolicy(DEFAULT_WAIT_POLICY, { minPollMs: 500 }).minPollMs).toBe(500);
  });
});

describe('a permanent configuration problem fails at once and says what to set', () => {
  it('an Azure worker without the management plane refuses to deploy, non-retryable, naming the settings', async () => {
    const provider = azureProvider({
      endpoint: 'http://127.0.0.1:9', // never called: the settings are missing before any request
      auth: { apiKey: 'test-key' },
      trainingType: 'GlobalStandard',
    });
    const f = await failure(
      provider.serve({ model: 'gpt-4.1-mini.ft-x', purpose: 'production', name: 'job' }, () => {}),
    );
    expect(f.type).toBe(ErrorType.ProviderNotConfigured);
    expect(f.nonRetryable).toBe(true);
    expect(retryable(f)).toBe(false);
    for (const setting of [
      'AZURE_SUBSCRIPTION_ID',
      'AZURE_RESOURCE_GROUP',
      'AZURE_OPENAI_ACCOUNT',
    ]) {
      expect(f.message).toContain(setting);
    }
    const removal = await failure(
      provider.unserve({
        provider: 'azure',
        model: 'm',
        servedAs: 'd',
        deployment: {
          name: 'd',
          sku: 'GlobalStandard',
          capacity: 1,
          createdAt: '2026-01-01T00:00:00Z',
          expiresAt: null,
          readyAfterMs: 0,
        },
      }),
    );
    expect(removal.type).toBe(ErrorType.ProviderNotConfigured);
  });
});
