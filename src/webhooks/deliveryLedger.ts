/**
 * Remembers recent webhook delivery ids so a replayed delivery is acknowledged but not acted on.
 * Bounded: the oldest ids are forgotten first (beyond the signature tolerance a replay fails
 * verification anyway).
 */
export class DeliveryLedger {
  private readonly seen = new Set<string>();
  constructor(private readonly capacity: number) {}

  /** True the first time an id is offered. */
  firstTime(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }

  forget(id: string): void {
    this.seen.delete(id);
  }
}
