import * as ed from '@noble/ed25519';
import { base64, bytesEqual, concatBytes, utf8ToBytes } from './bytes.js';
import { publicKeyBlob, publicKeyFromBlob, type SshPublicKey } from './sshKeys.js';
import { WireReader, uint32, wireString } from './wire.js';

// OpenSSH private keys (`-----BEGIN OPENSSH PRIVATE KEY-----`, PROTOCOL.key), unencrypted
// ed25519 only: enough to sign in-process. A passphrase-protected key is signed by
// `ssh-keygen -Y sign` itself (it asks for the passphrase or uses the agent).

const BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const END = '-----END OPENSSH PRIVATE KEY-----';
const AUTH_MAGIC = utf8ToBytes('openssh-key-v1\0');

export interface SshPrivateKey {
  publicKey: SshPublicKey;
  /** The 32-byte ed25519 seed. */
  seed: Uint8Array;
  comment: string;
}

/** The key file is passphrase-protected: sign with ssh-keygen instead. */
export class EncryptedKeyError extends Error {
  override name = 'EncryptedKeyError';
}

export function parsePrivateKey(text: string): SshPrivateKey {
  const t = text.trim();
  if (!t.startsWith(BEGIN) || !t.endsWith(END)) {
    throw new RangeError(`not an OpenSSH private key (expected "${BEGIN}")`);
  }
  const bytes = base64.decode(t.slice(BEGIN.length, t.length - END.length).replace(/\s+/g, ''));
  if (!bytesEqual(bytes.subarray(0, AUTH_MAGIC.length), AUTH_MAGIC)) {
    throw new RangeError('not an openssh-key-v1 private key');
  }
  const r = new WireReader(bytes.subarray(AUTH_MAGIC.length), 'the private key');
  const cipher = r.text();
  r.text(); // kdf name
  r.string(); // kdf options
  if (cipher !== 'none') throw new EncryptedKeyError(`the key is encrypted (${cipher})`);
  if (r.uint32() !== 1) throw new RangeError('a key file with more than one key');
  const publicKey = publicKeyFromBlob(r.string());
  const p = new WireReader(r.string(), 'the private key section');
  if (p.uint32() !== p.uint32())
    throw new RangeError('the private key is corrupt (check ints differ)');
  if (p.text() !== 'ssh-ed25519')
    throw new RangeError('only ssh-ed25519 private keys can sign here');
  const pub = p.string();
  const secret = p.string();
  const comment = p.text();
  if (secret.length !== 64 || !bytesEqual(pub, publicKey.raw)) {
    throw new RangeError('the private key does not match its public key');
  }
  return { publicKey, seed: secret.slice(0, 32), comment };
}

/** An unencrypted OpenSSH private key file for `seed` (the sandbox's generated key). */
export function formatPrivateKey(seed: Uint8Array, comment: string, checkInt = 0x5eed0001): string {
  const pub = ed.getPublicKey(seed);
  const section = concatBytes(
    uint32(checkInt),
    uint32(checkInt),
    wireString('ssh-ed25519'),
    wireString(pub),
    wireString(concatBytes(seed, pub)),
    wireString(comment),
  );
  const pad = (8 - (section.length % 8)) % 8;
  const padded = concatBytes(
    section,
    Uint8Array.from({ length: pad }, (_, i) => i + 1),
  );
  const blob = concatBytes(
    AUTH_MAGIC,
    wireString('none'),
    wireString('none'),
    wireString(''),
    uint32(1),
    wireString(publicKeyBlob(pub)),
    wireString(padded),
  );
  const lines = base64.encode(blob).match(/.{1,70}/g) ?? [];
  return [BEGIN, ...lines, END].join('\n') + '\n';
}
