// The Octokit ferry talks to GitHub with: retry + throttling plugins, a base URL from config, and
// rate-limit waits that are logged and retried instead of failing a long run.

import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { redact } from '../../util/redact.js';
import { sleep } from '../../util/sleep.js';

const GhOctokit = Octokit.plugin(retry, throttling);
// NOTE: the plugins only add options; typing clients as plain Octokit keeps declarations portable.
export type GithubClient = Octokit;
type ThrottleOptions = NonNullable<ConstructorParameters<typeof GhOctokit>[0]>['throttle'];
type Group = NonNullable<NonNullable<ThrottleOptions>['write']>;

export interface GithubClientOptions {
  apiUrl: string;
  token: string;
  /** Where "rate limited, waiting Ns" goes; read at call time so the caller can swap it per step. */
  log: () => (message: string) => void;
  /** Give up after this many waits on one request (default 20: a long run outlasts a limit window). */
  maxRateLimitRetries?: number;
  /**
   * Minimum spacing of write requests in ms. Unset: octokit's defaults (1 s between writes, 3 s
   * between notification-triggering writes such as PR create/merge), which GitHub recommends.
   */
  writeIntervalMs?: number;
  /** Per-request deadline in ms (default 60 s). */
  requestTimeoutMs?: number;
}

export interface HttpErrorLike {
  status: number;
  message: string;
  response?: { headers: Record<string, string | number | undefined>; data?: unknown };
}

export function isHttpError(e: unknown): e is HttpErrorLike {
  return typeof e === 'object' && e !== null && typeof (e as { status?: unknown }).status === 'number';
}

/**
 * A stand-in for a Bottleneck.Group that only enforces spacing. The throttling plugin calls
 * `group.key(id).schedule(options, fn)` and nothing else on the write/notification groups.
 */
function spacedGroup(minMs: number): Group {
  let last = 0;
  let chain: Promise<void> = Promise.resolve();
  const limiter = {
    schedule: <T>(_opts: unknown, fn: () => Promise<T> | T): Promise<T> => {
      const turn = chain.then(async () => {
        const wait = last + minMs - Date.now();
        if (wait > 0) await sleep(wait);
        last = Date.now();
      });
      chain = turn.catch(() => undefined);
      return turn.then(fn);
    },
  };
  // NOTE: duck-typed; the plugin's types ask for a full Bottleneck.Group.
  return { key: () => limiter } as unknown as Group;
}

// One spacing group per interval for the whole process (steps build their own clients), like the
// throttling plugin's own module-level groups.
const groups = new Map<string, Group>();
function sharedGroup(kind: 'write' | 'notifications', ms: number): Group {
  const key = `${kind}:${ms}`;
  let g = groups.get(key);
  if (!g) groups.set(key, (g = spacedGroup(ms)));
  return g;
}

export function createGithubClient(opts: GithubClientOptions): GithubClient {
  const max = opts.maxRateLimitRetries ?? 20;
  const say = (m: string): void => opts.log()(redact(m));
  const spacing =
    opts.writeIntervalMs === undefined
      ? {}
      : {
          write: sharedGroup('write', opts.writeIntervalMs),
          notifications: sharedGroup('notifications', opts.writeIntervalMs),
        };
  const octokit = new GhOctokit({
    auth: opts.token,
    baseUrl: opts.apiUrl.replace(/\/+$/, ''),
    userAgent: 'ferry',
    // A hung connection must not hang the run: each request gets a deadline (then plugin-retry).
    request: {
      fetch: (url: string, init?: RequestInit) =>
        fetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(opts.requestTimeoutMs ?? 60_000) }),
    },
    // request-log reports each failed request at error level; failures surface as exceptions instead.
    log: { debug: () => undefined, info: () => undefined, warn: (m: string) => say(m), error: () => undefined },
    // 429 is left to the throttling plugin and the Retry-After hook below, which honour the server's wait.
    retry: { doNotRetry: [400, 401, 403, 404, 405, 409, 410, 422, 429, 451], retries: 3 },
    throttle: {
      ...spacing,
      onRateLimit: (after: number, o: { method: string; url: string }, _k: unknown, n: number) => {
        say(`GitHub rate limited (${o.method} ${o.url}), waiting ${after}s (retry ${n + 1}/${max})`);
        return n < max;
      },
      onSecondaryRateLimit: (after: number, o: { method: string; url: string }, _k: unknown, n: number) => {
        say(`GitHub secondary rate limit (${o.method} ${o.url}), waiting ${after}s (retry ${n + 1}/${max})`);
        return n < max;
      },
    },
  });
  // A 429 with only Retry-After (no x-ratelimit-remaining: 0, no "secondary rate limit" text) is not
  // handled by the throttling plugin; honour it here. Registered last, so it wraps the plugins.
  octokit.hook.wrap('request', async (request, options) => {
    for (let n = 0; ; n++) {
      try {
        return await request(options);
      } catch (e) {
        if (!isHttpError(e) || e.status !== 429 || n >= max) throw e;
        const h = e.response?.headers ?? {};
        if (h['x-ratelimit-remaining'] === '0' || /secondary rate/i.test(e.message)) throw e;
        const after = Number(h['retry-after']) || 60;
        say(`GitHub rate limited (429 ${options.method} ${options.url}), waiting ${after}s (retry ${n + 1}/${max})`);
        await sleep(after * 1000);
      }
    }
  });
  return octokit;
}

/** GitHub's reason for a failed call: status, message and each validation error. Never headers. */
export function githubReason(e: unknown): string {
  if (!isHttpError(e)) return e instanceof Error ? e.message : String(e);
  const data = (e.response?.data ?? {}) as { message?: unknown; errors?: unknown };
  const message = typeof data.message === 'string' ? data.message : e.message;
  const extra = Array.isArray(data.errors)
    ? data.errors
        .map((x: unknown) => {
          if (typeof x === 'string') return x;
          const o = (x ?? {}) as Record<string, unknown>;
          return typeof o.message === 'string' ? o.message : [o.resource, o.field, o.code].filter(Boolean).join(' ');
        })
        .filter(Boolean)
    : [];
  return redact(`${e.status} ${message}${extra.length ? `: ${extra.join('; ')}` : ''}`);
}
