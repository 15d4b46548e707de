import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { approveCommand, rejectCommand } from '../../../src/cli/commands/decide.js';
import { listCommand } from '../../../src/cli/commands/list.js';
import { resolveCommand } from '../../../src/cli/commands/resolve.js';
import { startCommand } from '../../../src/cli/commands/start.js';
import { statusCommand } from '../../../src/cli/commands/status.js';
import { syncCommand } from '../../../src/cli/commands/sync.js';
import {
  describeSandbox,
  renderApprovalPause,
  renderKeep,
  shellQuote,
  type WhereInput,
} from '../../../src/sandbox/instructions.js';

const input: WhereInput = {
  workflowId: 'sandbox-1',
  temporalAddress: '127.0.0.1:7301',
  namespace: 'default',
  taskQueue: 'fine-tune',
  uiUrl: 'http://127.0.0.1:8301',
  openaiUrl: 'http://127.0.0.1:9001/v1',
  openaiKey: 'sk-sandbox-local-emulator',
  wandbBaseUrl: 'http://127.0.0.1:9002',
  wandbEmulatorKey: 'local-sandbox0000',
  webhookReceiver: 'http://127.0.0.1:9003/webhooks/openai',
  temporalCli: '/opt/my tools/temporal',
  cwd: '/src/temporal-finetune',
  sample: {
    training: '/src/temporal-finetune/data/sample/train.jsonl',
    validation: '/src/temporal-finetune/data/sample/valid.jsonl',
    model: 'gpt-4.1-mini-2025-04-14',
  },
};

/** Splits a printed command into words as a POSIX shell would (single quotes only). */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  for (const m of line.matchAll(re))
    out.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!);
  return out;
}

const commands: Record<string, () => Command> = {
  start: startCommand,
  status: statusCommand,
  approve: approveCommand,
  reject: rejectCommand,
  list: listCommand,
  resolve: resolveCommand,
  sync: syncCommand,
};

/** Every flag of a printed `npx finetune …` line is a real flag of that command. */
function expectRealFlags(line: string): void {
  const [npx, bin, sub, ...rest] = words(line);
  expect([npx, bin]).toEqual(['npx', 'finetune']);
  const cmd = commands[sub!]!();
  expect(cmd, sub).toBeDefined();
  const known = new Set(cmd.options.flatMap((o) => [o.long, o.short].filter(Boolean)));
  for (const w of rest.filter((x) => x.startsWith('-'))) expect(known, `${sub} ${w}`).toContain(w);
}

describe('describeSandbox', () => {
  const where = describeSandbox(input);

  it('prints commands that use only real flags, each with the sandbox address', () => {
    const c = where.commands;
    const lines = [c.status, c.approve, c.reject, c.start, c.next.status, c.next.approve];
    for (const line of [...lines, c.list, c.resolve, c.sync]) {
      expectRealFlags(line);
      expect(line).toContain('--address 127.0.0.1:7301');
      // The worker is on the CLI's default queue: no command needs --task-queue.
      expect(line).not.toContain('--task-queue');
    }
    expect(c.approve).toBe(
      'npx finetune approve sandbox-1 --by your-name --address 127.0.0.1:7301',
    );
    expect(c.start).toContain('--training /src/temporal-finetune/data/sample/train.jsonl');
    expect(c.start).toContain(`--workflow-id ${c.next.workflowId}`);
    expect(c.next.approve).toContain(`approve ${c.next.workflowId} `);
  });

  it('gives the env to export, the emulator keys included and labelled as not secret', () => {
    expect(where.env).toEqual({
      TEMPORAL_ADDRESS: '127.0.0.1:7301',
      TEMPORAL_NAMESPACE: 'default',
      OPENAI_BASE_URL: 'http://127.0.0.1:9001/v1',
      OPENAI_API_KEY: 'sk-sandbox-local-emulator',
      WANDB_BASE_URL: 'http://127.0.0.1:9002',
      WANDB_API_KEY: 'local-sandbox0000',
    });
    expect(where.keysNote).toMatch(/not secrets/);
    expect(where.webUi).toBe('http://127.0.0.1:8301/namespaces/default/workflows/sandbox-1');
  });

  it("never carries the user's own W&B key", () => {
    const own = describeSandbox({
      ...input,
      wandbBaseUrl: 'https://api.wandb.ai',
      wandbEmulatorKey: null,
    });
    expect(own.env.WANDB_API_KEY).toBeUndefined();
    expect(own.wandbKey).toBeNull();
    expect(own.keysNote).toMatch(/not printed/);
    expect(renderKeep(own)).not.toMatch(/WANDB_API_KEY=/);
  });

  it('quotes what the shell would split', () => {
    expect(shellQuote('/a/b.jsonl')).toBe('/a/b.jsonl');
    expect(shellQuote("/my data/it's.jsonl")).toBe(`'/my data/it'\\''s.jsonl'`);
    expect(words(`x ${shellQuote("/my data/it's")}`)).toEqual(['x', "/my data/it's"]);
    expect(where.commands.signal.startsWith(`'/opt/my tools/temporal' workflow signal`)).toBe(true);
  });
});

describe('renderApprovalPause', () => {
  it('tells both ways to approve: the CLI command and the Web UI signal', () => {
    const where = describeSandbox(input);
    const text = renderApprovalPause(where, 'here: press a to approve as alice, r to reject');
    expect(text).toContain(where.commands.approve);
    expect(text).toContain(where.webUi!);
    expect(text).toContain('Send a Signal');
    expect(text).toContain('approvePromotion');
    expect(text).toContain('{"by": "your-name", "comment": "optional"}');
    expect(text).toContain('press a to approve as alice');
    expect(text).toContain('Ctrl-C');
  });

  it('offers the Temporal CLI signal when the Web UI is off', () => {
    const where = describeSandbox({ ...input, uiUrl: undefined });
    const text = renderApprovalPause(where);
    expect(text).not.toContain('Send a Signal');
    expect(text).toContain(where.commands.signal);
    expect(words(where.commands.signal)).toContain('{"by": "your-name", "comment": "optional"}');
  });
});

describe('renderKeep', () => {
  it('prints the exports, the endpoints with their keys and the example commands', () => {
    const where = describeSandbox(input);
    const text = renderKeep(where);
    expect(text).toContain('export TEMPORAL_ADDRESS=127.0.0.1:7301');
    expect(text).toContain('export WANDB_BASE_URL=http://127.0.0.1:9002');
    expect(text).toContain('export WANDB_API_KEY=local-sandbox0000');
    expect(text).toContain('export OPENAI_API_KEY=sk-sandbox-local-emulator');
    expect(text).toContain('http://127.0.0.1:8301/namespaces/default/workflows');
    for (const c of [
      where.commands.start,
      where.commands.next.status,
      where.commands.next.approve,
      where.commands.sync,
      where.commands.list,
      where.commands.resolve,
    ])
      expect(text).toContain(c);
  });
});
