// One way to build a Slack WebClient from ferry config: token and channel from the env vars named
// in `notify.slack`, base URL from `api_url` (tests point it at a local server), rate-limit waits
// reported through ferry's log, token registered as a secret.

import { LogLevel, WebClient, WebClientEvent, type Logger as SlackLogger } from '@slack/web-api';
import { ErrorCode, FerryError } from '../../errors.js';
import { addSecret, redact } from '../../util/redact.js';
import type { NotifyConfig } from '../../config/sections/notify.js';

export type SlackConfig = NonNullable<NotifyConfig['slack']>;

export interface SlackSettings {
  token: string;
  channel: string;
  apiUrl: string;
}

/**
 * Token and channel from the environment.
 * @throws ENV_MISSING naming the variable that is not set.
 */
export function slackSettings(cfg: SlackConfig, env: NodeJS.ProcessEnv = process.env): SlackSettings {
  const token = env[cfg.token_env];
  const channel = env[cfg.channel_env];
  for (const [name, value] of [
    [cfg.token_env, token],
    [cfg.channel_env, channel],
  ] as const) {
    if (!value) {
      throw new FerryError(ErrorCode.ENV_MISSING, `Slack needs $${name}, which is not set`, {
        fix: `export ${name}=<value>  (or add it to an env file listed in ferry.yaml env_files)`,
        details: { env: name },
      });
    }
  }
  addSecret(token);
  return { token: token as string, channel: channel as string, apiUrl: cfg.api_url };
}

/** A @slack/logger that forwards only warnings and errors, redacted. */
function slackLogger(log: () => (m: string) => void): SlackLogger {
  const fwd = (...msg: unknown[]): void => log()(redact(`slack: ${msg.map(String).join(' ')}`));
  let level = LogLevel.WARN;
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: fwd,
    error: fwd,
    setLevel: (l: LogLevel) => void (level = l),
    getLevel: () => level,
    setName: () => undefined,
  };
}

export interface SlackClientOptions {
  /** Read at call time so the caller can swap it per step. */
  log?: () => (m: string) => void;
  /** Attempts for network errors and 429s (default 8). */
  retries?: number;
}

export function createSlackClient(s: SlackSettings, opts: SlackClientOptions = {}): WebClient {
  const log = opts.log ?? (() => () => undefined);
  const client = new WebClient(s.token, {
    slackApiUrl: s.apiUrl,
    logger: slackLogger(log),
    logLevel: LogLevel.WARN,
    timeout: 30_000,
    retryConfig: { retries: opts.retries ?? 8, factor: 2, minTimeout: 500, maxTimeout: 30_000, randomize: true },
  });
  client.on(WebClientEvent.RATE_LIMITED, (sec: number, { url }: { url: string }) => {
    log()(`Slack rate limited (${url.replace(/^.*\//, '')}), waiting ${sec}s`);
  });
  return client;
}

/** Slack's reason for a failed call (`channel_not_found`, `invalid_auth`, HTTP status…). Never the token. */
export function slackReason(e: unknown): string {
  const o = (e ?? {}) as { data?: { error?: unknown }; code?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof o.data?.error === 'string') return o.data.error;
  if (typeof o.statusCode === 'number') return `HTTP ${o.statusCode}`;
  return redact(typeof o.message === 'string' ? o.message : String(e));
}
