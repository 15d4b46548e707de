import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WandbFaults } from '../types.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Applies the configured faults to one request. Returns true when a fault answered it (the route
 * must not run). Latency is added before anything else; 429 is tried before 5xx.
 */
export async function injectFault(
  faults: WandbFaults | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  onInjected: () => void,
): Promise<boolean> {
  if (!faults) return false;
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (faults.onlyPaths && !faults.onlyPaths.test(path)) return false;
  if (faults.latencyMs && faults.latencyMs > 0) await sleep(faults.latencyMs);
  if (faults.rate429 && Math.random() < faults.rate429) {
    onInjected();
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
    res.end(
      JSON.stringify({ errors: [{ message: 'rate limit exceeded (injected by the emulator)' }] }),
    );
    return true;
  }
  if (faults.rate5xx && Math.random() < faults.rate5xx) {
    onInjected();
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ errors: [{ message: 'service unavailable (injected by the emulator)' }] }),
    );
    return true;
  }
  return false;
}
