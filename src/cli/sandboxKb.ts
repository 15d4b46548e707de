import { userInfo } from 'node:os';
import { describeReceivedEvent } from '../events/describe.js';
import { canListenForKeys, listenForDecisionKeys } from '../sandbox/approvalKeys.js';
import {
  KbSandboxInterruptedError,
  runKbSandbox,
  type KbApprovalPause,
  type KbSandboxResult,
  type KbSandboxWhere,
} from '../sandbox/kb.js';
import type { RetrievalArm } from '../shared/kbGateTypes.js';
import { onShutdownSignal } from '../shutdown.js';
import { EXIT } from './exitCodes.js';

// `finetune sandbox --kb`: what the terminal shows around runKbSandbox (src/sandbox/kb.ts).

export interface KbSandboxFlags {
  json: boolean;
  ui: boolean;
  persist: boolean;
  keep: boolean;
}

function renderWhere(w: KbSandboxWhere): string {
  return [
    '',
    `knowledge base "${w.kb}": the bundled handbook (data/sample/kb), then a changed copy`,
    `Temporal ${w.temporalAddress}${w.webUi ? `, Web UI ${w.webUi}` : ''}`,
    `store and embedding cache: ${w.kbDir} (removed when the sandbox stops)`,
    `from another terminal: ${w.commands.list}`,
    `                       ${w.commands.query}`,
    '',
  ].join('\n');
}

function renderPause(p: KbApprovalPause, hint: string | undefined): string {
  return [
    '',
    `The ${p.corpus === 'sample' ? 'first ingest' : 'changed copy'} waits for a person: the gates are above.`,
    ...(hint ? [hint, 'or from another terminal:'] : ['decide from another terminal:']),
    `  ${p.approve}`,
    `  ${p.reject}`,
    '',
  ].join('\n');
}

const score = (a: RetrievalArm) =>
  `recall ${a.recall.toFixed(3)}  MRR ${a.mrr.toFixed(3)}  nDCG ${a.ndcg.toFixed(3)}  (${a.version})`;

export function renderKbOutcome(r: KbSandboxResult): string {
  const lines = [''];
  for (const run of r.runs) {
    const what = run.corpus === 'sample' ? 'sample      ' : 'changed copy';
    const change = run.corpusChange
      ? `; documents ${run.corpusChange.changed} changed, ${run.corpusChange.added} added, ${run.corpusChange.removed} removed`
      : '';
    lines.push(
      `${what}: ${run.stage ?? '?'} — ${run.documents ?? '?'} documents, ${run.chunks ?? '?'} chunks${change}`,
    );
    if (run.error) lines.push(`  error: ${run.error}`);
  }
  const ab = r.runs[1]?.retrieval;
  if (ab) {
    lines.push(`retrieval A/B on the golden set (top ${ab.k}, exact search):`);
    if (ab.production) lines.push(`  production  ${score(ab.production)}`);
    lines.push(`  candidate   ${score(ab.candidate)}`);
  }
  if (r.reuse) {
    lines.push(
      `embeddings for the changed copy: ${r.reuse.requested} requested, ${r.reuse.reused} reused ` +
        `(${r.reuse.keptFromProduction} kept from production, ${r.reuse.fromCache} from the cache) of ${r.reuse.chunks} chunks`,
    );
  }
  lines.push(
    `${r.status === 'succeeded' ? 'done' : 'FAILED'} in ${(r.wallMs / 1000).toFixed(1)} s; production: ${r.production ?? 'none'}`,
  );
  return `${lines.join('\n')}\n`;
}

export async function runKbSandboxCommand(f: KbSandboxFlags): Promise<void> {
  const say = (text: string) => {
    if (!f.json) process.stderr.write(text);
  };
  const stopping = new AbortController();
  const onStopSignal = () => {
    if (stopping.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write('\nstopping the sandbox… (Ctrl-C again to quit at once)\n');
    stopping.abort();
  };
  const offStopSignal = onShutdownSignal(onStopSignal);
  say('starting the sandbox (Temporal dev server, the embeddings and W&B emulators, worker)…\n');
  let lastRendered = '';
  const onAwaitingApproval = (pause: KbApprovalPause): (() => void) | undefined => {
    const keys = canListenForKeys(process.stdin)
      ? listenForDecisionKeys({
          input: process.stdin,
          by: userInfo().username,
          decide: (decision, request) => pause.decide(decision, request),
          onInterrupt: onStopSignal,
          write: (text) => process.stderr.write(text),
        })
      : undefined;
    process.stderr.write(renderPause(pause, keys?.hint));
    return keys ? () => keys.stop() : undefined;
  };
  let stop: (() => Promise<void>) | undefined;
  try {
    const ran = await runKbSandbox({
      ui: f.ui,
      persist: f.persist,
      signal: stopping.signal,
      ...(f.json
        ? { autoApprove: { by: 'sandbox', comment: 'finetune sandbox --kb --json' } }
        : {}),
      onReady: (w) => say(renderWhere(w)),
      onNotice: (text) => process.stderr.write(`note: ${text}\n`),
      ...(f.json
        ? {}
        : {
            onProgress: (rendered: string) => {
              if (rendered === lastRendered) return; // nothing new: no repeated blocks
              lastRendered = rendered;
              process.stderr.write(`${rendered}\n\n`);
            },
            onAwaitingApproval,
            // The ingests' signed events, as a receiver of the operator's would get them.
            onEvent: (e) => say(`event  ${describeReceivedEvent(e)}\n`),
          }),
    });
    stop = ran.stop;
    if (f.json) process.stdout.write(`${JSON.stringify(ran.result)}\n`);
    else say(renderKbOutcome(ran.result));
    if (ran.result.status !== 'succeeded') process.exitCode = EXIT.ended;
    if (f.keep && !stopping.signal.aborted) {
      process.stderr.write(
        `the sandbox keeps running (pid ${process.pid}); Ctrl-C or \`kill -INT ${process.pid}\` stops it.\n`,
      );
      await new Promise<void>((resolve) =>
        stopping.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
    }
  } catch (err) {
    if (!(err instanceof KbSandboxInterruptedError) && !stopping.signal.aborted) throw err;
    process.stderr.write(`${err instanceof Error ? err.message : 'stopped'}\n`);
    process.exitCode = EXIT.interrupted;
  } finally {
    await stop?.();
    offStopSignal();
  }
}
