import { describe, expect, it } from 'vitest';
import { runCli } from './support/runCli.js';

// Set-up errors that say what to do are printed as one line, not as a stack trace.
describe('set-up errors on the command line', () => {
  it('a TEMPORAL_CLI_PATH that is not a binary: one readable line and exit 1', async () => {
    const run = await runCli(['temporal-cli'], {
      env: { TEMPORAL_CLI_PATH: '/nonexistent/temporal' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: TEMPORAL_CLI_PATH=/nonexistent/temporal is not an executable file. Point it at a Temporal CLI binary or unset it.\n',
    );
  });

  it('an incomplete worker environment names the variable, without a stack', async () => {
    const run = await runCli(['worker'], {
      env: { FINETUNE_PROVIDER: 'azure', AZURE_OPENAI_ENDPOINT: '', OPENAI_API_KEY: '' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/AZURE_OPENAI_ENDPOINT is not set/);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('FINETUNE_DEBUG=1 keeps the stack for a bug report', async () => {
    const run = await runCli(['temporal-cli'], {
      env: { TEMPORAL_CLI_PATH: '/nonexistent/temporal', FINETUNE_DEBUG: '1' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^\s+at /m);
  });
});
