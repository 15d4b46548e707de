import { open } from 'node:fs/promises';

// A dataset is UTF-8 text. A file saved as UTF-16 (Windows editors, PowerShell's `>`), or a
// compressed or binary file given by mistake, would otherwise fail on every line with an error
// that does not say why. One look at the first bytes names what the file is instead.

/** How many leading bytes are inspected. */
export const SNIFF_BYTES = 4096;

export type SniffedKind =
  | { kind: 'utf16'; endian: 'LE' | 'BE'; bom: boolean }
  | { kind: 'utf32'; endian: 'LE' | 'BE'; bom: boolean }
  | { kind: 'binary'; what?: string };

interface Magic {
  bytes: number[];
  offset?: number;
  what: string;
  hint?: string;
}

const DECOMPRESS = 'decompress it first';
// Well-known signatures; the first match names the file.
const MAGIC: readonly Magic[] = [
  { bytes: [0x1f, 0x8b], what: 'gzip-compressed data', hint: DECOMPRESS },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive (or .xlsx/.docx)', hint: DECOMPRESS },
  { bytes: [0x50, 0x4b, 0x05, 0x06], what: 'an empty zip archive' },
  { bytes: [0x42, 0x5a, 0x68], what: 'bzip2-compressed data', hint: DECOMPRESS },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'xz-compressed data', hint: DECOMPRESS },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed data', hint: DECOMPRESS },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive', hint: DECOMPRESS },
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], what: 'a PDF document' },
  { bytes: [0x50, 0x41, 0x52, 0x31], what: 'a Parquet file', hint: 'export it as JSON Lines' },
  {
    bytes: [...Buffer.from('SQLite format 3\0', 'latin1')],
    what: 'an SQLite database',
    hint: 'export the table as JSON Lines',
  },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: 'an old Office document' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'an executable (ELF)' },
  { bytes: [0x75, 0x73, 0x74, 0x61, 0x72], offset: 257, what: 'a tar archive', hint: DECOMPRESS },
];

function startsWith(head: Buffer, m: Magic): boolean {
  const at = m.offset ?? 0;
  if (head.length < at + m.bytes.length) return false;
  return m.bytes.every((b, i) => head[at + i] === b);
}

/** Share of zero bytes at even and odd offsets (of a sample whose length is a multiple of 4). */
function zeroShares(head: Buffer): { even: number; odd: number; mod4: number[] } {
  const n = head.length - (head.length % 4);
  const mod4 = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) if (head[i] === 0) mod4[i % 4]!++;
  const quarter = Math.max(1, n / 4);
  const shares = mod4.map((z) => z / quarter);
  return {
    even: (shares[0]! + shares[2]!) / 2,
    odd: (shares[1]! + shares[3]!) / 2,
    mod4: shares,
  };
}

/**
 * What the first bytes of a file say it is, when it is clearly not UTF-8 text: UTF-16 or UTF-32
 * (with or without a byte order mark) or binary (a known signature, or NUL bytes that no text
 * file holds). Undefined for anything that may be UTF-8 text; the line checks take it from there.
 */
export function sniffEncoding(head: Buffer): SniffedKind | undefined {
  if (head.length === 0) return undefined;
  // UTF-32 BOMs first: FF FE 00 00 would otherwise read as UTF-16 LE.
  if (head.length >= 4 && head.readUInt32BE(0) === 0xfffe0000)
    return { kind: 'utf32', endian: 'LE', bom: true };
  if (head.length >= 4 && head.readUInt32BE(0) === 0x0000feff)
    return { kind: 'utf32', endian: 'BE', bom: true };
  if (head[0] === 0xff && head[1] === 0xfe) return { kind: 'utf16', endian: 'LE', bom: true };
  if (head[0] === 0xfe && head[1] === 0xff) return { kind: 'utf16', endian: 'BE', bom: true };
  const magic = MAGIC.find((m) => startsWith(head, m));
  if (magic) return { kind: 'binary', what: magic.what };
  if (!head.includes(0)) return undefined;
  // Mostly-ASCII text in UTF-16 has a zero in every other byte; in UTF-32 three in every four.
  if (head.length >= 8) {
    const z = zeroShares(head);
    const [m0, m1, m2, m3] = z.mod4 as [number, number, number, number];
    if (m0 < 0.05 && m1 > 0.9 && m2 > 0.9 && m3 > 0.9)
      return { kind: 'utf32', endian: 'LE', bom: false };
    if (m0 > 0.9 && m1 > 0.9 && m2 > 0.9 && m3 < 0.05)
      return { kind: 'utf32', endian: 'BE', bom: false };
    if (z.odd > 0.4 && z.even < 0.05) return { kind: 'utf16', endian: 'LE', bom: false };
    if (z.even > 0.4 && z.odd < 0.05) return { kind: 'utf16', endian: 'BE', bom: false };
  }
  // A NUL byte never appears in UTF-8 JSON text.
  return { kind: 'binary' };
}

/** The one message a file that is not UTF-8 text gets, saying what it looks like and what to do. */
export function sniffedMessage(s: SniffedKind): string {
  if (s.kind === 'utf16' || s.kind === 'utf32') {
    const name = `${s.kind === 'utf16' ? 'UTF-16' : 'UTF-32'} ${s.endian}`;
    const how = s.bom ? ` (it starts with a ${name} byte order mark)` : '';
    return `This looks like a ${name} text file${how}, not UTF-8; save it as UTF-8 (e.g. \`iconv -f ${s.kind === 'utf16' ? 'UTF-16' : 'UTF-32'} -t UTF-8\`) and try again`;
  }
  const magic = MAGIC.find((m) => m.what === s.what);
  const what = s.what ? ` (${s.what})` : ' (it holds NUL bytes, as gzip/zip/PNG… files do)';
  const hint = magic?.hint ? `; ${magic.hint}` : '';
  return `This looks like a binary file${what}, not a JSON Lines text file${hint}. A dataset is UTF-8 text with one JSON example per line`;
}

/** The first `bytes` bytes of a file (fewer when it is shorter). */
export async function readHead(path: string, bytes = SNIFF_BYTES): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
