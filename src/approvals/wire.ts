import { concatBytes, utf8ToBytes } from './bytes.js';

// The SSH wire encoding (RFC 4251 §5): uint32 lengths before byte strings. Enough of it for
// public keys, SSHSIG signatures and unencrypted OpenSSH private keys.

export class WireReader {
  private at = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {}

  uint32(): number {
    if (this.at + 4 > this.bytes.length) throw new RangeError(`${this.what} is cut short`);
    const b = this.bytes;
    const v =
      ((b[this.at]! << 24) | (b[this.at + 1]! << 16) | (b[this.at + 2]! << 8) | b[this.at + 3]!) >>>
      0;
    this.at += 4;
    return v;
  }

  string(): Uint8Array {
    const n = this.uint32();
    if (this.at + n > this.bytes.length) throw new RangeError(`${this.what} is cut short`);
    const v = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }

  text(): string {
    return new TextDecoder('utf-8', { fatal: true }).decode(this.string());
  }

  raw(n: number): Uint8Array {
    if (this.at + n > this.bytes.length) throw new RangeError(`${this.what} is cut short`);
    const v = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }

  get done(): boolean {
    return this.at === this.bytes.length;
  }

  rest(): Uint8Array {
    return this.bytes.subarray(this.at);
  }
}

export function uint32(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
}

export function wireString(value: Uint8Array | string): Uint8Array {
  const bytes = typeof value === 'string' ? utf8ToBytes(value) : value;
  return concatBytes(uint32(bytes.length), bytes);
}
