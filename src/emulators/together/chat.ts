import { randomBytes } from 'node:crypto';
import type { ChatModel } from '../openai/chatModels.js';
import type { ChatMessage, ChatRequest } from '../openai/chatRequest.js';
import { contentText } from '../openai/chatText.js';
import { estimateTokens, truncateToTokens } from '../openai/chatTokens.js';
import { unixSeconds } from './clock.js';
import type { TogetherContext } from './context.js';
import { ApiError, badRequest, modelNotAvailable } from './errors.js';
import type { JobRecord } from './records.js';
import { servableByName } from './serving/servable.js';

const ROLES = new Set(['system', 'user', 'assistant', 'tool', 'function']);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `POST /v1/chat/completions` body, as far as answers depend on it; sampling knobs are ignored. */
export function parseTogetherChat(body: unknown): ChatRequest {
  if (!isObject(body)) throw badRequest('The request body must be a JSON object');
  if (typeof body.model !== 'string' || body.model === '')
    throw badRequest('model is required', 'model');
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    throw badRequest('messages must be a non-empty list', 'messages');
  const messages = body.messages.map((m, i): ChatMessage => {
    if (!isObject(m) || typeof m.role !== 'string' || !ROLES.has(m.role)) {
      throw badRequest(
        `messages[${i}].role must be one of system, user, assistant, tool, function`,
        `messages[${i}].role`,
      );
    }
    return { role: m.role as ChatMessage['role'], text: contentText(m.content) };
  });
  if (body.stream === true)
    throw badRequest('Streaming is not emulated: send stream false', 'stream');
  const n = body.n ?? 1;
  if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 128)
    throw badRequest('n must be an integer from 1 to 128', 'n');
  const maxTokens = body.max_tokens;
  if (
    maxTokens !== undefined &&
    maxTokens !== null &&
    (!Number.isInteger(maxTokens) || (maxTokens as number) < 1)
  ) {
    throw badRequest('max_tokens must be a positive integer', 'max_tokens');
  }
  const stop =
    body.stop === undefined || body.stop === null
      ? []
      : typeof body.stop === 'string'
        ? [body.stop]
        : body.stop;
  if (!Array.isArray(stop) || !stop.every((s) => typeof s === 'string'))
    throw badRequest('stop must be a string or a list of strings', 'stop');
  return {
    model: body.model,
    messages,
    n: n as number,
    maxTokens: (maxTokens as number | null | undefined) ?? undefined,
    stop: stop.filter((s) => s !== ''),
  };
}

/** Not ready to serve: the endpoint or deployment exists but runs no replica (a guess: 503). */
const notRunning = (what: string, state: string): ApiError =>
  new ApiError(
    503,
    `${what} is not running (state ${state}); start it and wait until it is ready`,
    'service_unavailable',
    'model',
    'endpoint_not_running',
  );

function asChatModel(name: string, job: JobRecord | null): ChatModel {
  return job
    ? {
        kind: 'fine-tuned',
        name,
        job: {
          id: job.id,
          trainingFile: job.request.trainingFile,
          validationFile: job.request.validationFile,
        },
        progress: 1,
      }
    : { kind: 'base', name };
}

/** The deployment a v2 endpoint routes to: the ready ones by weight, chosen by the prompt's hash. */
function routeV2(ctx: TogetherContext, requested: string, pick: number): string | undefined {
  const slug = `${ctx.identity.projectSlug}/`;
  if (!requested.startsWith(slug)) return undefined;
  const [endpointName, deploymentName] = requested.slice(slug.length).split('/');
  const e = [...ctx.v2Endpoints.values()].find((x) => x.name === endpointName);
  if (!e) return undefined;
  const ready = (state: string) =>
    state === 'DEPLOYMENT_STATE_READY' || state === 'DEPLOYMENT_STATE_SCALING';
  if (deploymentName !== undefined) {
    const d = [...ctx.deployments.values()].find(
      (x) => x.endpointId === e.id && x.name === deploymentName,
    );
    if (!d) return undefined;
    if (!ready(d.state)) throw notRunning(`Deployment ${requested}`, d.state);
    return d.serves;
  }
  const routed = e.trafficSplit
    .map((t) => ({ t, d: ctx.deployments.get(t.deploymentId) }))
    .filter((x) => x.d && ready(x.d.state));
  if (routed.length === 0)
    throw notRunning(`Endpoint ${requested}`, 'no ready deployment in its traffic split');
  const total = routed.reduce((s, x) => s + x.t.weight, 0);
  let at = pick * total;
  for (const x of routed) {
    at -= x.t.weight;
    if (at < 0) return x.d!.serves;
  }
  return routed.at(-1)!.d!.serves;
}

/**
 * What a chat `model` names: a v2 endpoint (`<project_slug>/<endpoint>`) or deployment
 * (`…/<deployment>`), a STARTED v1 endpoint (its `name`), a serverless model, or, with
 * `serving.serverlessLoRA`, a completed LoRA job's output name; 404 `model_not_available`
 * otherwise.
 */
export function resolveTogetherChatModel(
  ctx: TogetherContext,
  requested: string,
  pick: number,
): ChatModel {
  const v2 = routeV2(ctx, requested, pick);
  const served =
    v2 ??
    (() => {
      const v1 = [...ctx.v1Endpoints.values()].find((e) => e.name === requested);
      if (v1) {
        if (v1.state !== 'STARTED') throw notRunning(`Endpoint ${requested}`, v1.state);
        return v1.model;
      }
      return undefined;
    })();
  if (served !== undefined) {
    const s = servableByName(ctx, served);
    if (!s) throw modelNotAvailable(requested);
    return asChatModel(requested, s.job);
  }
  const base = ctx.catalog.get(requested);
  if (base?.serverless) return { kind: 'base', name: requested };
  const s = servableByName(ctx, requested);
  if (s?.job && ctx.serving.serverlessLoRA && s.job.request.trainingType.type === 'Lora') {
    return asChatModel(requested, s.job);
  }
  throw modelNotAvailable(requested);
}

/** Spec `ChatCompletionResponse` (with its required `prompt`, empty unless `echo`). */
export function togetherChatBody(request: ChatRequest, replies: string[]): Record<string, unknown> {
  const promptTokens = request.messages.reduce(
    (sum, m) => sum + 3 + estimateTokens(m.role) + estimateTokens(m.text),
    3,
  );
  const choices = replies.map((reply, index) => {
    let content = reply;
    let reason: 'stop' | 'length' = 'stop';
    for (const s of request.stop) {
      const at = content.indexOf(s);
      if (at >= 0) content = content.slice(0, at);
    }
    if (request.maxTokens !== undefined && estimateTokens(content) > request.maxTokens) {
      content = truncateToTokens(content, request.maxTokens);
      reason = 'length';
    }
    return {
      index,
      seed: 0,
      finish_reason: reason,
      logprobs: null,
      message: { role: 'assistant', content },
    };
  });
  const completion = choices.reduce((sum, c) => sum + estimateTokens(c.message.content), 0);
  return {
    id: randomBytes(8).toString('hex'),
    object: 'chat.completion',
    created: unixSeconds(),
    model: request.model,
    prompt: [],
    choices,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completion,
      total_tokens: promptTokens + completion,
    },
  };
}
