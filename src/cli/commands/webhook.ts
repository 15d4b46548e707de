import { Command } from 'commander';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { port } from '../numberOption.js';
import { UserError } from '../userError.js';
import { waitForShutdownSignal } from '../../shutdown.js';

interface WebhookFlags extends TemporalFlags {
  host: string;
  port: number;
  path: string;
}

export function webhookCommand(): Command {
  return withTemporalFlags(
    new Command('webhook')
      .description(
        'Receive OpenAI webhooks (secret in OPENAI_WEBHOOK_SECRET) and signal waiting workflows',
      )
      .option('--host <ip>', 'interface to listen on', '0.0.0.0')
      .option('--port <n>', 'port to listen on (0 = any free port)', port, 8787)
      .option('--path <path>', 'URL path OpenAI posts to', '/webhooks/openai'),
  ).action(async (f: WebhookFlags) => {
    const secret = process.env.OPENAI_WEBHOOK_SECRET;
    if (!secret) {
      throw new UserError(
        'OPENAI_WEBHOOK_SECRET is not set. Copy the signing secret (whsec_…) of your webhook endpoint from the OpenAI dashboard.',
      );
    }
    const client = await clientFor(f);
    // Loaded here so that other commands never load fastify.
    const { startWebhookReceiver } = await import('../../webhooks/receiver.js');
    const receiver = await startWebhookReceiver({
      client,
      secret,
      host: f.host,
      port: f.port,
      path: f.path,
    });
    process.stdout.write(`listening for OpenAI webhooks at ${receiver.url}\n`);
    await waitForShutdownSignal();
    await receiver.close();
  });
}
