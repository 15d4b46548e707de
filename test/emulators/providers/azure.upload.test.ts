import { join } from 'node:path';
import { stat } from 'node:fs/promises';
import { ApplicationFailure } from '@temporalio/common';
import { afterEach, describe, expect, it } from 'vitest';
import { uploadDataset } from '../../../src/activities/training/files.js';
import { Pulse } from '../../../src/activities/pulse.js';
import type { RunningOpenAIEmulator } from '../../../src/emulators/openai/index.js';
import type { FineTuneProvider } from '../../../src/providers/types.js';
import { ErrorType } from '../../../src/shared/errorTypes.js';
import type { UploadedFile } from '../../../src/shared/types.js';
import type { RunwayReport } from '../../../src/shared/providerTypes.js';
import { azureWorld } from './support.js';
import { mockActivityEnvironment } from '../../support/sdkLogs.js';

const TRAIN = join(import.meta.dirname, '..', '..', '..', 'data', 'sample', 'train.jsonl');

let emulator: RunningOpenAIEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function upload(provider: FineTuneProvider, digest: string): Promise<UploadedFile> {
  const env = mockActivityEnvironment();
  // A tiny threshold: the sample file counts as "large", as a 100 MB file would.
  return env.run(() =>
    uploadDataset(
      { provider, multipartThresholdBytes: 100, partSizeBytes: 1024 },
      { path: TRAIN, digest },
      new Pulse(env.context),
    ),
  );
}

describe('large files on Azure (its v1 API describes no Uploads API)', () => {
  it('go up in one Files request, not in parts', async () => {
    const world = await azureWorld();
    emulator = world.emulator;
    const file = await upload(world.provider, 'sha256:1111111111111111');
    expect(file.via).toBe('files');
    expect(world.emulator.stats().uploadsCreated).toBe(0);
  });

  it('beyond the Files limit: refused before sending a byte, saying the limit', async () => {
    const world = await azureWorld();
    emulator = world.emulator;
    const { size } = await stat(TRAIN);
    const caps = world.provider.capabilities;
    const small: FineTuneProvider = {
      ...world.provider,
      capabilities: { ...caps, upload: { ...caps.upload, maxFileBytes: size - 1 } },
    };
    const err = await upload(small, 'sha256:2222222222222222').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe(ErrorType.FileTooLarge);
    expect((err as Error).message).toMatch(/takes files up to/);
    expect(world.emulator.stats().filesCreated).toBe(0);
  });

  it("with uploads set to 'try': a 404 from the Uploads API falls back to one Files request", async () => {
    const world = await azureWorld({}, { uploads: true });
    emulator = world.emulator;
    expect(world.provider.capabilities.upload.parts).toBe('try');
    const file = await upload(world.provider, 'sha256:3333333333333333');
    expect(file.via).toBe('files');
    expect(world.emulator.stats().filesCreated).toBe(1);
  });
});

describe('Azure request rules checked before any upload', () => {
  it('a suffix over 40 characters (or with other characters) is refused with the rule', async () => {
    const { checkTrainingRunway } = await import('../../../src/activities/providerChecks.js');
    const world = await azureWorld();
    emulator = world.emulator;
    const env = mockActivityEnvironment();
    for (const suffix of ['x'.repeat(41), 'has space']) {
      const err = await env
        .run(() =>
          checkTrainingRunway(world.provider, { model: 'gpt-4.1-mini-2025-04-14', suffix }),
        )
        .catch((e: unknown) => e);
      expect((err as ApplicationFailure).type).toBe(ErrorType.InvalidJobRequest);
      expect((err as Error).message).toMatch(/up to 40 characters: letters, digits, "-" and "_"/);
    }
    const ok: RunwayReport = await env.run(() =>
      checkTrainingRunway(world.provider, {
        model: 'gpt-4.1-mini-2025-04-14',
        suffix: 'x'.repeat(40),
      }),
    );
    expect(ok.ok).toBe(true);
    expect(world.emulator.stats().filesCreated).toBe(0);
  });
});
