// `finetune sandbox --kb` as a person meets it: its own dev server, emulators and worker; the
// bundled handbook is ingested and waits for a person (here: the pause's decide, what the a/r
// keys call), then the changed copy is ingested against production, waits again, and shows the
// retrieval A/B and the embeddings requested vs reused. (`--json`, unattended, runs in CI.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveKnowledgeBase } from '../../src/client/knowledgeBase.js';
import { renderKbOutcome } from '../../src/cli/sandboxKb.js';
import type { ReceivedEvent } from '../../src/events/receiver.js';
import { runKbSandbox, type KbSandboxResult } from '../../src/sandbox/kb.js';
import { SANDBOX_TASK_QUEUE, type SandboxStack } from '../../src/sandbox/stack.js';
import { eventually } from './support/harness.js';

describe('finetune sandbox --kb', () => {
  let result: KbSandboxResult;
  let stack: SandboxStack;
  let stop: (() => Promise<void>) | undefined;
  const pauses: string[] = [];
  const events: ReceivedEvent[] = [];

  beforeAll(async () => {
    const ran = await runKbSandbox({
      ui: false,
      persist: false,
      onAwaitingApproval: (pause) => {
        pauses.push(pause.corpus);
        expect(pause.rendered).toContain('awaiting_approval');
        expect(pause.approve).toContain(`kb approve ${pause.workflowId}`);
        void pause.decide('approve', { by: 'tester', comment: `the ${pause.corpus} looks right` });
      },
      onEvent: (e) => events.push(e),
    });
    ({ result, stack, stop } = ran);
  }, 170_000);
  afterAll(() => stop?.());

  it('pauses for a person twice; the changed copy shows the A/B and reuses all but its new texts', async () => {
    expect(result.status).toBe('succeeded');
    expect(pauses).toEqual(['sample', 'changed']);
    const [first, second] = result.runs;
    for (const run of [first!, second!]) {
      expect(run.stage).toBe('promoted');
      expect(run.decision).toMatchObject({ decision: 'approve', by: 'tester', how: 'update' });
    }
    expect(first!.embed).toMatchObject({ keptFromBase: 0, requested: first!.chunks });
    expect(second!.corpusChange).toEqual({ added: 1, removed: 1, changed: 2 });

    // The A/B: production (the sample) against the candidate, on the same golden set.
    const ab = second!.retrieval!;
    expect(ab.production?.version).toBe(first!.versionId);
    expect(ab.candidate.version).toBe(second!.versionId);
    expect(ab.candidate.recall).toBeGreaterThan(ab.production!.recall); // it has cost-reports.md
    expect(second!.gates.find((g) => g.gate === 'retrieval')).toMatchObject({
      policy: 'block',
      verdict: 'pass',
    });

    // Reuse: only the edited and added documents' new texts are sent.
    const reuse = result.reuse!;
    expect(reuse.requested).toBeGreaterThan(0);
    expect(reuse.requested).toBeLessThanOrEqual(8);
    expect(reuse.reused + reuse.requested).toBeGreaterThanOrEqual(reuse.chunks);
    expect(reuse.keptFromProduction).toBeGreaterThan(reuse.chunks / 2);

    expect(result.production).toBe(second!.versionId);
    const resolved = await resolveKnowledgeBase(
      stack.client,
      { kb: result.kb },
      { taskQueue: SANDBOX_TASK_QUEUE },
    );
    expect(resolved?.versionId).toBe(second!.versionId);

    const printed = renderKbOutcome(result);
    expect(printed).toMatch(/retrieval A\/B on the golden set \(top 3, exact search\)/);
    expect(printed).toContain(`embeddings for the changed copy: ${reuse.requested} requested`);
  });

  it("shows each ingest's signed kb events as they arrive", async () => {
    for (const run of result.runs) {
      const of = () => events.filter((e) => e.data.workflowId === run.workflowId);
      const types = await eventually(
        `${run.workflowId}'s kb.promotion.completed`,
        () => (of().some((e) => e.type === 'kb.promotion.completed') ? of() : undefined),
        30_000,
        100,
      );
      expect(types.map((e) => e.type)).toEqual([
        'kb.approval.requested',
        'kb.approval.decided',
        'kb.promotion.completed',
      ]);
      const promoted = types[2]!;
      expect(promoted.type === 'kb.promotion.completed' && promoted.data.index.version).toBe(
        run.versionId,
      );
    }
    expect(events.every((e) => e.delivery === 1)).toBe(true);
  });
});
