import { Command } from 'commander';
import { port } from '../numberOption.js';
import { UserError } from '../userError.js';
import { waitForShutdownSignal } from '../../shutdown.js';

interface TailFlags {
  host: string;
  port: number;
  path: string;
  json: boolean;
}

export function eventsCommand(): Command {
  const events = new Command('events').description(
    "The worker's signed events (docs/events.md): try them out with a local receiver",
  );
  events
    .command('tail')
    .description(
      'Receive events at a local endpoint, verify their signatures, and print them as they arrive (secret: FINETUNE_EVENTS_SECRET, or a fresh one printed for the worker)',
    )
    .option('--host <ip>', 'interface to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0 = any free port)', port, 8788)
    .option('--path <path>', 'URL path the worker posts to', '/events')
    .option('--json', 'print each verified event as one JSON line', false)
    .action(async (f: TailFlags) => {
      const given = process.env.FINETUNE_EVENTS_SECRET;
      if (given && !/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(given)) {
        throw new UserError('FINETUNE_EVENTS_SECRET must be whsec_ followed by base64.');
      }
      // Loaded here so that other commands never load fastify.
      const { tailEvents } = await import('../../events/tail.js');
      const { describeReceivedEvent } = await import('../../events/describe.js');
      const tail = await tailEvents({
        secret: given,
        host: f.host,
        port: f.port,
        path: f.path,
        onEvent: (e) =>
          process.stdout.write(`${f.json ? JSON.stringify(e) : describeReceivedEvent(e)}\n`),
        onRejected: (why) => process.stderr.write(`rejected a delivery: ${why}\n`),
      });
      process.stderr.write(
        given
          ? `listening for events at ${tail.url} (verifying with FINETUNE_EVENTS_SECRET)\n`
          : `listening for events at ${tail.url}; run the worker with\n` +
              `  FINETUNE_EVENTS_URL=${tail.url} FINETUNE_EVENTS_SECRET=${tail.secret}\n`,
      );
      await waitForShutdownSignal();
      await tail.close();
    });
  return events;
}
