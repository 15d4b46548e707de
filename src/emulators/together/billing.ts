/**
 * Serving is billed per minute per running replica, by hardware (facts sheet §7.2–7.3). The
 * meter keeps, per endpoint or deployment, the spans during which replicas ran, in real time;
 * the bill converts them to provider time with the clock's scale and rounds each span up to
 * whole minutes (per-minute billing; how partial minutes are charged is a guess).
 */
export interface ServingCharge {
  /** `v1` endpoint id or `v2` deployment id. */
  id: string;
  api: 'v1' | 'v2';
  name: string;
  hardware: string;
  /** Provider-time minutes billed, summed over spans (each span rounded up). */
  minutes: number;
  /** Replica-minutes × cents per minute. */
  cents: number;
  /** Whether it is billing now. */
  running: boolean;
}

interface Span {
  startMs: number;
  endMs: number | null;
  replicas: number;
  centsPerMinute: number;
}

interface Meter {
  api: 'v1' | 'v2';
  name: string;
  hardware: string;
  spans: Span[];
}

/** What a saved state keeps of the meter. */
export type MeterSnapshot = Map<string, Meter>;

export class ServingMeter {
  private readonly meters: Map<string, Meter> = new Map();

  constructor(private readonly scale: number) {}

  snapshot(): MeterSnapshot {
    return this.meters;
  }

  /**
   * The bills of a saved state. Nothing ran while the emulator was stopped: spans still open are
   * closed at `savedAtMs`; what serves again opens a new one (`run`) when it is restored.
   */
  restore(saved: MeterSnapshot, savedAtMs: number): void {
    for (const [id, meter] of saved) {
      const open = meter.spans.at(-1);
      if (open && open.endMs === null) open.endMs = Math.max(open.startMs, savedAtMs);
      this.meters.set(id, meter);
    }
  }

  /** Starts (or, with a new replica count, restarts) billing; a no-op when nothing changes. */
  run(
    id: string,
    what: {
      api: 'v1' | 'v2';
      name: string;
      hardware: string;
      replicas: number;
      centsPerHour: number;
    },
  ): void {
    const meter = this.meters.get(id) ?? {
      api: what.api,
      name: what.name,
      hardware: what.hardware,
      spans: [],
    };
    this.meters.set(id, meter);
    const open = meter.spans.at(-1);
    if (open && open.endMs === null) {
      if (open.replicas === what.replicas) return;
      open.endMs = Date.now();
    }
    meter.spans.push({
      startMs: Date.now(),
      endMs: null,
      replicas: what.replicas,
      centsPerMinute: what.centsPerHour / 60,
    });
  }

  stop(id: string): void {
    const open = this.meters.get(id)?.spans.at(-1);
    if (open && open.endMs === null) open.endMs = Date.now();
  }

  charges(now = Date.now()): ServingCharge[] {
    return [...this.meters.entries()].map(([id, m]) => {
      let minutes = 0;
      let cents = 0;
      for (const s of m.spans) {
        const providerMs = ((s.endMs ?? now) - s.startMs) * this.scale;
        const spanMinutes = Math.max(1, Math.ceil(providerMs / 60_000));
        minutes += spanMinutes;
        cents += spanMinutes * s.replicas * s.centsPerMinute;
      }
      return {
        id,
        api: m.api,
        name: m.name,
        hardware: m.hardware,
        minutes,
        cents: Math.round(cents * 100) / 100,
        running: m.spans.at(-1)?.endMs === null,
      };
    });
  }
}
