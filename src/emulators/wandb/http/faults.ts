import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WandbFaults } from '../types.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What happens to one request: handled normally, answered by a fault, or handled then "lost". */
export type FaultOutcome = 'none' | 'answered' | 'lose-response';

export function sendInjected503(res: ServerResponse): void {
  res.writeHead(503, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({ errors: [{ message: 'service unavailable (injected by the emulator)' }] }),
  );
}

/**
 * Applies the configured faults to one request. Latency comes first; then 429 (with
 * `Retry-After: 1`), 503 before handling, and 503 after handling are tried in that order.
 */
export async function injectFault(
  faults: WandbFaults | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  onInjected: () => void,
): Promise<FaultOutcome> {
  if (!faults) return 'none';
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (faults.onlyPaths && !faults.onlyPaths.test(path)) return 'none';
  if (faults.latencyMs && faults.latencyMs > 0) await sleep(faults.latencyMs);
  if (faults.rate429 && Math.random() < faults.rate429) {
    onInjected();
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
    res.end(
      JSON.stringify({ errors: [{ message: 'rate limit exceeded (injected by the emulator)' }] }),
    );
    return 'answered';
  }
  if (faults.rate5xx && Math.random() < faults.rate5xx) {
    onInjected();
    sendInjected503(res);
    return 'answered';
  }
  if (faults.rate5xxAfterHandling && Math.random() < faults.rate5xxAfterHandling) {
    onInjected();
    return 'lose-response';
  }
  return 'none';
}

/** A response sink for a request whose real answer is to be "lost" (the routes write here). */
export function discardingResponse(): ServerResponse {
  const sink = {
    headersSent: false,
    writeHead() {
      return sink;
    },
    setHeader() {
      return sink;
    },
    end() {
      return sink;
    },
  };
  return sink as unknown as ServerResponse;
}
