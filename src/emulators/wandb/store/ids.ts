/**
 * W&B server ids are base64 "global ids": the type name, a colon, and a number
 * (e.g. `QXJ0aWZhY3Q6MTIz` = `Artifact:123`). Clients treat them as opaque, except that
 * `wandb-artifact://` references use the hex of the decoded bytes.
 */
export function encodeId(typeName: string, n: number): string {
  return Buffer.from(`${typeName}:${n}`, 'utf8').toString('base64');
}

export function decodeId(id: string): { typeName: string; n: number } | undefined {
  const text = Buffer.from(id, 'base64').toString('utf8');
  const match = /^([A-Za-z]+):(\d+)$/.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  return { typeName: match[1], n: Number(match[2]) };
}

/** Hands out increasing numbers per type, so ids are stable within one emulator's life. */
export class IdSequence {
  private readonly next = new Map<string, number>();

  take(typeName: string): { n: number; id: string } {
    const n = (this.next.get(typeName) ?? 0) + 1;
    this.next.set(typeName, n);
    return { n, id: encodeId(typeName, n) };
  }

  /** For a snapshot (src/emulators/snapshotFile.ts): the last number handed out per type. */
  snapshot(): Map<string, number> {
    return this.next;
  }

  restore(next: Map<string, number>): void {
    replaceAll(this.next, next);
  }
}

/** Makes `target` hold exactly the entries of `source` (a restored snapshot). */
export function replaceAll<K, V>(target: Map<K, V>, source: ReadonlyMap<K, V>): void {
  target.clear();
  for (const [k, v] of source) target.set(k, v);
}
