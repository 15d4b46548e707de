import { describe, expect, it } from 'vitest';
import { EXIT, EXIT_CODES_HELP, pipelineExitCode } from '../../../src/cli/exitCodes.js';

describe('pipelineExitCode', () => {
  it('0 while it runs, and when it ended with its model trained or promoted', () => {
    expect(pipelineExitCode('RUNNING', 'training')).toBe(EXIT.ok);
    expect(pipelineExitCode('COMPLETED', 'promoted')).toBe(EXIT.ok);
    expect(pipelineExitCode('COMPLETED', 'succeeded')).toBe(EXIT.ok);
    expect(pipelineExitCode('COMPLETED', undefined)).toBe(EXIT.ok); // runs before stages were recorded
  });

  it('3 while a person must decide', () => {
    expect(pipelineExitCode('RUNNING', 'awaiting_approval')).toBe(3);
  });

  it('2 when it ended without a model in production, rejected included', () => {
    for (const execution of ['FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT'])
      expect(pipelineExitCode(execution, 'failed'), execution).toBe(2);
    expect(pipelineExitCode('COMPLETED', 'rejected')).toBe(2);
  });

  it('the help table names every code the commands use', () => {
    for (const code of Object.values(EXIT))
      expect(EXIT_CODES_HELP).toMatch(new RegExp(`^  ${code} `, 'm'));
  });
});
