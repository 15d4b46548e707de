import { Command } from 'commander';
import { setDefaultLogLevel } from '../../logging.js';
import { runSandbox, type SandboxWhere } from '../../sandbox/run.js';
import { UserError } from '../userError.js';

interface SandboxFlags {
  json: boolean;
  ui: boolean;
  persist: boolean;
  runningSeconds: string;
  dropWebhooks: boolean;
  keep: boolean;
}

function describeWhere(w: SandboxWhere): string {
  return [
    `pipeline   ${w.workflowId}`,
    `temporal   ${w.temporalAddress}`,
    w.webUi ? `web ui     ${w.webUi}` : 'web ui     (off: --no-ui)',
    `openai     ${w.openaiEmulator} (local emulator)`,
    `w&b        ${w.wandb}`,
    `webhooks   ${w.webhookReceiver}`,
    `status     npx finetune status ${w.workflowId} --address ${w.temporalAddress} --watch`,
    '',
  ].join('\n');
}

export function sandboxCommand(): Command {
  return new Command('sandbox')
    .description(
      'Run a whole pipeline on this machine with no keys: Temporal dev server + Web UI, OpenAI emulator, webhook receiver, worker',
    )
    .option('--json', 'print one JSON result object and exit (unattended)', false)
    .option('--no-ui', 'do not serve the Temporal Web UI')
    .option('--no-persist', 'keep workflow history in memory instead of .sandbox/temporal.db')
    .option('--running-seconds <s>', 'how long the emulated job trains', '8')
    .option('--drop-webhooks', 'deliver no webhooks (the adaptive poll finds the end)', false)
    .option('--keep', 'keep everything running after the pipeline ends, until Ctrl-C', false)
    .action(async (f: SandboxFlags) => {
      const runningSeconds = Number(f.runningSeconds);
      if (!Number.isFinite(runningSeconds) || runningSeconds <= 0 || runningSeconds > 3600) {
        throw new UserError('--running-seconds must be a number of seconds from 1 to 3600.');
      }
      setDefaultLogLevel('warn'); // the sandbox shows its own progress
      const say = (text: string) => {
        if (!f.json) process.stderr.write(text);
      };
      say(
        'starting the sandbox (Temporal dev server, OpenAI emulator, webhook receiver, worker)…\n',
      );
      const tty = process.stderr.isTTY && !f.json;
      let lastLines = 0;
      const { result, stack } = await runSandbox({
        ui: f.ui,
        persist: f.persist,
        runningSeconds,
        dropWebhooks: f.dropWebhooks,
        onReady: (w) => say(describeWhere(w)),
        onProgress: f.json
          ? undefined
          : (rendered) => {
              // Redraw in place on a terminal; plain appended blocks otherwise (logs, CI).
              if (tty && lastLines) process.stderr.write(`\x1b[${lastLines}A\x1b[0J`);
              process.stderr.write(`${rendered}\n`);
              lastLines = rendered.split('\n').length;
            },
      });
      if (f.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else
        say(
          `\n${result.status === 'succeeded' ? 'done' : 'FAILED'} in ${(result.wallMs / 1000).toFixed(1)} s` +
            `${result.fineTunedModel ? ` — model ${result.fineTunedModel}` : ''}${result.error ? ` — ${result.error}` : ''}\n`,
        );
      if (f.keep && !f.json) {
        say('everything keeps running; press Ctrl-C to stop.\n');
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
      }
      await stack.stop();
      if (result.status !== 'succeeded') process.exitCode = 1;
    });
}
