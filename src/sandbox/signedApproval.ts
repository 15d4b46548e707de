import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatPrivateKey,
  parsePrivateKey,
  policyDigest,
  publicKeyLine,
} from '../approvals/index.js';
import { parsePolicy } from '../approvals/policySchema.js';

// `finetune sandbox --signed`: a generated ed25519 key and an approval policy naming it, so the
// sandbox's worker requires signed approvals and the sandbox signs its own with that key. The key
// is the sandbox's (it opens nothing): kept in the state folder so a person can sign with it too.

export interface SandboxSigning {
  /** The OpenSSH private key (mode 0600): `finetune approve <id> --sign <keyFile>`. */
  keyFile: string;
  policyFile: string;
  policyDigest: string;
  principal: string;
  fingerprint: string;
}

/** The key (made once, then reused) and a policy naming it as the one approver. */
export function prepareSandboxSigning(stateDir: string, principal: string): SandboxSigning {
  const dir = join(stateDir, 'signing');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFile = join(dir, 'approver_ed25519');
  if (!existsSync(keyFile)) {
    const text = formatPrivateKey(randomBytes(32), `${principal}@finetune-sandbox`);
    writeFileSync(keyFile, text, { mode: 0o600 });
  }
  const key = parsePrivateKey(readFileSync(keyFile, 'utf8'));
  const publicLine = publicKeyLine(key.publicKey.raw, key.comment);
  writeFileSync(`${keyFile}.pub`, `${publicLine}\n`);
  const policyFile = join(dir, 'approval-policy.json');
  const text = JSON.stringify(
    {
      version: 1,
      signers: [{ principal, roles: ['approver'], key: publicLine }],
      promote: { approvals: 1 },
      maxValidity: '1h',
    },
    null,
    2,
  );
  writeFileSync(policyFile, `${text}\n`);
  return {
    keyFile,
    policyFile,
    policyDigest: policyDigest(parsePolicy(text, policyFile)),
    principal,
    fingerprint: key.publicKey.fingerprint,
  };
}
