/**
 * Every timer the emulator sets goes through here: unref'd, so a test process can exit while a
 * job is mid-flight, and cleared all at once by `close()`.
 */
export class Timers {
  private readonly live = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<(completed: boolean) => void>();
  private closed = false;

  /** `fired`: called after each timer's function ran (what timers do changes the state). */
  constructor(private readonly fired?: () => void) {}

  after(ms: number, fn: () => void): NodeJS.Timeout | undefined {
    if (this.closed) return undefined;
    const handle = setTimeout(
      () => {
        this.live.delete(handle);
        try {
          fn();
        } finally {
          this.fired?.();
        }
      },
      Math.max(0, ms),
    );
    handle.unref();
    this.live.add(handle);
    return handle;
  }

  cancel(handle: NodeJS.Timeout | undefined): void {
    if (!handle) return;
    clearTimeout(handle);
    this.live.delete(handle);
  }

  /** Resolves after `ms`, or at once (with false) when the emulator closes meanwhile. */
  sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = (completed: boolean) => {
        this.sleepers.delete(wake);
        resolve(completed);
      };
      this.sleepers.add(wake);
      if (!this.after(ms, () => wake(true))) wake(false);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  closeAll(): void {
    this.closed = true;
    for (const handle of this.live) clearTimeout(handle);
    this.live.clear();
    for (const wake of [...this.sleepers]) wake(false);
  }
}
