// `finetune kb …` as a person runs it, as a process against the dev server: ingest --detach, then
// status --watch returns when a person must decide (exit 3), approve moves production, status, resolve, query and rollback
// print what the library answers (--json), a rejected second ingest leaves production alone
// (status exits 2), and a rollback with nothing to go back to says so (exit 1).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KbIngestListing } from '../../src/client/kbList.js';
import type { KnowledgeBaseStatus } from '../../src/client/knowledgeBase.js';
import { EXIT } from '../../src/cli/exitCodes.js';
import type { KbQueryAnswer, ResolvedKnowledgeBase } from '../../src/shared/knowledgeBaseTypes.js';
import { runCli } from '../cli/support/runCli.js';
import {
  editDocuments,
  generateCorpus,
  goldenLines,
  type GeneratedCorpus,
} from '../support/kbCorpus.js';
import { eventually, startHarness, type Harness } from './support/harness.js';

describe('finetune kb', () => {
  let h: Harness;
  let work: string;
  let corpus: GeneratedCorpus;
  const kb = 'cli_kb';
  const project = `kbcli-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'kb-cli-'));
    corpus = generateCorpus(join(work, 'docs'), { documents: 12, paragraphs: 2 });
    writeFileSync(join(work, 'golden.jsonl'), goldenLines(corpus, 6));
    h = await startHarness({}, {}, { knowledgeBase: { dir: join(work, 'kbdir') } });
    await h.startWorker();
  });
  afterAll(async () => {
    await h?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const kbCli = (...args: string[]) =>
    runCli(['kb', ...args, '--address', h.temporalAddress, '--task-queue', h.taskQueue], {
      timeoutMs: 150_000,
    });
  const where = ['--kb', kb, '--project', project];
  const ingest = () =>
    kbCli(
      'ingest',
      corpus.dir,
      ...where,
      '--chunk-size',
      '400',
      '--dimensions',
      '64',
      '--golden',
      join(work, 'golden.jsonl'),
      '--detach',
      '--json',
    );
  /** Starts an ingest (--detach), then `kb status --watch`: back when a person must decide. */
  const ingestToDecision = async () => {
    const started = await ingest();
    expect(started.code).toBe(EXIT.ok);
    const { workflowId } = JSON.parse(started.stdout) as { workflowId: string };
    return kbCli('status', workflowId, '--watch', '--json');
  };

  it('ingest --detach, then status --watch stops for a person (exit 3); approve, resolve, query; a rejected second ingest changes nothing; rollback with nothing replaced exits 1', async () => {
    const first = await ingestToDecision();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(EXIT.awaitingDecision);
    const waiting = JSON.parse(first.stdout) as KnowledgeBaseStatus;
    expect(waiting.progress?.stage).toBe('awaiting_approval');
    expect(waiting.progress?.corpus?.documents).toBe(12);

    const approved = await kbCli('approve', waiting.workflowId, '--by', 'alice');
    expect(approved.code).toBe(EXIT.ok);
    expect(approved.stdout).toMatch(/^approved by alice; production none → /);

    const status = await kbCli('status', waiting.workflowId, '--json');
    expect(status.code).toBe(EXIT.ok);
    const done = JSON.parse(status.stdout) as KnowledgeBaseStatus;
    expect(done.result?.stage).toBe('promoted');
    const firstVersion = done.result!.index.versionId;

    const resolved = await kbCli('resolve', ...where, '--json');
    expect(resolved.code).toBe(EXIT.ok);
    expect((JSON.parse(resolved.stdout) as ResolvedKnowledgeBase).versionId).toBe(firstVersion);

    const id = corpus.ids[3]!;
    const query = await kbCli(
      'query',
      `What is ${corpus.topics.get(id)!.join(' and ')}?`,
      ...where,
      '--json',
    );
    expect(query.code).toBe(EXIT.ok);
    const answer = JSON.parse(query.stdout) as KbQueryAnswer;
    expect(answer.versionId).toBe(firstVersion);
    expect(answer.hits.map((hit) => hit.docId)).toContain(id);

    editDocuments(corpus, 0.2);
    const second = await ingestToDecision();
    expect(second.code).toBe(EXIT.awaitingDecision);
    const secondId = (JSON.parse(second.stdout) as KnowledgeBaseStatus).workflowId;
    const rejected = await kbCli('reject', secondId, '--by', 'bob', '--comment', 'not yet');
    expect(rejected.code).toBe(EXIT.ok);
    const after = await kbCli('status', secondId);
    expect(after.code).toBe(EXIT.ended);
    expect(after.stdout).toContain('decision: reject by bob (update): not yet');
    expect(
      (JSON.parse((await kbCli('resolve', ...where, '--json')).stdout) as ResolvedKnowledgeBase)
        .versionId,
    ).toBe(firstVersion);

    // Nothing was replaced yet: a rollback has nowhere to go, and says so (exit 1).
    const nowhere = await kbCli('rollback', ...where, '--by', 'carol', '--reason', 'try', '--json');
    expect(nowhere.code).toBe(EXIT.userError);
    expect(nowhere.stderr).toMatch(/roll/i);
    const none = JSON.parse(
      (await kbCli('resolve', ...where, '--json')).stdout,
    ) as ResolvedKnowledgeBase;
    expect(none.versionId).toBe(firstVersion);
  });

  it("the fine-tune's desk, flag for flag: approvers, a second person, a timeout that decides; kb list shows every ingest, newest first", async () => {
    editDocuments(corpus, 0.2, 5);
    const started = await kbCli(
      'ingest',
      corpus.dir,
      ...where,
      '--chunk-size',
      '400',
      '--dimensions',
      '64',
      '--approver',
      'erin',
      'dave',
      '--require-second-person',
      '--started-by',
      'erin',
      '--approval-timeout',
      '25s',
      '--on-timeout',
      'approve',
      '--detach',
      '--json',
    );
    expect(started.code).toBe(EXIT.ok);
    const { workflowId } = JSON.parse(started.stdout) as { workflowId: string };
    expect((await kbCli('status', workflowId, '--watch', '--json')).code).toBe(
      EXIT.awaitingDecision,
    );
    // The starter may not approve their own ingest; someone not on the list may not either.
    const byStarter = await kbCli('approve', workflowId, '--by', 'erin');
    expect(byStarter.code).toBe(EXIT.userError);
    expect(byStarter.stderr).toMatch(/erin/);
    const byOutsider = await kbCli('approve', workflowId, '--by', 'frank');
    expect(byOutsider.code).toBe(EXIT.userError);
    expect(byOutsider.stderr).toMatch(/frank/);

    // Nobody else decides: the timeout does, as --on-timeout says.
    const done = await eventually(
      'the timeout to decide',
      async () => {
        const s = JSON.parse(
          (await kbCli('status', workflowId, '--json')).stdout,
        ) as KnowledgeBaseStatus;
        return s.result;
      },
      90_000,
    );
    expect(done.stage).toBe('promoted');
    expect(done.approval?.decision).toMatchObject({ decision: 'approve', how: 'timeout' });

    const listed = await eventually('visibility to list the three ingests', async () => {
      const run = await runCli([
        'kb',
        'list',
        '--kb',
        kb,
        '--json',
        '--address',
        h.temporalAddress,
      ]);
      expect(run.code).toBe(EXIT.ok);
      const ingests = JSON.parse(run.stdout) as KbIngestListing[];
      return ingests.length === 3 && ingests[0]?.stage === 'promoted' ? ingests : undefined;
    });
    expect(listed[0]).toMatchObject({ workflowId, kb, status: 'COMPLETED' });
    expect(listed.map((i) => i.stage)).toEqual(['promoted', 'rejected', 'promoted']);
    expect(listed.map((i) => i.startedAt)).toEqual(
      listed
        .map((i) => i.startedAt)
        .sort()
        .reverse(),
    );
  });
});
