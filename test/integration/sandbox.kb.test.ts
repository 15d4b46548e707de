// `finetune sandbox --kb` as a person meets it: its own dev server, emulators and worker; the
// bundled handbook is ingested and waits for a person (here: the pause's decide, what the a/r
// keys call), then the changed copy is ingested against production, waits again, and shows the
// retrieval A/B and the embeddings requested vs reused. (`--json`, unattended, runs in CI.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveKnowledgeBase } from '../../src/client/knowledgeBase.js';
import { renderKbOutcome } from '../../src/cli/sandboxKb.js';
import { runKbSandbox, type KbSandboxResult } from '../../src/sandbox/kb.js';
import { SANDBOX_TASK_QUEUE, type SandboxStack } from '../../src/sandbox/stack.js';

describe('finetune sandbox --kb', () => {
  let result: KbSandboxResult;
  let stack: SandboxStack;
  let stop: (() => Promise<void>) | undefined;
  const pauses: string[] = [];

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
});
