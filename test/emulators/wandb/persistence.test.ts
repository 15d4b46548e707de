import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWandbEmulator } from '../../../src/emulators/wandb/index.js';
import { WandbClient } from '../../../src/wandb/index.js';

// The W&B emulator with a state folder (the sandbox's `.sandbox/wandb`): stopped and started
// again, it still has the runs, artifact versions, aliases and file bytes our client wrote, and
// carries on from there without reusing an id.

const KEY = 'local-' + 'p'.repeat(40);
const PROJECT = 'persisted';
const quiet = pino({ level: 'silent' });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wandb-state-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function started() {
  const emu = await startWandbEmulator({
    apiKeys: [KEY],
    defaultEntity: 'sandbox',
    stateDir: join(dir, 'wandb'),
  });
  return { emu, client: new WandbClient({ apiKey: KEY, baseUrl: emu.url, logger: quiet }) };
}

const bytes = (text: string) => ({ bytes: Buffer.from(text) });

describe('W&B emulator state between runs', () => {
  it('a restarted emulator has the runs, versions, aliases and bytes of the last one', async () => {
    const first = await started();
    const run = await first.client.upsertRun({ runId: 'ftjob-keep', project: PROJECT });
    const v0 = await first.client.logArtifact({
      project: PROJECT,
      runId: 'ftjob-keep',
      role: 'output',
      name: 'model-metadata',
      type: 'model',
      metadata: { id: 'ftjob-keep' },
      aliases: ['ftjob-keep'],
      files: [{ path: 'model_metadata.json', source: bytes('{"id":"ftjob-keep"}') }],
    });
    await first.client.addAliases({
      entity: 'sandbox',
      project: PROJECT,
      collection: 'model-metadata',
      artifactId: v0.id,
      aliases: ['production'],
    });
    const stream = first.client.fileStream(run);
    await stream.writeHistory([{ step: 1, values: { train_loss: 1.5 }, timestamp: 1_700_000_000 }]);
    await stream.finish({ exitCode: 0, summary: { status: 'succeeded' }, uploaded: [] });
    await first.emu.close();

    const second = await started();
    try {
      const found = await second.client.fetchArtifact(
        `sandbox/${PROJECT}/model-metadata:production`,
      );
      expect(found).toMatchObject({ id: v0.id, digest: v0.digest, metadata: { id: 'ftjob-keep' } });
      expect(found!.aliases).toEqual(
        expect.arrayContaining(['production', 'ftjob-keep', 'latest']),
      );
      // The bytes are there too, downloaded through the new process's signed URLs.
      const target = join(dir, 'download');
      await second.client.downloadArtifact(v0.id, target);
      expect(await readFile(join(target, 'model_metadata.json'), 'utf8')).toBe(
        '{"id":"ftjob-keep"}',
      );
      const read = await second.client.getRun({ project: PROJECT, runId: 'ftjob-keep' });
      expect(read).toMatchObject({ historyLineCount: 1, state: 'finished' });
      expect(
        second.emu.state.run('sandbox', PROJECT, 'ftjob-keep')!.outputs.map((o) => o.id),
      ).toEqual([v0.id]);

      // It carries on: a new version is v1 with an id of its own, and `latest` moves to it.
      await second.client.upsertRun({ runId: 'ftjob-next', project: PROJECT });
      const v1 = await second.client.logArtifact({
        project: PROJECT,
        runId: 'ftjob-next',
        role: 'output',
        name: 'model-metadata',
        type: 'model',
        files: [{ path: 'model_metadata.json', source: bytes('{"id":"ftjob-next"}') }],
      });
      expect(v1.id).not.toBe(v0.id);
      const versions = second.emu.state.artifactVersions('sandbox', PROJECT, 'model-metadata');
      expect(versions.map((v) => v.versionIndex)).toEqual([0, 1]);
      expect(versions[1]!.aliases).toContain('latest');
      // The same content as v0 is still found as v0 (the digest index survived).
      const again = await second.client.logArtifact({
        project: PROJECT,
        runId: 'ftjob-next',
        role: 'output',
        name: 'model-metadata',
        type: 'model',
        metadata: { id: 'ftjob-keep' },
        aliases: ['ftjob-keep'],
        files: [{ path: 'model_metadata.json', source: bytes('{"id":"ftjob-keep"}') }],
      });
      expect(again).toMatchObject({ deduplicated: true, id: v0.id });
    } finally {
      await second.emu.close();
    }
  });

  it('a snapshot it cannot read stops it with what to do, not an empty start', async () => {
    const bad = join(dir, 'bad');
    await startWandbEmulator({ apiKeys: [KEY], stateDir: bad }).then((e) => e.close());
    await writeFile(join(bad, 'state.v8'), 'not a snapshot');
    await expect(startWandbEmulator({ apiKeys: [KEY], stateDir: bad })).rejects.toThrow(
      /state\.v8 is not a readable wandb-emulator snapshot .*remove the folder/,
    );
  });
});
