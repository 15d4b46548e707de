import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { childLogger } from '../../../logging.js';
import type { Backend } from '../store/backend.js';
import type { WandbFaults } from '../types.js';
import { apiKeyOf, type KeyCheck } from './auth.js';
import { discardingResponse, injectFault, sendInjected503 } from './faults.js';
import { HttpError, readBody, sendError } from './io.js';
import {
  artifactFallbackRoute,
  downloadRoute,
  fileStreamRoute,
  graphqlRoute,
  runFileRoute,
  uploadRoute,
} from './routes.js';

const log = childLogger('wandb-emulator');

export interface ServerDeps {
  backend: Backend;
  checkKey: KeyCheck;
  faults: () => WandbFaults | undefined;
  baseUrl: () => string;
  /** Called after each request that may have changed the state (any but GET and HEAD). */
  changed?: () => void;
}

function requireKey(req: IncomingMessage, checkKey: KeyCheck): void {
  const key = apiKeyOf(req);
  if (!key || !checkKey(key)) {
    throw new HttpError(
      401,
      'missing or invalid API key: send HTTP basic auth with user "api" and the key as password',
    );
  }
}

async function route(req: IncomingMessage, res: ServerResponse, deps: ServerDeps): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const method = req.method ?? 'GET';
  const { backend } = deps;
  const [first, second] = segments;

  if (method === 'PUT' && first === '_upload' && second)
    return uploadRoute(req, res, backend, second);
  if (method === 'GET' && first === '_blob' && second) {
    return downloadRoute(res, backend, second, url.searchParams.get('sig'));
  }
  if (method === 'GET' && url.pathname === '/healthz') {
    res.writeHead(200).end('ok');
    return;
  }
  if (method === 'POST' && url.pathname.startsWith('/sdk/otel/')) {
    // The SDK exports its own OpenTelemetry metrics to the base URL (without the API key
    // at times); accepted and dropped.
    await readBody(req);
    res.writeHead(200).end();
    return;
  }
  requireKey(req, deps.checkKey);
  if (method === 'POST' && url.pathname === '/graphql')
    return graphqlRoute(req, res, backend, deps.baseUrl());
  if (
    method === 'POST' &&
    first === 'files' &&
    segments.length === 5 &&
    segments[4] === 'file_stream'
  ) {
    return fileStreamRoute(req, res, backend, segments.slice(1, 4));
  }
  if (method === 'GET' && first === 'files' && segments.length >= 5)
    return runFileRoute(res, backend, segments.slice(1));
  if (method === 'GET' && first === 'artifactsV2')
    return artifactFallbackRoute(res, backend, segments, true);
  if (method === 'GET' && first === 'artifacts')
    return artifactFallbackRoute(res, backend, segments, false);
  throw new HttpError(404, `no route for ${method} ${url.pathname}`);
}

function clientGone(req: IncomingMessage, err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return req.destroyed || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}

export function createEmulatorServer(deps: ServerDeps): Server {
  return createServer((req, res) => {
    void (async () => {
      try {
        const outcome = await injectFault(deps.faults(), req, res, () => {
          deps.backend.stats.faultsInjected++;
        });
        if (outcome === 'none') await route(req, res, deps);
        if (outcome === 'lose-response') {
          await route(req, discardingResponse(), deps).catch(() => undefined);
          sendInjected503(res);
        }
      } catch (err) {
        if (err instanceof HttpError) {
          log.debug({ status: err.status, path: req.url?.split('?')[0] }, err.message);
          sendError(res, err.status, err.message);
        } else if (clientGone(req, err)) {
          // The client went away mid-request (a cancelled or killed caller): nobody to answer,
          // and nothing wrong here.
          log.debug({ path: req.url?.split('?')[0] }, 'the client closed the request early');
          res.destroy();
        } else {
          log.error({ err, path: req.url?.split('?')[0] }, 'W&B emulator request failed');
          if (!res.headersSent) sendError(res, 500, 'internal emulator error');
          else res.end();
        }
      } finally {
        if (req.method !== 'GET' && req.method !== 'HEAD') deps.changed?.();
      }
    })();
  });
}
