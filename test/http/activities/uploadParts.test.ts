import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadDataset, type TrainingDeps } from '../../../src/activities/training/files.js';
import type { PartsCheckpoint } from '../../../src/providers/openaiApi/uploadParts.js';
import { openAIProvider } from '../../../src/providers/openai/index.js';
import { withPulse } from '../../../src/activities/pulse.js';
import {
  startOpenAIEmulator,
  type RunningOpenAIEmulator,
} from '../../../src/emulators/openai/index.js';
import type { UploadedFile } from '../../../src/shared/types.js';
import type { MockActivityEnvironment } from '@temporalio/testing';
import { mockActivityEnvironment } from '../../support/sdkLogs.js';

const PART = 1024;

describe('uploading a large dataset through the Uploads API in parts', () => {
  let emu: RunningOpenAIEmulator;
  let deps: TrainingDeps;
  let client: OpenAI;
  let path: string;
  let bytes: Buffer;
  let digest: string;
  beforeAll(async () => {
    emu = await startOpenAIEmulator({ apiKey: 'sk-parts' });
    client = new OpenAI({ apiKey: 'sk-parts', baseURL: `${emu.url}/v1`, maxRetries: 0 });
    // Tiny thresholds so a small file takes the multipart path: about six parts.
    deps = {
      provider: openAIProvider({ client }),
      multipartThresholdBytes: PART,
      partSizeBytes: PART,
    };
    const line = `${JSON.stringify({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello there' },
      ],
    })}\n`;
    bytes = Buffer.from(line.repeat(Math.ceil((5.5 * PART) / line.length)));
    path = join(mkdtempSync(join(tmpdir(), 'tf-parts-')), 'big.jsonl');
    writeFileSync(path, bytes);
    digest = createHash('sha256').update(bytes).digest('hex');
  });
  afterAll(() => emu?.close());

  const upload = (env: MockActivityEnvironment): Promise<UploadedFile> =>
    env.run(() => withPulse<UploadedFile>((pulse) => uploadDataset(deps, { path, digest }, pulse)));

  it('resumes after a crash from the heartbeat checkpoint: same upload, parts not re-sent', async () => {
    const parts = Math.ceil(bytes.length / PART);
    // Attempt 1 dies after its second part (a cancelled activity stands in for a dead worker).
    const first = mockActivityEnvironment();
    let checkpoint: PartsCheckpoint | undefined;
    first.on('heartbeat', (d: PartsCheckpoint | undefined) => {
      if (!d) return;
      checkpoint = d;
      if (d.partIds.length === 2) first.cancel();
    });
    await expect(upload(first)).rejects.toThrow();
    expect(checkpoint?.partIds).toHaveLength(2);
    expect(emu.stats().uploadsCreated).toBe(1);

    // Attempt 2 starts with the last heartbeat's details, as Temporal gives a retry.
    const second = mockActivityEnvironment({ heartbeatDetails: checkpoint });
    const file = await upload(second);
    expect(file.via).toBe('uploads');
    expect(file.reused).toBe(false);
    const stats = emu.stats();
    expect(stats.uploadsCreated).toBe(1);
    expect(stats.requests['POST /v1/uploads/:upload_id/parts']).toBe(parts);
    const content = Buffer.from(await (await client.files.content(file.fileId)).arrayBuffer());
    expect(content.equals(readFileSync(path))).toBe(true);

    // A third attempt (or a later pipeline) finds the finished file by its digest name.
    const again = await upload(mockActivityEnvironment());
    expect(again).toMatchObject({ fileId: file.fileId, reused: true });
    expect(emu.stats().uploadsCreated).toBe(1);
  });
});
