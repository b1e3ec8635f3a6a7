// The hook's health loop: poll the health URL until it answers 2xx or the deadline passes.
import { sleep } from '../util/sleep.js';

export interface HealthLoopResult {
  healthy: boolean;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  elapsedMs: number;
}

export async function waitHealthy(
  url: string,
  deadlineMs: number,
  opts: { intervalMs?: number; requestTimeoutMs?: number } = {},
): Promise<HealthLoopResult> {
  const started = Date.now();
  const intervalMs = opts.intervalMs ?? 500;
  let attempts = 0;
  let lastStatus: number | null = null;
  let lastError: string | null = null;
  for (;;) {
    attempts++;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(opts.requestTimeoutMs ?? 2000), redirect: 'manual' });
      await res.arrayBuffer().catch(() => undefined);
      lastStatus = res.status;
      lastError = null;
      if (res.status >= 200 && res.status < 300)
        return { healthy: true, attempts, lastStatus, lastError, elapsedMs: Date.now() - started };
    } catch (e) {
      lastStatus = null;
      const err = e as Error & { cause?: { code?: string } };
      lastError = err.cause?.code ?? err.message;
    }
    if (Date.now() - started + intervalMs > deadlineMs)
      return { healthy: false, attempts, lastStatus, lastError, elapsedMs: Date.now() - started };
    await sleep(intervalMs);
  }
}

export function describeHealth(r: HealthLoopResult, url: string): string {
  return r.healthy
    ? `${url} healthy after ${r.attempts} attempt(s)`
    : `${url} unhealthy after ${r.attempts} attempt(s) in ${Math.round(r.elapsedMs / 1000)}s (${r.lastStatus !== null ? `HTTP ${r.lastStatus}` : (r.lastError ?? 'no answer')})`;
}
