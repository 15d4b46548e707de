import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { parseEmbeddingRequest } from '../embeddingRequest.js';
import { embeddingBody } from '../embeddingResponse.js';

/**
 * `POST …/embeddings` with deterministic vectors that keep lexical similarity
 * (embeddingVectors.ts). The flavour reads `model`: a model id (OpenAI) or a deployment name
 * (Azure).
 */
export function registerEmbeddingRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post(`${ctx.flavor.prefix}/embeddings`, async (req) => {
    const request = parseEmbeddingRequest(req.body);
    const model = ctx.flavor.embeddingModel(ctx, request.model);
    const body = await embeddingBody(ctx, model, request);
    // A held request (holdEmbeddings) was received and embedded; its answer never comes.
    if (!(await ctx.embeddingLog.record(request.model, request.inputs))) {
      throw ctx.flavor.serverError();
    }
    return body;
  });
}
