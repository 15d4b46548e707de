import * as ed from '@noble/ed25519';
import { base64, concatBytes, sha256, sha512, utf8ToBytes } from './bytes.js';
import { publicKeyBlob, publicKeyFromBlob, type SshPublicKey } from './sshKeys.js';
import { WireReader, uint32, wireString } from './wire.js';

// OpenSSH's signature format (PROTOCOL.sshsig), what `ssh-keygen -Y sign` writes and
// `ssh-keygen -Y verify` checks: over "SSHSIG" ‖ namespace ‖ reserved ‖ hash algorithm ‖
// H(message). Ed25519 in pure TypeScript (@noble/ed25519), so workflow code can verify.

ed.hashes.sha512 = sha512;

/** Every approval is signed in this namespace: a signature made for git or a file is no decision. */
export const APPROVAL_NAMESPACE = 'finetune-approval';

const MAGIC = utf8ToBytes('SSHSIG');
const BEGIN = '-----BEGIN SSH SIGNATURE-----';
const END = '-----END SSH SIGNATURE-----';
const HASHES = { sha512, sha256 } as const;
type HashName = keyof typeof HASHES;

export interface SshSignature {
  publicKey: SshPublicKey;
  namespace: string;
  hashAlgorithm: HashName;
  /** The raw 64-byte ed25519 signature. */
  signature: Uint8Array;
}

/** What is really signed: the message's hash framed with the namespace. */
function signedData(namespace: string, hash: HashName, message: Uint8Array): Uint8Array {
  return concatBytes(
    MAGIC,
    wireString(namespace),
    wireString(''),
    wireString(hash),
    wireString(HASHES[hash](message)),
  );
}

/** The armored text (`-----BEGIN SSH SIGNATURE-----` …) → its fields. */
export function parseSshSignature(armored: string): SshSignature {
  const text = armored.trim();
  if (!text.startsWith(BEGIN) || !text.endsWith(END)) {
    throw new RangeError(`not an SSH signature: expected the text between "${BEGIN}" and "${END}"`);
  }
  const body = text.slice(BEGIN.length, text.length - END.length).replace(/\s+/g, '');
  let bytes: Uint8Array;
  try {
    bytes = base64.decode(body);
  } catch {
    throw new RangeError('the SSH signature is not valid base64');
  }
  const r = new WireReader(bytes, 'the SSH signature');
  const magic = r.raw(6);
  if (!magic.every((b, i) => b === MAGIC[i])) throw new RangeError('not an SSHSIG signature');
  const version = r.uint32();
  if (version !== 1) throw new RangeError(`SSHSIG version ${version} is not supported`);
  const publicKey = publicKeyFromBlob(r.string());
  const namespace = r.text();
  r.string(); // reserved
  const hash = r.text();
  if (hash !== 'sha512' && hash !== 'sha256') {
    throw new RangeError(`SSHSIG hash algorithm ${hash} is not supported`);
  }
  const sig = new WireReader(r.string(), 'the signature blob');
  const sigType = sig.text();
  const raw = sig.string();
  if (sigType !== publicKey.type || raw.length !== 64) {
    throw new RangeError(`a ${sigType} signature from a ${publicKey.type} key`);
  }
  return { publicKey, namespace, hashAlgorithm: hash, signature: raw };
}

/** Whether `sig` is a valid signature of `message` in `namespace` by the key it carries. */
export function verifySshSignature(
  sig: SshSignature,
  message: Uint8Array,
  namespace: string,
): boolean {
  if (sig.namespace !== namespace) return false;
  try {
    return ed.verify(
      sig.signature,
      signedData(namespace, sig.hashAlgorithm, message),
      sig.publicKey.raw,
    );
  } catch {
    return false;
  }
}

/** Signs like `ssh-keygen -Y sign -n <namespace>` (sha512), armored. */
export function signSsh(secretSeed: Uint8Array, message: Uint8Array, namespace: string): string {
  const pub = ed.getPublicKey(secretSeed);
  const signature = ed.sign(signedData(namespace, 'sha512', message), secretSeed);
  const blob = concatBytes(
    MAGIC,
    uint32(1),
    wireString(publicKeyBlob(pub)),
    wireString(namespace),
    wireString(''),
    wireString('sha512'),
    wireString(concatBytes(wireString('ssh-ed25519'), wireString(signature))),
  );
  const lines = base64.encode(blob).match(/.{1,70}/g) ?? [];
  return [BEGIN, ...lines, END].join('\n') + '\n';
}
