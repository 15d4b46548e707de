import { createHash as nodeHash, generateKeyPairSync, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  APPROVAL_NAMESPACE,
  canonicalJson,
  digestOf,
  formatPrivateKey,
  parsePrivateKey,
  parsePublicKeyLine,
  parseSshSignature,
  publicKeyLine,
  signSsh,
  verifySshSignature,
} from '../../../src/approvals/index.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array | string) => {
  const bytes = typeof b === 'string' ? text(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  return concatBytes(len, bytes);
};

/** A key made by node:crypto, its seed taken out of the PKCS#8 DER (the last 32 bytes). */
function nodeKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const seed = new Uint8Array(der.subarray(der.length - 32));
  const raw = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32));
  return { seed, raw, publicKey };
}

describe('SSHSIG, signed here and checked by node:crypto as an independent ed25519', () => {
  it('signs the framed sha512 of the message; node:crypto verifies the same bytes', () => {
    const k = nodeKey();
    const armored = signSsh(k.seed, text('{"a":1}'), APPROVAL_NAMESPACE);
    expect(armored).toMatch(
      /^-----BEGIN SSH SIGNATURE-----\n[A-Za-z0-9+/=\n]+-----END SSH SIGNATURE-----\n$/,
    );
    const sig = parseSshSignature(armored);
    expect(sig.namespace).toBe(APPROVAL_NAMESPACE);
    expect(sig.hashAlgorithm).toBe('sha512');
    expect(Buffer.from(sig.publicKey.raw).equals(Buffer.from(k.raw))).toBe(true);
    // PROTOCOL.sshsig: MAGIC ‖ string namespace ‖ string reserved ‖ string hash ‖ string H(msg)
    const signed = concatBytes(
      text('SSHSIG'),
      str(APPROVAL_NAMESPACE),
      str(''),
      str('sha512'),
      str(sha512(text('{"a":1}'))),
    );
    expect(nodeVerify(null, signed, k.publicKey, sig.signature)).toBe(true);
    expect(verifySshSignature(sig, text('{"a":1}'), APPROVAL_NAMESPACE)).toBe(true);
  });

  it('fails on a changed message, another namespace, or a flipped signature bit', () => {
    const k = nodeKey();
    const sig = parseSshSignature(signSsh(k.seed, text('approve'), APPROVAL_NAMESPACE));
    expect(verifySshSignature(sig, text('approve '), APPROVAL_NAMESPACE)).toBe(false);
    expect(verifySshSignature(sig, text('approve'), 'git')).toBe(false);
    const flipped = {
      ...sig,
      signature: Uint8Array.from(sig.signature, (b, i) => (i === 5 ? b ^ 1 : b)),
    };
    expect(verifySshSignature(flipped, text('approve'), APPROVAL_NAMESPACE)).toBe(false);
  });

  it('refuses what is not an SSH signature, with the reason', () => {
    expect(() => parseSshSignature('hello')).toThrow(/not an SSH signature/);
    expect(() =>
      parseSshSignature('-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----'),
    ).toThrow(/not an SSHSIG|cut short/);
  });
});

describe('OpenSSH keys', () => {
  it('a private key file round-trips; its public key is what node:crypto derives', () => {
    const k = nodeKey();
    const file = formatPrivateKey(k.seed, 'alice@laptop');
    expect(file).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    const parsed = parsePrivateKey(file);
    expect(parsed.comment).toBe('alice@laptop');
    expect(Buffer.from(parsed.seed).equals(Buffer.from(k.seed))).toBe(true);
    expect(Buffer.from(parsed.publicKey.raw).equals(Buffer.from(k.raw))).toBe(true);
  });

  it('a public key line parses to the fingerprint ssh-keygen -l would print', () => {
    const k = nodeKey();
    const line = publicKeyLine(k.raw, 'bob');
    const key = parsePublicKeyLine(line);
    // ssh-keygen: SHA256 of the wire blob, base64 without padding.
    const blob = concatBytes(str('ssh-ed25519'), str(k.raw));
    const expected = `SHA256:${Buffer.from(createHash(blob))
      .toString('base64')
      .replace(/=+$/, '')}`;
    expect(key.fingerprint).toBe(expected);
    expect(() => parsePublicKeyLine('ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ')).toThrow();
  });
});

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys at every depth, drops whitespace, writes numbers the ECMAScript way', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 1e21 }, e: 0.1 })).toBe(
      '{"a":{"c":1e+21,"d":[3,{"y":2,"z":1}]},"b":1,"e":0.1}',
    );
  });
  it('the same value in another key order has the same digest', () => {
    expect(digestOf({ x: 1, y: [1, 2] })).toBe(digestOf({ y: [1, 2], x: 1 }));
    expect(digestOf({ x: 1 })).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(digestOf({ x: 1 })).not.toBe(digestOf({ x: 2 }));
  });
});

function createHash(data: Uint8Array): Buffer {
  return nodeHash('sha256').update(data).digest();
}
