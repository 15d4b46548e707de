import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePrivateKey } from '../../src/approvals/index.js';
import { projectRoot } from '../../src/projectRoot.js';
import type { SandboxResult } from '../../src/sandbox/run.js';

// `finetune sandbox --signed`, run as a user runs it: a generated ed25519 key in .sandbox/, a
// policy naming it for the worker, the approval signed with it, and `lineage --verify` passing.

function sandbox(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env };
  for (const k of Object.keys(env))
    if (k.startsWith('TEMPORAL_') || k === 'LOG_LEVEL' || k === 'FINETUNE_APPROVAL_POLICY')
      delete env[k];
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [join(projectRoot(), 'bin', 'finetune.js'), 'sandbox', ...args],
      { cwd: projectRoot(), env, timeout: 150_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && (err.killed || err.signal))
          reject(new Error(`the sandbox did not exit by itself (${err.signal ?? 'killed'})`));
        else resolve({ code: child.exitCode, stdout, stderr });
      },
    );
  });
}

describe('finetune sandbox --signed', () => {
  it('signs the approval with a generated key under a policy naming it; lineage --verify passes', async () => {
    const ran = await sandbox([
      '--signed',
      '--json',
      '--no-ui',
      '--no-persist',
      '--running-seconds',
      '1',
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    const r = JSON.parse(ran.stdout.trim()) as SandboxResult;
    expect(r.stage).toBe('promoted');
    const s = r.signed!;
    expect(s.keyFile).toBe(join(projectRoot(), '.sandbox', 'signing', 'approver_ed25519'));
    expect(statSync(s.keyFile).mode & 0o777).toBe(0o600);
    const key = parsePrivateKey(readFileSync(s.keyFile, 'utf8'));
    expect(s.fingerprint).toBe(key.publicKey.fingerprint);
    const policy = JSON.parse(readFileSync(s.policyFile, 'utf8')) as {
      signers: { principal: string; key: string }[];
    };
    expect(policy.signers).toEqual([
      expect.objectContaining({
        principal: s.approver,
        key: readFileSync(`${s.keyFile}.pub`, 'utf8').trim(),
      }),
    ]);
    // Signed by the key, verified by the pipeline, and again from W&B's metadata alone.
    expect(r.decision).toMatchObject({
      decision: 'approve',
      by: s.approver,
      how: 'update',
      verified: true,
    });
    expect(r.decision!.signed!.map((v) => v.keyFingerprint)).toEqual([key.publicKey.fingerprint]);
    expect(s.verified).toBe(true);
    expect(s.problems).toEqual([]);
    expect(r.promotion).toMatchObject({ promoted: true, alias: 'production' });
  });
});
