import type { IncomingMessage, ServerResponse } from 'node:http';
import { runGraphql, type GraphqlRequestBody } from '../graphql/execute.js';
import type { Backend } from '../store/backend.js';
import { md5Base64 } from '../store/blobs.js';
import { applyFileStream, type FileStreamBody } from '../store/fileStream.js';
import { UserInputError } from '../store/runs.js';
import { HttpError, readBody, readJson, sendError, sendJson } from './io.js';

const count = (table: Record<string, number>, key: string) => {
  table[key] = (table[key] ?? 0) + 1;
};

export async function graphqlRoute(
  req: IncomingMessage,
  res: ServerResponse,
  backend: Backend,
  baseUrl: string,
) {
  const body = (await readJson(req)) as GraphqlRequestBody;
  const { operationName, result } = await runGraphql(body, { backend, baseUrl });
  count(backend.stats.graphql, operationName);
  if (!backend.operations.has(operationName) && typeof body.query === 'string') {
    const variables = body.variables && typeof body.variables === 'object' ? body.variables : {};
    backend.operations.set(operationName, {
      query: body.query,
      variables: structuredClone(variables as Record<string, unknown>),
    });
  }
  if (result.errors?.length) count(backend.stats.graphqlErrors, operationName);
  sendJson(res, 200, result);
}

export async function fileStreamRoute(
  req: IncomingMessage,
  res: ServerResponse,
  backend: Backend,
  [entity, project, runName]: string[],
) {
  const body = (await readJson(req)) as FileStreamBody;
  backend.stats.fileStreamPosts++;
  const run = backend.findRun(entity, project, runName as string);
  if (!run)
    throw new HttpError(
      404,
      `run ${entity}/${project}/${runName} not found; upsert it before streaming`,
    );
  if (body === null || typeof body !== 'object')
    throw new HttpError(400, 'the file-stream body must be a JSON object');
  try {
    applyFileStream(run, body);
  } catch (err) {
    if (err instanceof UserInputError) throw new HttpError(400, err.message);
    throw err;
  }
  sendJson(res, 200, { exitcode: null, limits: {}, stopped: run.stopped });
}

/** PUT to a signed upload URL: checks Content-MD5 (and the digest the API was told) before storing. */
export async function uploadRoute(
  req: IncomingMessage,
  res: ServerResponse,
  backend: Backend,
  token: string,
) {
  const upload = backend.blobs.takeUpload(token);
  if (!upload) throw new HttpError(403, 'unknown or expired upload URL; ask the API for a new one');
  const bytes = await readBody(req);
  const actual = md5Base64(bytes);
  const sent = req.headers['content-md5'];
  if (typeof sent === 'string' && sent !== actual) {
    throw new HttpError(400, `Content-MD5 ${sent} does not match the body (md5 ${actual})`);
  }
  if (upload.expectedMd5 && upload.expectedMd5 !== actual) {
    throw new HttpError(
      400,
      `the body's md5 ${actual} differs from the ${upload.expectedMd5} given to the API`,
    );
  }
  const blob = backend.blobs.put(upload.key, bytes);
  upload.onStored?.(blob);
  backend.stats.uploads++;
  res.writeHead(200, { etag: `"${Buffer.from(actual, 'base64').toString('hex')}"` });
  res.end();
}

export function sendBlob(res: ServerResponse, backend: Backend, key: string): void {
  const bytes = backend.blobs.get(key);
  if (!bytes) throw new HttpError(404, 'no such blob');
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': String(bytes.byteLength),
    'content-md5': md5Base64(bytes),
  });
  res.end(bytes);
}

/** GET of a signed download URL (no API key, like a cloud-storage URL). */
export function downloadRoute(
  res: ServerResponse,
  backend: Backend,
  encodedKey: string,
  signature: string | null,
) {
  const key = signature ? backend.blobs.verifyDownload(encodedKey, signature) : undefined;
  if (!key) throw new HttpError(403, 'invalid download signature');
  sendBlob(res, backend, key);
}

/** `/artifactsV2/<region>/<entity>/.../<hex md5>/<basename>` and `/artifacts/<entity>/<hex md5>`. */
export function artifactFallbackRoute(
  res: ServerResponse,
  backend: Backend,
  segments: string[],
  v2: boolean,
) {
  const hex = v2 ? segments.at(-2) : segments.at(-1);
  if (!hex || !/^[0-9a-f]{32}$/.test(hex))
    throw new HttpError(404, 'expected a hex MD5 in the artifact file path');
  sendBlob(res, backend, `md5/${hex}`);
}

/** GET /files/<entity>/<project>/<run>/<path>: a run file, with the API key. */
export function runFileRoute(res: ServerResponse, backend: Backend, segments: string[]) {
  const [entity, project, runName, ...rest] = segments;
  const run = backend.findRun(entity, project, runName ?? '');
  const file = run?.files.get(rest.join('/'));
  if (!file) throw new HttpError(404, 'run file not found');
  sendBlob(res, backend, file.blobKey);
}

export { sendError };
