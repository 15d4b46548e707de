// What a person sees while a pinned Temporal binary installs (the first sandbox, the first test
// run): what is installed, from where, each step and the time so far, from the first moment.
// A spinner line on a terminal; plain lines in logs and CI, where a redrawn line would be noise.

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface InstallProgressOptions {
  stream?: ProgressStream;
  now?: () => number;
  /** How often the spinner redraws (terminal) or a "still installing" line is printed (plain). */
  tickMs?: number;
  plainTickMs?: number;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export class InstallProgress {
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly timer: ReturnType<typeof setInterval>;
  private current = 'starting';
  private frame = 0;
  private lastLineAt: number;

  /** Says at once what is installed and from where; `what` is one line. */
  constructor(what: string, opts: InstallProgressOptions = {}) {
    this.stream = opts.stream ?? process.stderr;
    this.now = opts.now ?? Date.now;
    this.startedAt = this.now();
    this.lastLineAt = this.startedAt;
    this.stream.write(`${what}\n`);
    const tty = this.stream.isTTY === true;
    const plainTickMs = opts.plainTickMs ?? 10_000;
    // Plain output: a "still" line only after a quiet spell, so a slow step is not mistaken for a hang.
    const tick = () => {
      if (tty) this.redraw();
      else if (this.now() - this.lastLineAt >= plainTickMs) this.line(`… still ${this.current}`);
    };
    this.timer = setInterval(tick, tty ? (opts.tickMs ?? 120) : Math.min(1_000, plainTickMs));
    this.timer.unref?.();
    if (tty) this.redraw();
  }

  /** A new step (a pip output line, "creating the virtual environment", …). */
  step(text: string): void {
    this.current = text;
    if (this.stream.isTTY) this.redraw();
    else this.line(text);
  }

  /** Finished: the spinner goes, one closing line stays. */
  done(text: string): void {
    this.stop();
    this.stream.write(`${text} (${this.elapsed()})\n`);
  }

  /** Failed: the spinner goes; the caller's error says what happened. */
  fail(): void {
    this.stop();
  }

  private stop(): void {
    clearInterval(this.timer);
    if (this.stream.isTTY) this.stream.write('\r\x1b[K');
  }

  private elapsed(): string {
    return `${((this.now() - this.startedAt) / 1000).toFixed(1)} s`;
  }

  private line(text: string): void {
    this.lastLineAt = this.now();
    this.stream.write(`  [${this.elapsed()}] ${text}\n`);
  }

  private redraw(): void {
    const spinner = FRAMES[this.frame++ % FRAMES.length]!;
    // One line, however long the step: it is cut, never the time.
    const suffix = ` (${this.elapsed()})`;
    const room = Math.max(
      10,
      ((this.stream as { columns?: number }).columns || 80) - 5 - suffix.length,
    );
    const step = this.current.length > room ? `${this.current.slice(0, room - 1)}…` : this.current;
    this.stream.write(`\r\x1b[K  ${spinner} ${step}${suffix}`);
  }
}
