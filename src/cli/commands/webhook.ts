import { Command } from 'commander';
import { startWebhookReceiver } from '../../webhooks/receiver.js';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';

interface WebhookFlags extends TemporalFlags {
  host: string;
  port: string;
  path: string;
}

export function webhookCommand(): Command {
  return withTemporalFlags(
    new Command('webhook')
      .description(
        'Receive OpenAI webhooks (secret in OPENAI_WEBHOOK_SECRET) and signal waiting workflows',
      )
      .option('--host <ip>', 'interface to listen on', '0.0.0.0')
      .option('--port <n>', 'port to listen on', '8787')
      .option('--path <path>', 'URL path OpenAI posts to', '/webhooks/openai'),
  ).action(async (f: WebhookFlags) => {
    const secret = process.env.OPENAI_WEBHOOK_SECRET;
    if (!secret) {
      throw new UserError(
        'OPENAI_WEBHOOK_SECRET is not set. Copy the signing secret (whsec_…) of your webhook endpoint from the OpenAI dashboard.',
      );
    }
    const client = await clientFor(f);
    const receiver = await startWebhookReceiver({
      client,
      secret,
      host: f.host,
      port: Number(f.port),
      path: f.path,
    });
    process.stdout.write(`listening for OpenAI webhooks at ${receiver.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => void receiver.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  });
}
