import multipart from '@fastify/multipart';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { childLogger } from '../../logging.js';
import type { EmulatorContext } from './context.js';
import { ApiError, invalidRequest, serverError } from './errors.js';
import type { FaultInjector } from './faults.js';
import type { Flavor } from './flavor.js';
import type { JobLifecycle } from './jobLifecycle.js';
import { registerChatRoutes } from './routes/chat.js';
import { registerEmbeddingRoutes } from './routes/embeddings.js';
import { registerFileRoutes } from './routes/files.js';
import { registerJobRoutes } from './routes/jobs.js';
import { registerUploadRoutes } from './routes/uploads.js';

const log = childLogger('openai-emulator');

function sendError(flavor: Flavor, reply: FastifyReply, err: ApiError): FastifyReply {
  return reply
    .code(err.status)
    .headers({ ...err.headers, ...flavor.errorHeaders(err) })
    .send(flavor.errorBody(err));
}

/** Errors from fastify itself (bad JSON, wrong content type, body too large) as API errors. */
function asApiError(err: FastifyError): ApiError {
  if (err instanceof ApiError) return err;
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) {
    return invalidRequest(
      'We could not parse the JSON body of your request. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.',
    );
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500)
    return new ApiError(status, err.message, 'invalid_request_error');
  log.error({ err: err.message, stack: err.stack }, 'unexpected error in the OpenAI emulator');
  return serverError();
}

/**
 * The HTTP face of the emulator: the flavour's paths (OpenAI: /v1; Azure: /openai/v1 and ARM),
 * its auth and request-id headers on every answer, errors in its shape, fault injection before
 * any work is done.
 */
export async function buildServer(
  ctx: EmulatorContext,
  lifecycle: JobLifecycle,
  faults: FaultInjector,
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: 16 * 1024 * 1024,
    genReqId: () => ctx.flavor.requestId(),
    // Keep-alive sockets of clients must not hold close() up.
    forceCloseConnections: true,
  });
  await app.register(multipart);

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined); // POST …/cancel sends no body
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(err as SyntaxError, undefined);
    }
  });

  const flavor = ctx.flavor;
  const losingAnswers = new Set<string>();
  app.addHook('onRequest', async (req, reply) => {
    const started = Date.now();
    const path = req.url.split('?')[0]!;
    reply.headers(flavor.answerHeaders(req.id, path));
    const route = req.routeOptions.url ?? '(unmatched)';
    ctx.stats.countRequest(`${req.method} ${route}`);
    if (!flavor.isApiPath(path)) return;

    const query = (req.query ?? {}) as Record<string, unknown>;
    const denied = flavor.guard({ path, headers: req.headers, query });
    if (denied) return sendError(flavor, reply, denied);

    const latency = faults.latencyMs(path, req.method);
    if (latency > 0) await ctx.timers.sleep(latency);
    const fault = faults.decide(path, req.method);
    if (fault.kind === 'lose-answer') losingAnswers.add(req.id);
    if (fault.kind === 'reset') {
      reply.hijack();
      req.raw.socket.destroy();
      return;
    }
    if (fault.kind === 'error') return sendError(flavor, reply, fault.error);
    if (flavor.timingHeader) reply.header(flavor.timingHeader, String(Date.now() - started));
  });

  app.setNotFoundHandler((req, reply) =>
    sendError(flavor, reply, flavor.routeNotFound(req.method, req.url.split('?')[0]!)),
  );
  app.setErrorHandler((err: FastifyError, _req, reply) =>
    sendError(flavor, reply, asApiError(err)),
  );

  // A request whose answer is to be lost is handled as usual; then its connection drops.
  app.addHook('onSend', async (req, _reply, payload) => {
    if (losingAnswers.delete(req.id)) req.raw.socket?.destroy();
    return payload;
  });

  app.get('/healthz', () => ({ ok: true }));
  registerFileRoutes(app, ctx);
  if (flavor.uploadsEnabled) registerUploadRoutes(app, ctx);
  registerJobRoutes(app, ctx, lifecycle);
  registerChatRoutes(app, ctx);
  registerEmbeddingRoutes(app, ctx);
  flavor.registerRoutes(app, ctx);
  return app;
}
