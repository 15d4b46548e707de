import type { ReceivedEvent } from '../../events/receiver.js';
import { describeReceivedEvent } from '../../events/describe.js';
import { userInfo } from 'node:os';
import { Command, Option } from 'commander';
import { setDefaultLogLevel } from '../../logging.js';
import { canListenForKeys, listenForDecisionKeys } from '../../sandbox/approvalKeys.js';
import { renderApprovalPause, renderKeep, renderWhere } from '../../sandbox/instructions.js';
import {
  runSandbox,
  SandboxInterruptedError,
  type ApprovalPause,
  type SandboxResult,
} from '../../sandbox/run.js';
import type { SandboxStack } from '../../sandbox/stack.js';
import { onShutdownSignal } from '../../shutdown.js';
import { EXIT } from '../exitCodes.js';
import { secondsFrom } from '../numberOption.js';
import { UserError } from '../userError.js';

interface SandboxFlags {
  json: boolean;
  provider: 'openai' | 'azure' | 'together';
  ui: boolean;
  persist: boolean;
  runningSeconds: number;
  dropWebhooks: boolean;
  failTraining: boolean;
  keep: boolean;
  signed: boolean;
  kb: boolean;
}

/**
 * The closing line: how it ended, the model, and what promotion did. A failure's message is in
 * the status block just above (its `error` line): it is not printed a second time.
 */
export function renderOutcome(r: SandboxResult, keep: boolean): string {
  const seconds = (r.wallMs / 1000).toFixed(1);
  if (r.status !== 'succeeded') {
    const lines = [
      `\nFAILED in ${seconds} s: pipeline ${r.workflowId} failed; the "error" line above says why.`,
    ];
    lines.push(
      keep
        ? 'The sandbox keeps running: look into the workflow in the Web UI or with the status command above.'
        : 'To look into it in the Web UI or with `finetune status`, run the sandbox with --keep.',
    );
    return `${lines.join('\n')}\n`;
  }
  const head = `${r.stage ?? 'done'} in ${seconds} s${r.fineTunedModel ? ` — model ${r.fineTunedModel}` : ''}`;
  const lines = [`\n${head}`];
  const d = r.decision;
  if (d) {
    const trust =
      d.verified === true
        ? ', signed, verified'
        : d.verified === false
          ? ', name as typed, not verified: no approval policy (try --signed)'
          : '';
    lines.push(
      `${d.decision === 'approve' ? 'approved' : 'rejected'} by ${d.by} (${d.how}${trust})${d.comment ? ` — ${d.comment}` : ''}`,
    );
  }
  const p = r.promotion;
  if (p?.promoted) {
    lines.push(`"${p.alias}" → ${p.modelVersion} (was ${p.replaced ?? 'none'})`);
    for (const v of p.datasetVersions)
      lines.push(`  ${v.role} → ${v.ref} (was ${v.replaced ?? 'none'})`);
  } else if (p?.note) {
    lines.push(`nothing promoted: ${p.note}`);
  } else if (r.stage === 'rejected') {
    lines.push('nothing promoted');
  }
  const sg = r.signed;
  if (sg) {
    lines.push(`signed with ${sg.keyFile} (${sg.fingerprint}), policy ${sg.policyFile}`);
    if (sg.verified === true)
      lines.push(
        `lineage --verify: OK — the signature, the policy and model → datasets → decision hold`,
      );
    else if (sg.verified === false)
      lines.push(`lineage --verify: FAILED\n${sg.problems.map((p) => `  ${p}`).join('\n')}`);
  }
  return `${lines.join('\n')}\n`;
}

export function sandboxCommand(): Command {
  return new Command('sandbox')
    .description(
      'Run a whole pipeline on this machine with no keys: Temporal dev server + Web UI, OpenAI and W&B emulators, webhook receiver, worker; it waits for your approval before promoting',
    )
    .option(
      '--json',
      'print one JSON result object (unattended: promotion is auto-approved as "sandbox")',
      false,
    )
    .option('--no-ui', 'do not serve the Temporal Web UI')
    .option(
      '--no-persist',
      'keep nothing between runs: workflow history and the emulators in memory, not in .sandbox/',
    )
    .option('--running-seconds <s>', 'how long the emulated job trains', secondsFrom(1, 3600), 8)
    .option('--drop-webhooks', 'deliver no webhooks (the adaptive poll finds the end)', false)
    .option(
      '--fail-training',
      'the emulated job fails part-way through training, to see how a failed pipeline is reported',
      false,
    )
    .addOption(
      new Option(
        '--provider <name>',
        'the (emulated) provider to train on; azure deploys at promotion, together starts a dedicated endpoint (no webhooks, no state kept)',
      )
        .choices(['openai', 'azure', 'together'])
        .default('openai'),
    )
    .option(
      '--signed',
      'signed approvals: generate an ed25519 key in .sandbox/signing/, write an approval policy naming it for the worker, and sign the approval with it',
      false,
    )
    .option(
      '--kb',
      'the knowledge-base pipeline instead: ingest the bundled handbook, wait for approval, then a changed copy (retrieval A/B, embeddings requested vs reused)',
      false,
    )
    .option(
      '--keep',
      'keep everything running after the pipeline ends, until Ctrl-C (with --json too)',
      false,
    )
    .action(async (f: SandboxFlags) => {
      if (f.kb) {
        if (f.provider !== 'openai') {
          throw new UserError(
            '--kb runs the knowledge base on the emulated OpenAI API: leave --provider out',
          );
        }
        setDefaultLogLevel('warn');
        const { runKbSandboxCommand } = await import('../sandboxKb.js');
        return runKbSandboxCommand(f);
      }
      const runningSeconds = f.runningSeconds;
      setDefaultLogLevel('warn'); // the sandbox shows its own progress
      const say = (text: string) => {
        if (!f.json) process.stderr.write(text);
      };

      // Ctrl-C (or SIGTERM) once: stop cleanly; twice: at once.
      const stopping = new AbortController();
      const onStopSignal = () => {
        if (stopping.signal.aborted) process.exit(EXIT.interrupted);
        process.stderr.write('\nstopping the sandbox… (Ctrl-C again to quit at once)\n');
        stopping.abort();
      };
      const offStopSignal = onShutdownSignal(onStopSignal);

      say(
        'starting the sandbox (Temporal dev server, OpenAI and W&B emulators, webhook receiver, worker)…\n',
      );
      // Redraw in place on a terminal until the approval pause; appended blocks after it (so the
      // instructions stay on screen) and in logs / CI.
      let redraw = Boolean(process.stderr.isTTY) && !f.json;
      let lastLines = 0;
      let lastRendered = '';
      const show = (rendered: string) => {
        if (rendered === lastRendered) return; // nothing new: no repeated blocks in logs
        lastRendered = rendered;
        if (redraw && lastLines) process.stderr.write(`\x1b[${lastLines}A\x1b[0J`);
        process.stderr.write(`${rendered}\n`);
        lastLines = rendered.split('\n').length;
      };
      const onAwaitingApproval = (pause: ApprovalPause): (() => void) | undefined => {
        const keys = canListenForKeys(process.stdin)
          ? listenForDecisionKeys({
              input: process.stdin,
              by: userInfo().username,
              decide: (decision, request) => pause.decide(decision, request),
              onInterrupt: onStopSignal,
              write: (text) => process.stderr.write(text),
            })
          : undefined;
        process.stderr.write(renderApprovalPause(pause.where, keys?.hint));
        if (pause.signKey) {
          process.stderr.write(
            `signed approvals: a decision counts only signed (the keys above sign with ${pause.signKey});\n  from another terminal: finetune approve ${pause.where.workflowId} --sign ${pause.signKey}\n`,
          );
        }
        redraw = false; // what follows goes below the instructions, never over them
        return keys ? () => keys.stop() : undefined;
      };

      let stack: SandboxStack | undefined;
      try {
        const ran = await runSandbox({
          provider: f.provider,
          ui: f.ui,
          persist: f.persist,
          runningSeconds,
          dropWebhooks: f.dropWebhooks,
          failTraining: f.failTraining,
          keep: f.keep,
          signed: f.signed,
          signal: stopping.signal,
          ...(f.json ? { autoApprove: { by: 'sandbox', comment: 'finetune sandbox --json' } } : {}),
          onReady: (w) => say(renderWhere(w)),
          // Even with --json (stdout carries the JSON): a stale .sandbox/ explains odd answers.
          onNotice: (text) => process.stderr.write(`note: ${text}\n`),
          // The pipeline's signed events, as a receiver of the operator's would get them.
          ...(f.json
            ? {}
            : { onEvent: (e: ReceivedEvent) => say(`event  ${describeReceivedEvent(e)}\n`) }),
          ...(f.json ? {} : { onProgress: show, onAwaitingApproval }),
        });
        stack = ran.stack;
        const { result } = ran;
        if (f.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else say(renderOutcome(result, f.keep));
        if (result.status !== 'succeeded') process.exitCode = EXIT.ended;
        if (f.keep && !stopping.signal.aborted) {
          if (f.json) {
            process.stderr.write(
              `the sandbox keeps running (pid ${process.pid}); Ctrl-C or \`kill -INT ${process.pid}\` stops it.\n`,
            );
          } else say(renderKeep(result.where));
          await new Promise<void>((resolve) =>
            stopping.signal.addEventListener('abort', () => resolve(), { once: true }),
          );
        }
      } catch (err) {
        // Stopped by Ctrl-C: while starting up, the dev server got the terminal's SIGINT too and
        // its "exited early" is no error worth a stack trace.
        if (!(err instanceof SandboxInterruptedError) && !stopping.signal.aborted) throw err;
        const message =
          err instanceof SandboxInterruptedError ? err.message : 'stopped while starting up';
        const kept =
          f.persist && err instanceof SandboxInterruptedError && err.workflowId
            ? ' (it stays in .sandbox/: the next sandbox lists it)'
            : '';
        process.stderr.write(`${message}${kept}\n`);
        process.exitCode = EXIT.interrupted;
      } finally {
        await stack?.stop();
        offStopSignal();
      }
    });
}
