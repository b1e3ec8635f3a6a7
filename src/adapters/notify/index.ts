// Picks notifiers from the `notify` config, and sends a notice to all of them. A failed notice
// is reported, never thrown: notifications never fail a release.

import { ErrorCode, FerryError, serializeError, type SerializedError } from '../../errors.js';
import { addSecret } from '../../util/redact.js';
import type { NotifyConfig } from '../../config/sections/notify.js';
import { slackSettings } from '../gate/slack-client.js';
import { renderReleaseSummary, type ReleaseSummary } from '../gate/slack-message.js';
import type { Notice, Notifier } from './types.js';
import { SlackNotifier } from './slack.js';
import { StdoutNotifier } from './stdout.js';
import { WebhookNotifier } from './webhook.js';

export interface BuildNotifiersOptions {
  env?: NodeJS.ProcessEnv;
  log?: (m: string) => void;
  /** Stream for the stdout notifier (default process.stdout). */
  stdout?: { write(s: string): unknown };
}

/** @throws ENV_MISSING when a configured channel's env var is unset. */
export function buildNotifiers(cfg: NotifyConfig, opts: BuildNotifiersOptions = {}): Notifier[] {
  const env = opts.env ?? process.env;
  const out: Notifier[] = [];
  if (cfg.stdout) out.push(new StdoutNotifier(opts.stdout));
  if (cfg.slack) out.push(new SlackNotifier(slackSettings(cfg.slack, env), { log: opts.log }));
  if (cfg.webhook) {
    const url = env[cfg.webhook.url_env];
    if (!url) {
      throw new FerryError(ErrorCode.ENV_MISSING, `notify.webhook needs $${cfg.webhook.url_env}, which is not set`, {
        fix: `export ${cfg.webhook.url_env}=<https://…>`,
        details: { env: cfg.webhook.url_env },
      });
    }
    addSecret(url);
    out.push(new WebhookNotifier(url));
  }
  return out;
}

export interface NotifyOutcome {
  sent: { channel: string; ref?: string }[];
  failed: { channel: string; error: SerializedError }[];
}

/** Send to every notifier; failures are collected (and logged), never thrown. */
export async function notifyAll(
  notifiers: readonly Notifier[],
  notice: Notice,
  log: (m: string) => void = () => undefined,
): Promise<NotifyOutcome> {
  const outcome: NotifyOutcome = { sent: [], failed: [] };
  await Promise.all(
    notifiers.map(async (n) => {
      try {
        const r = await n.send(notice);
        outcome.sent.push({ channel: n.channel, ...r });
      } catch (e) {
        const error = serializeError(e);
        outcome.failed.push({
          channel: n.channel,
          error: { ...error, code: error.code === ErrorCode.INTERNAL ? ErrorCode.NOTIFY_FAILED : error.code },
        });
        log(`notification via ${n.channel} failed: ${error.message}`);
      }
    }),
  );
  return outcome;
}

/**
 * Post the LOW_RISK release summary to every configured channel. Never throws: a channel that
 * cannot be built or fails to deliver is reported through `log` and in the outcome.
 */
export async function notifyReleaseSummary(
  cfg: NotifyConfig,
  summary: ReleaseSummary,
  opts: { env?: NodeJS.ProcessEnv; log: (m: string) => void },
): Promise<NotifyOutcome> {
  if (!cfg.slack && !cfg.webhook && !cfg.stdout) return { sent: [], failed: [] };
  let notifiers: Notifier[];
  try {
    notifiers = buildNotifiers(cfg, { ...(opts.env ? { env: opts.env } : {}), log: opts.log });
  } catch (e) {
    const error = serializeError(e);
    opts.log(`release summary not sent: ${error.message}`);
    return { sent: [], failed: [{ channel: 'config', error }] };
  }
  const text = renderReleaseSummary(summary);
  const level = summary.status === 'SUCCESS' ? 'info' : 'warn';
  return notifyAll(notifiers, { runId: summary.runId, title: text.split('\n')[0] ?? '', text, level }, opts.log);
}
