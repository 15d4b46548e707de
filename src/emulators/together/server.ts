import multipart from '@fastify/multipart';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { childLogger } from '../../logging.js';
import type { FaultInjector } from '../openai/faults.js';
import type { TogetherContext } from './context.js';
import { ApiError, badRequest, RawBodyError, serverError, unauthorized } from './errors.js';
import type { TogetherJobLifecycle } from './jobLifecycle.js';
import { registerChatRoutes } from './routes/chat.js';
import { registerFileRoutes } from './routes/files.js';
import { registerFineTuneRoutes } from './routes/fineTunes.js';
import { registerModelRoutes } from './routes/models.js';
import { registerV2Routes } from './routes/v2.js';
import { registerHardwareRoutes } from './serving/hardwareRoutes.js';
import { registerV1EndpointRoutes } from './routes/v1Endpoints.js';
import type { V1Endpoints } from './serving/v1Endpoints.js';
import type { V2Serving } from './serving/v2Serving.js';

const log = childLogger('together-emulator');

function send(reply: FastifyReply, err: ApiError): FastifyReply {
  reply.code(err.status).headers(err.headers);
  return reply.send(err instanceof RawBodyError ? err.rawBody : err.body());
}

function asApiError(err: FastifyError): ApiError {
  if (err instanceof ApiError) return err;
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) {
    return badRequest('The request body is not valid JSON');
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500)
    return new ApiError(status, err.message, 'invalid_request_error');
  log.error({ err: err.message, stack: err.stack }, 'unexpected error in the Together emulator');
  return serverError();
}

/** Paths that need the bearer key and can be faulted (the presigned upload target is neither). */
const isApiPath = (path: string): boolean => path.startsWith('/v1/') || path.startsWith('/v2/');

export interface ServerParts {
  lifecycle: TogetherJobLifecycle;
  faults: FaultInjector;
  /** The 503s of `rate503`: a second injector whose "server errors" are capacity shortfalls. */
  capacity: FaultInjector;
  v1: V1Endpoints;
  v2: V2Serving;
}

/**
 * The HTTP face of the Together emulator: bearer auth on `/v1` and `/v2` (not on the public
 * hardware catalogue or the presigned upload target), faults before any work is done, answers
 * lost after the work is done, errors in the `ErrorData` envelope.
 */
export async function buildTogetherServer(
  ctx: TogetherContext,
  parts: ServerParts,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024, forceCloseConnections: true });
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
  // The TypeScript SDK announces presigned uploads as a form.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_req, body, done) => {
      done(
        null,
        Object.fromEntries(
          new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8')),
        ),
      );
    },
  );

  const losing = new Set<string>();
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    const route = `${req.method} ${req.routeOptions.url ?? '(unmatched)'}`;
    ctx.stats.requests[route] = (ctx.stats.requests[route] ?? 0) + 1;
    if (!isApiPath(path)) return;
    if (!path.startsWith('/v2/public/')) {
      const key = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
      if (!key || (ctx.apiKey !== undefined && key !== ctx.apiKey))
        return send(reply, unauthorized());
    }
    const latency = parts.faults.latencyMs(path, req.method);
    if (latency > 0) await ctx.timers.sleep(latency);
    const fault = parts.faults.decide(path, req.method);
    if (fault.kind === 'error') return send(reply, fault.error);
    if (fault.kind === 'reset') {
      reply.hijack();
      req.raw.socket.destroy();
      return;
    }
    if (fault.kind === 'lose-answer') losing.add(req.id);
    if (fault.kind !== 'pass') return;
    const shortfall = parts.capacity.decide(path, req.method);
    if (shortfall.kind === 'error') return send(reply, shortfall.error);
  });

  // A request whose answer is lost is handled as usual; then its connection drops.
  app.addHook('onSend', async (req, _reply, payload) => {
    if (losing.delete(req.id)) req.raw.socket?.destroy();
    return payload;
  });

  app.setNotFoundHandler((req, reply) =>
    send(
      reply,
      new ApiError(
        404,
        `Not found: ${req.method} ${req.url.split('?')[0]}`,
        'invalid_request_error',
      ),
    ),
  );
  app.setErrorHandler((err: FastifyError, _req, reply) => send(reply, asApiError(err)));

  app.get('/healthz', () => ({ ok: true }));
  registerFileRoutes(app, ctx);
  registerFineTuneRoutes(app, ctx, parts.lifecycle);
  registerModelRoutes(app, ctx);
  registerChatRoutes(app, ctx);
  registerHardwareRoutes(app, ctx);
  registerV1EndpointRoutes(app, ctx, parts.v1);
  registerV2Routes(app, ctx, parts.v2);
  return app;
}
