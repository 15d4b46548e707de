import { base64, bytesEqual, concatBytes, sha256 } from './bytes.js';
import { WireReader, wireString } from './wire.js';

// OpenSSH ed25519 keys: the public key line (`ssh-ed25519 AAAA… comment`, as in
// authorized_keys and allowed_signers) and its fingerprint (`ssh-keygen -l`).

export const ED25519 = 'ssh-ed25519';

export interface SshPublicKey {
  type: typeof ED25519;
  /** The 32-byte ed25519 public key. */
  raw: Uint8Array;
  /** The wire blob (string type, string key): what SSHSIG carries and fingerprints hash. */
  blob: Uint8Array;
  /** `SHA256:<base64, no padding>`, as `ssh-keygen -l` prints it. */
  fingerprint: string;
}

export function fingerprintOf(blob: Uint8Array): string {
  return `SHA256:${base64.encode(sha256(blob)).replace(/=+$/, '')}`;
}

export function publicKeyBlob(raw: Uint8Array): Uint8Array {
  return concatBytes(wireString(ED25519), wireString(raw));
}

/** A public key from its wire blob; only ed25519 is accepted (pure verification exists for it). */
export function publicKeyFromBlob(blob: Uint8Array): SshPublicKey {
  const r = new WireReader(blob, 'the public key');
  const type = r.text();
  if (type !== ED25519) {
    throw new RangeError(`a ${type} key: only ${ED25519} keys are accepted for approvals`);
  }
  const raw = r.string();
  if (raw.length !== 32 || !r.done) throw new RangeError('a malformed ssh-ed25519 public key');
  return { type: ED25519, raw, blob, fingerprint: fingerprintOf(blob) };
}

/** `ssh-ed25519 AAAA… [comment]` → the key. */
export function parsePublicKeyLine(line: string): SshPublicKey {
  const parts = line.trim().split(/\s+/);
  if (parts.length < 2)
    throw new RangeError(`not an OpenSSH public key line: "${line.trim().slice(0, 40)}"`);
  const [type, data] = parts as [string, string];
  let blob: Uint8Array;
  try {
    blob = base64.decode(data);
  } catch {
    throw new RangeError(`the ${type} key's base64 is malformed`);
  }
  const key = publicKeyFromBlob(blob);
  if (type !== key.type) throw new RangeError(`the key line says ${type} but holds ${key.type}`);
  return key;
}

export function publicKeyLine(raw: Uint8Array, comment?: string): string {
  return `${ED25519} ${base64.encode(publicKeyBlob(raw))}${comment ? ` ${comment}` : ''}`;
}

export function sameKey(a: SshPublicKey, b: SshPublicKey): boolean {
  return bytesEqual(a.blob, b.blob);
}
