// What the sandbox prints so a person can drive it from another terminal or the Web UI.
// Pure (strings in, strings out), so each is unit-tested; the commands are the real CLI's flags.
import { decisionCommands, reachFlags, shellQuote } from '../shared/commandHints.js';

export { shellQuote };

/** How to reach the running sandbox: what `onReady` gets and the JSON result's `where`. */
export interface SandboxWhere {
  workflowId: string;
  temporalAddress: string;
  namespace: string;
  /** The worker's task queue: the CLI's default, so no command needs --task-queue. */
  taskQueue: string;
  /** The Web UI page of the sandbox's pipeline (absent with --no-ui). */
  webUi?: string;
  /** The Web UI's workflow list (absent with --no-ui). */
  webUiWorkflows?: string;
  openaiEmulator: string;
  /** The OpenAI emulator's key: it opens nothing but the local emulator. */
  openaiKey: string;
  /** Where the W&B data goes, for people ("… (local emulator)"). */
  wandb: string;
  wandbBaseUrl: string;
  /** The local W&B emulator's key; null when your own W&B (WANDB_API_KEY) is used: never printed. */
  wandbKey: string | null;
  webhookReceiver: string;
  /** What to export in another terminal (e.g. for your own `finetune worker` or a wandb client). */
  env: Record<string, string>;
  /** Says the keys above are the emulators' keys, not secrets. */
  keysNote: string;
  /** Commands that work as printed, run in `commands.cwd` (where `finetune sandbox` ran). */
  commands: SandboxCommands;
}

export interface PipelineCommands {
  workflowId: string;
  status: string;
  approve: string;
  reject: string;
}

export interface SandboxCommands extends PipelineCommands {
  cwd: string;
  /** Starts another pipeline on the sample data; `next` drives that one. */
  start: string;
  next: PipelineCommands;
  /** The Temporal CLI's way to send the approval signal (what the Web UI's "Send a Signal" does). */
  signal: string;
  sync: string;
  list: string;
  resolve: string;
}

export interface WhereInput {
  workflowId: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  uiUrl?: string;
  openaiUrl: string;
  openaiKey: string;
  wandbBaseUrl: string;
  /** Null for the user's own W&B. */
  wandbEmulatorKey: string | null;
  webhookReceiver: string;
  /** A provider other than OpenAI's API: what to export instead of OPENAI_BASE_URL/_API_KEY. */
  providerEnv?: Record<string, string>;
  /** The Temporal CLI binary (for the signal command when the Web UI is off). */
  temporalCli: string;
  /** Where the printed `npx finetune …` commands run: where the sandbox was started. */
  cwd: string;
  sample: { training: string; validation: string; model: string };
}

/** `--address` (and `--namespace` off the default): what every command needs to reach the sandbox. */
function reach(w: Pick<WhereInput, 'temporalAddress' | 'namespace'>): string {
  return reachFlags({ address: w.temporalAddress, namespace: w.namespace }).trim();
}

function pipelineCommands(w: WhereInput, workflowId: string): PipelineCommands {
  const id = shellQuote(workflowId);
  return {
    workflowId,
    status: `npx finetune status ${id} ${reach(w)} --watch`,
    // `approve` finds the pipeline's task queue itself (it has no --task-queue flag).
    ...decisionCommands(workflowId, 'your-name', {
      address: w.temporalAddress,
      namespace: w.namespace,
    }),
  };
}

/** Which keys printed here are the emulators' (not secrets). */
function keysNote(w: WhereInput): string {
  const key = w.providerEnv
    ? (Object.keys(w.providerEnv).find((k) => k.endsWith('_API_KEY')) ?? 'the provider key')
    : 'OPENAI_API_KEY';
  const which = w.providerEnv ? 'provider' : 'OpenAI';
  return w.wandbEmulatorKey
    ? `${key} and WANDB_API_KEY here are the local emulators\u2019 keys, not secrets: they open nothing but these emulators.`
    : `${key} here is the local ${which} emulator\u2019s key, not a secret. W&B is your own (WANDB_API_KEY from your environment, not printed).`;
}

export function describeSandbox(w: WhereInput): SandboxWhere {
  const webUiWorkflows = w.uiUrl
    ? `${w.uiUrl}/namespaces/${encodeURIComponent(w.namespace)}/workflows`
    : undefined;
  const env: Record<string, string> = {
    TEMPORAL_ADDRESS: w.temporalAddress,
    TEMPORAL_NAMESPACE: w.namespace,
    ...(w.providerEnv ?? { OPENAI_BASE_URL: w.openaiUrl, OPENAI_API_KEY: w.openaiKey }),
    WANDB_BASE_URL: w.wandbBaseUrl,
    ...(w.wandbEmulatorKey ? { WANDB_API_KEY: w.wandbEmulatorKey } : {}),
  };
  const nextId = `${w.workflowId}-2`;
  const start = [
    'npx finetune start',
    `--training ${shellQuote(w.sample.training)}`,
    `--validation ${shellQuote(w.sample.validation)}`,
    `--model ${w.sample.model}`,
    `--workflow-id ${shellQuote(nextId)}`,
    reach(w),
  ].join(' ');
  return {
    workflowId: w.workflowId,
    temporalAddress: w.temporalAddress,
    namespace: w.namespace,
    taskQueue: w.taskQueue,
    webUi: webUiWorkflows ? `${webUiWorkflows}/${encodeURIComponent(w.workflowId)}` : undefined,
    webUiWorkflows,
    openaiEmulator: w.openaiUrl,
    openaiKey: w.openaiKey,
    wandb: w.wandbEmulatorKey ? `${w.wandbBaseUrl} (local emulator)` : w.wandbBaseUrl,
    wandbBaseUrl: w.wandbBaseUrl,
    wandbKey: w.wandbEmulatorKey,
    webhookReceiver: w.webhookReceiver,
    env,
    keysNote: keysNote(w),
    commands: {
      cwd: w.cwd,
      ...pipelineCommands(w, w.workflowId),
      start,
      next: pipelineCommands(w, nextId),
      signal: [
        shellQuote(w.temporalCli),
        'workflow signal',
        `--address ${w.temporalAddress} --namespace ${shellQuote(w.namespace)}`,
        `--workflow-id ${shellQuote(w.workflowId)} --name approvePromotion`,
        `--input '{"by": "your-name", "comment": "optional"}'`,
      ].join(' '),
      sync: `npx finetune sync --last 1 ${reach(w)}`,
      list: `npx finetune list ${reach(w)}`,
      resolve: `npx finetune resolve production ${reach(w)}`,
    },
  };
}

/** The short block printed once everything is up. */
export function renderWhere(w: SandboxWhere): string {
  return [
    `pipeline   ${w.workflowId}`,
    `temporal   ${w.temporalAddress} (namespace ${w.namespace}, task queue ${w.taskQueue})`,
    w.webUi ? `web ui     ${w.webUi}` : 'web ui     (off: --no-ui)',
    `openai     ${w.openaiEmulator} (local emulator)`,
    `w&b        ${w.wandb}`,
    `webhooks   ${w.webhookReceiver}`,
    `status     ${w.commands.status}`,
    '',
  ].join('\n');
}

/**
 * Printed once when the pipeline reaches `awaiting_approval`: the ways to decide. `here` is the
 * in-terminal line (a TTY only), e.g. "press a to approve as alice, r to reject".
 */
export function renderApprovalPause(w: SandboxWhere, here?: string): string {
  const lines = [
    '',
    '── awaiting approval ───────────────────────────────────────────────────────',
    'The gates ran (above). The pipeline now waits for a person to approve or reject it:',
    '',
    `  • from another terminal, in ${shellQuote(w.commands.cwd)}:`,
    `      ${w.commands.approve}`,
    `      ${w.commands.reject}`,
  ];
  if (w.webUi) {
    lines.push(
      '  • in the Temporal Web UI: open the pipeline',
      `      ${w.webUi}`,
      '    then "Send a Signal" (the workflow\u2019s actions, top right), signal name',
      '    approvePromotion (or rejectPromotion), input',
      '      {"by": "your-name", "comment": "optional"}',
    );
  } else {
    lines.push(
      '  • the Web UI is off (--no-ui); the same signal from the Temporal CLI:',
      `      ${w.commands.signal}`,
    );
  }
  if (here) lines.push(`  • ${here}`);
  lines.push('Ctrl-C stops everything.', '');
  return lines.join('\n');
}

/** Printed with --keep: everything needed to drive the sandbox from another terminal. */
export function renderKeep(w: SandboxWhere): string {
  const c = w.commands;
  const lines = [
    '',
    'everything keeps running; press Ctrl-C to stop.',
    '',
    'In another terminal:',
    ...Object.entries(w.env).map(([k, v]) => `  export ${k}=${shellQuote(v)}`),
    `  # ${w.keysNote}`,
    '',
    w.webUiWorkflows ? `Web UI      ${w.webUiWorkflows}` : 'Web UI      (off: --no-ui)',
    `OpenAI      ${w.openaiEmulator} (emulator; key ${w.openaiKey})`,
    `W&B         ${w.wandb}${w.wandbKey ? `; key ${w.wandbKey}` : ''}`,
    '',
    `Try (in ${shellQuote(c.cwd)}; --address works without the exports too):`,
    `  ${c.start}`,
    `  ${c.next.status}`,
    `  ${c.next.approve}`,
    `  ${c.list}`,
    `  ${c.resolve}`,
    `  ${c.sync}`,
    '',
  ];
  return lines.join('\n');
}
