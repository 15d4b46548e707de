import type { FastifyInstance } from 'fastify';
import { modelNotFound } from '../chatModels.js';
import type { EmulatorContext } from '../context.js';
import { listModels } from '../modelList.js';

/**
 * OpenAI's `GET /v1/models` and `GET /v1/models/{model}`: the base models the emulator knows and
 * the fine-tuned models (and checkpoints) of jobs that succeeded here, with `shutdown_date`.
 */
export function registerModelRoutes(
  app: FastifyInstance,
  ctx: EmulatorContext,
  shutdownDates: Readonly<Record<string, string | null>>,
): void {
  const p = ctx.flavor.prefix;
  app.get(`${p}/models`, () => ({ object: 'list', data: listModels(ctx, shutdownDates) }));
  app.get<{ Params: { model: string } }>(`${p}/models/:model`, (req) => {
    const found = listModels(ctx, shutdownDates).find((m) => m.id === req.params.model);
    if (!found) throw modelNotFound(req.params.model);
    return found;
  });
}
