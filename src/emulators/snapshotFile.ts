import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';

// An emulator's state on disk, so a sandbox stopped and started again on the same folder finds
// the files, jobs, runs and artifacts its Temporal history names. The state is a graph of
// records (Maps, Sets, Dates, records pointing at one another): V8's structured serialization
// keeps it as it is, shared references included, where JSON would need a mapping per record.

/** Bumped when a snapshot's shape changes in a way an older one cannot be read as. */
const FORMAT = 1;

interface Envelope<T> {
  format: number;
  emulator: string;
  savedAt: string;
  state: T;
}

export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

/**
 * Written at most every `intervalMs` after a change, and on close; each write replaces the file
 * whole (a temporary file renamed over it), so a crash leaves the last complete snapshot.
 */
export class SnapshotFile<T> {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly emulator: string,
    private readonly capture: () => T,
    private readonly intervalMs = 500,
  ) {
    mkdirSync(dirname(path), { recursive: true });
  }

  /** The state saved at `path`, or undefined when there is none yet. */
  static read<T>(path: string, emulator: string): T | undefined {
    if (!existsSync(path)) return undefined;
    let envelope: Envelope<T>;
    try {
      envelope = deserialize(readFileSync(path)) as Envelope<T>;
    } catch (err) {
      throw new SnapshotError(
        `${path} is not a readable ${emulator} snapshot (${(err as Error).message}); remove the folder to start empty`,
      );
    }
    if (envelope.format !== FORMAT || envelope.emulator !== emulator) {
      throw new SnapshotError(
        `${path} holds a ${envelope.emulator} snapshot of format ${envelope.format}, not ${emulator} format ${FORMAT}; remove the folder to start empty`,
      );
    }
    return envelope.state;
  }

  /** Something changed: write within `intervalMs`. */
  changed(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, this.intervalMs);
    this.timer.unref();
  }

  write(): void {
    const envelope: Envelope<T> = {
      format: FORMAT,
      emulator: this.emulator,
      savedAt: new Date().toISOString(),
      state: this.capture(),
    };
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, serialize(envelope));
    renameSync(temporary, this.path);
  }

  /** Writes what is pending (or the state as it is) and stops. */
  close(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.write();
    this.closed = true;
  }
}
