import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const HISTORIES_DIR = join(import.meta.dirname, '..', 'histories');

export interface HistoryEvent {
  eventType?: string;
  markerRecordedEventAttributes?: {
    markerName?: string;
    details?: Record<string, { payloads?: { data?: string }[] }>;
  };
  [k: string]: unknown;
}

export interface Fixture {
  /** `<workflowType>/<scenario>.json` */
  name: string;
  workflowType: string;
  workflowId: string;
  history: { events: HistoryEvent[] };
}

/** Every committed history, named `<workflowType>/<scenario>.json`. */
export function loadFixtures(): Fixture[] {
  return readdirSync(HISTORIES_DIR).flatMap((type) =>
    readdirSync(join(HISTORIES_DIR, type))
      .filter((f) => f.endsWith('.json'))
      .map((f) => {
        const data = JSON.parse(readFileSync(join(HISTORIES_DIR, type, f), 'utf8')) as Omit<
          Fixture,
          'name' | 'workflowType'
        >;
        return { name: `${type}/${f}`, workflowType: type, ...data };
      }),
  );
}

export interface PatchMarker {
  id: string;
  deprecated: boolean;
}

/** The patch markers a history recorded (`core_patch` markers: `{"id": …, "deprecated": …}`). */
export function patchMarkers(fixture: Fixture): PatchMarker[] {
  return fixture.history.events.flatMap((e) => {
    const attrs = e.markerRecordedEventAttributes;
    if (attrs?.markerName !== 'core_patch') return [];
    const data = attrs.details?.['patch-data']?.payloads?.[0]?.data;
    if (!data) return [];
    return [JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as PatchMarker];
  });
}
