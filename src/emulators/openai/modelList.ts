import type { EmulatorContext } from './context.js';
import { baseModelSnapshot, knownBaseModels } from './models.js';

/**
 * Announced shutdown dates of base models (openai-fine-tuning facts §1, from secondary sources):
 * the gpt-4o, gpt-4o-mini, gpt-4.1 and gpt-4.1-mini snapshots on 2027-01-14, gpt-4.1-nano on
 * 2026-10-23. An alias shares its snapshot's date (a guess: the whole family ends). Others: none.
 */
const SHUTDOWN_DATES: Record<string, string> = {
  'gpt-4o-2024-08-06': '2027-01-14',
  'gpt-4o-mini-2024-07-18': '2027-01-14',
  'gpt-4.1-2025-04-14': '2027-01-14',
  'gpt-4.1-mini-2025-04-14': '2027-01-14',
  'gpt-4.1-nano-2025-04-14': '2026-10-23',
};

/** When each snapshot appeared (its date; a guess for the exact second: midnight UTC). */
const RELEASED: Record<string, string> = {
  'gpt-4.1-2025-04-14': '2025-04-14',
  'gpt-4.1-mini-2025-04-14': '2025-04-14',
  'gpt-4.1-nano-2025-04-14': '2025-04-14',
  'gpt-4o-2024-08-06': '2024-08-06',
  'gpt-4o-mini-2024-07-18': '2024-07-18',
  'gpt-3.5-turbo-0125': '2024-01-25',
  'gpt-3.5-turbo-1106': '2023-11-06',
  'gpt-3.5-turbo-0613': '2023-06-13',
  'o4-mini-2025-04-16': '2025-04-16',
  'gpt-4-0613': '2023-06-13',
  'babbage-002': '2023-08-22',
  'davinci-002': '2023-08-22',
};

const toSeconds = (date: string): number => Math.floor(Date.parse(`${date}T00:00:00Z`) / 1000);

/** OpenAI's `Model` object. */
export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  shutdown_date: string | null;
}

/** `shutdown_date` by exact id: the override, else the table; a fine-tune takes its base's. */
export function shutdownDate(
  id: string,
  overrides: Readonly<Record<string, string | null>>,
): string | null {
  if (Object.hasOwn(overrides, id)) return overrides[id] ?? null;
  if (id.startsWith('ft:')) return shutdownDate(id.split(':')[1] ?? '', overrides);
  const snapshot = baseModelSnapshot(id);
  if (snapshot === undefined) return null;
  if (snapshot !== id && Object.hasOwn(overrides, snapshot)) return overrides[snapshot] ?? null;
  return SHUTDOWN_DATES[snapshot] ?? null;
}

/** Every model `GET /v1/models` lists: known base models, then this emulator's fine-tunes. */
export function listModels(
  ctx: EmulatorContext,
  overrides: Readonly<Record<string, string | null>>,
): ModelObject[] {
  const base = knownBaseModels().map((id): ModelObject => ({
    id,
    object: 'model',
    created: toSeconds(RELEASED[baseModelSnapshot(id) ?? id] ?? '2023-06-13'),
    owned_by: 'system',
    shutdown_date: shutdownDate(id, overrides),
  }));
  const tuned: ModelObject[] = [];
  for (const job of [...ctx.jobs.values()].sort((a, b) => a.seq - b.seq)) {
    if (job.status !== 'succeeded' || !job.fineTunedModel) continue;
    const names = new Set([job.fineTunedModel, ...job.checkpoints.map((c) => c.model)]);
    for (const id of names) {
      tuned.push({
        id,
        object: 'model',
        created: job.finishedAt ?? job.createdAt,
        owned_by: ctx.organizationId,
        shutdown_date: shutdownDate(id, overrides),
      });
    }
  }
  return [...base, ...tuned];
}
