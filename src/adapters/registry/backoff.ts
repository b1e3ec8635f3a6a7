// One retry loop for every registry call: exponential backoff with jitter, Retry-After honoured on
// 429/503, abortable, bounded by an absolute deadline. Lookups, publish retries and visibility waits
// (npm packument, PEP 691 simple index) all go through it so they log and give up the same way.

import { ErrorCode, FerryError } from '../../errors.js';
import { abortableSleep } from '../../util/sleep.js';

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Fraction of the delay spread either side (0.2 → ±20 %). */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 15_000, factor: 2, jitter: 0.2 };

/** Injected clock, sleep and randomness so tests can be deterministic. */
export interface HttpDeps {
  fetch?: typeof fetch;
  /** [0, 1); default Math.random. `() => 0.5` gives exactly the base delay. */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  policy?: Partial<BackoffPolicy>;
  /** Per-request timeout. Default 30 s. */
  requestTimeoutMs?: number;
}

/** Pure: delay before retry number `attempt` (1-based), capped at maxMs, jittered. */
export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt - 1));
  const spread = base * policy.jitter;
  return Math.max(0, Math.round(base - spread + 2 * spread * random()));
}

/** Pure: Retry-After as delta-seconds or HTTP-date → milliseconds from `nowMs`; undefined if absent or unparseable. */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** "1s", "0.5s", "12s" — for the "retry in Ns" log line. */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${s >= 10 || Number.isInteger(s) ? Math.round(s) : s.toFixed(1)}s`;
}

/** `refused`: nothing listens at the address (connection refused, unknown host) — not "not yet served". */
export type AttemptResult<T> = { done: T } | { retry: string; retryAfterMs?: number; refused?: boolean };

/**
 * A dead registry URL fails fast: after this many refused connections in a row (~3.5 s of backoff) the
 * loop gives up instead of waiting out its deadline (5 min for a lookup, the registry wait for a poll).
 */
export const MAX_REFUSED_IN_A_ROW = 4;

function refusedError(label: string, reason: string, tries: number): FerryError {
  return new FerryError(
    ErrorCode.PUBLISH_FAILED,
    `cannot reach ${label}: ${reason}; refused ${tries} times in a row, so nothing is listening there (not "not yet served")`,
    {
      fix: 'check the registry URL under registries: in ferry.yaml and that the registry is up, then: ferry release --resume <run_id>',
      retryable: true,
      details: { registry: label, lastReason: reason, refused: tries },
    },
  );
}

export interface RetryOptions {
  /** What is being waited for: "waiting for <label> (retry in Ns)". */
  label: string;
  log: (m: string) => void;
  signal?: AbortSignal;
  /** Absolute time (ms, same clock as deps.now) after which the loop gives up. */
  deadline: number;
  /** Built when the deadline passes; gets the last retry reason. */
  onGiveUp: (lastReason: string) => FerryError;
}

function resolvePolicy(deps: HttpDeps): BackoffPolicy {
  return { ...DEFAULT_BACKOFF, ...deps.policy };
}

/**
 * Call `attempt` until it returns {done}. Between tries sleep max(backoff, Retry-After), never past the
 * deadline; one last try happens at the deadline, then `onGiveUp`. Abort rejects with the signal's reason.
 */
export async function retryLoop<T>(
  attempt: (n: number) => Promise<AttemptResult<T>>,
  opts: RetryOptions,
  deps: HttpDeps = {},
): Promise<T> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? abortableSleep;
  const policy = resolvePolicy(deps);
  let refused = 0;
  for (let n = 1; ; n++) {
    opts.signal?.throwIfAborted();
    const r = await attempt(n);
    if ('done' in r) return r.done;
    refused = r.refused ? refused + 1 : 0;
    if (refused >= MAX_REFUSED_IN_A_ROW) throw refusedError(opts.label, r.retry, refused);
    const remaining = opts.deadline - now();
    if (remaining <= 0) throw opts.onGiveUp(r.retry);
    const wanted = Math.max(backoffDelayMs(n, policy, deps.random), r.retryAfterMs ?? 0);
    const delay = Math.min(wanted, remaining);
    opts.log(`waiting for ${opts.label} (retry in ${formatSeconds(delay)}): ${r.retry}`);
    await sleep(delay, opts.signal);
  }
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  url: string;
}

/** One GET with a per-request timeout; network failures reject (the caller decides to retry). */
export async function fetchOnce(
  url: string,
  headers: Record<string, string>,
  deps: HttpDeps = {},
  signal?: AbortSignal,
): Promise<HttpResponse> {
  const f = deps.fetch ?? fetch;
  const timeout = AbortSignal.timeout(deps.requestTimeoutMs ?? 30_000);
  const res = await f(url, {
    headers,
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    redirect: 'follow',
  });
  return { status: res.status, headers: res.headers, text: await res.text(), url: res.url || url };
}

/** 429 and 5xx are worth retrying; everything else is an answer. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/** Turn a response or a network error into "retry" with the server's Retry-After, or undefined when it's an answer. */
export function retryReason(res: HttpResponse, nowMs: number): { retry: string; retryAfterMs?: number } | undefined {
  if (!isRetryableStatus(res.status)) return undefined;
  const retryAfterMs = parseRetryAfterMs(res.headers.get('retry-after'), nowMs);
  const reason = `HTTP ${res.status}${retryAfterMs === undefined ? '' : ` (Retry-After ${formatSeconds(retryAfterMs)})`}`;
  return retryAfterMs === undefined ? { retry: reason } : { retry: reason, retryAfterMs };
}

/** Connection refused or an unknown host: the address is wrong or the registry is down, not slow. */
function isRefused(e: unknown): boolean {
  const code = (e instanceof Error && e.cause instanceof Error ? (e.cause as { code?: unknown }).code : undefined) as
    string | undefined;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND';
}

function networkReason(e: unknown): string {
  const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return `${e instanceof Error ? e.message : String(e)}${cause}`;
}

/**
 * One attempt of a GET inside a retry loop: network errors, 429 and 5xx → retry; any other status → done.
 * An abort of the caller's signal propagates (not retried).
 */
export async function getAttempt(
  url: string,
  headers: Record<string, string>,
  deps: HttpDeps,
  signal?: AbortSignal,
): Promise<AttemptResult<HttpResponse>> {
  const now = deps.now ?? Date.now;
  let res: HttpResponse;
  try {
    res = await fetchOnce(url, headers, deps, signal);
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    return { retry: `request failed (${networkReason(e)})`, ...(isRefused(e) ? { refused: true } : {}) };
  }
  return retryReason(res, now()) ?? { done: res };
}

/** GET that retries transient failures until the deadline, then throws `onGiveUp`. */
export async function getWithRetry(
  url: string,
  headers: Record<string, string>,
  opts: RetryOptions,
  deps: HttpDeps = {},
): Promise<HttpResponse> {
  return retryLoop((_n) => getAttempt(url, headers, deps, opts.signal), opts, deps);
}
