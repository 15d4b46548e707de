import { base64 } from '@scure/base';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import canonicalize from 'canonicalize';

// Bytes, hashes and the canonical JSON the signatures are over. Pure (no Node built-ins): the
// workflows verify with it, so does `finetune lineage --verify`, so can anyone else.

export { base64, bytesToHex, concatBytes, sha256, sha512, utf8ToBytes };

/**
 * RFC 8785 (JSON Canonicalization Scheme): sorted keys, no whitespace, ECMAScript number
 * forms. The same value always gives the same bytes, whoever serialises it.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new RangeError('nothing to canonicalise (undefined)');
  return text;
}

/** `sha256:<hex>` of a value's canonical JSON: how policies, candidates and gates are named. */
export function digestOf(value: unknown): string {
  return `sha256:${bytesToHex(sha256(utf8ToBytes(canonicalJson(value))))}`;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
