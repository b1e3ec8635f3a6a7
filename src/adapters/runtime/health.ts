// HTTP health checks with retries, exponential backoff and a per-URL timeout. A URL is healthy
// when it answers 2xx within the timeout; anything else is retried until attempts run out.

export interface HealthCheckOptions {
  /** Extra attempts after the first. */
  retries?: number;
  timeoutMs?: number;
  /** First backoff delay; doubles each retry, capped at maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  signal?: AbortSignal;
  onAttempt?: (r: HealthAttempt) => void;
}

export interface HealthAttempt {
  name: string;
  url: string;
  attempt: number;
  ok: boolean;
  /** HTTP status, or null when no response (timeout, refused). */
  status: number | null;
  error?: string;
}

export interface HealthResult {
  name: string;
  url: string;
  ok: boolean;
  status: number | null;
  attempts: number;
  error?: string;
}

/** Delay before attempt n+1 (n from 1). Pure, for tests. */
export function backoffDelay(attempt: number, backoffMs: number, maxBackoffMs: number): number {
  return Math.min(maxBackoffMs, backoffMs * 2 ** (attempt - 1));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}

async function probe(
  url: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ status: number | null; error?: string }> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    const res = await fetch(url, { signal: combined, redirect: 'manual' });
    await res.arrayBuffer().catch(() => undefined);
    return { status: res.status };
  } catch (e) {
    // undici wraps the socket error: fetch failed → cause (code) or AggregateError of attempts.
    const err = e as Error & { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } };
    const c = err.cause;
    const why = timeout.aborted
      ? `timed out after ${timeoutMs} ms`
      : (c?.code ?? c?.errors?.[0]?.code ?? c?.message ?? err.message);
    return { status: null, error: why };
  }
}

export async function checkOne(name: string, url: string, opts: HealthCheckOptions = {}): Promise<HealthResult> {
  const retries = opts.retries ?? 5;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const backoffMs = opts.backoffMs ?? 500;
  const maxBackoffMs = opts.maxBackoffMs ?? 8000;
  let last: { status: number | null; error?: string } = { status: null };
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    last = await probe(url, timeoutMs, opts.signal);
    const ok = last.status !== null && last.status >= 200 && last.status < 300;
    opts.onAttempt?.({ name, url, attempt, ok, status: last.status, error: last.error });
    if (ok) return { name, url, ok: true, status: last.status, attempts: attempt };
    if (opts.signal?.aborted) return { name, url, ok: false, status: last.status, attempts: attempt, error: 'aborted' };
    if (attempt <= retries) await sleep(backoffDelay(attempt, backoffMs, maxBackoffMs), opts.signal);
  }
  return {
    name,
    url,
    ok: false,
    status: last.status,
    attempts: retries + 1,
    error: last.error ?? `HTTP ${last.status}`,
  };
}

/** Check every URL concurrently; results in input order. */
export function checkHealth(endpoints: Record<string, string>, opts: HealthCheckOptions = {}): Promise<HealthResult[]> {
  return Promise.all(Object.entries(endpoints).map(([name, url]) => checkOne(name, url, opts)));
}
