// HIGH_RISK gate in Slack: post the plan, then poll the thread for `approve` / `reject`.
// Silence is never consent: no decision before the timeout is GATE_TIMEOUT, and a reply from
// someone outside the configured approvers is ignored (and logged), never counted.

import type { WebClient } from '@slack/web-api';
import { ErrorCode, FerryError } from '../../errors.js';
import { abortableSleep as sleep } from '../../util/sleep.js';
import { waitText, type Gate, type GateDecision, type GateRequest } from './types.js';
import type { NotifyConfig } from '../../config/sections/notify.js';
import { createSlackClient, slackReason, slackSettings, type SlackSettings } from './slack-client.js';
import { replyDecision } from './slack-message.js';

export interface SlackGateOptions {
  settings: SlackSettings;
  /** Slack user ids allowed to decide; empty = anyone in the channel. */
  approvers?: readonly string[];
  /** Poll interval for conversations.replies (default 5 s; Slack tier 3 allows ~50/min). */
  pollMs?: number;
  log?: (m: string) => void;
  /** Pre-built client (tests); default createSlackClient(settings). */
  client?: WebClient;
}

interface Reply {
  ts: string;
  user?: string;
  bot_id?: string;
  text?: string;
}

export class SlackGate implements Gate {
  readonly channel = 'slack';
  private readonly client: WebClient;
  private readonly log: (m: string) => void;
  private botUser: string | undefined;

  constructor(private readonly opts: SlackGateOptions) {
    this.log = opts.log ?? (() => undefined);
    this.client = opts.client ?? createSlackClient(opts.settings, { log: () => this.log });
  }

  /** @throws GATE_UNAVAILABLE (Slack refused the post), GATE_REJECTED, GATE_TIMEOUT. */
  async request(req: GateRequest, signal?: AbortSignal): Promise<GateDecision> {
    const channel = this.opts.settings.channel;
    const approvers = new Set(this.opts.approvers ?? []);
    let threadTs: string;
    try {
      this.botUser ??= (await this.client.auth.test()).user_id;
      const posted = await this.client.chat.postMessage({ channel, text: req.message });
      if (!posted.ts) throw new Error('chat.postMessage returned no ts');
      threadTs = posted.ts;
    } catch (e) {
      throw new FerryError(ErrorCode.GATE_UNAVAILABLE, `cannot post the release gate to Slack (${slackReason(e)})`, {
        cause: e,
        details: { channel, reason: slackReason(e) },
      });
    }
    this.log(
      `gate posted to Slack (ts ${threadTs}); waiting up to ${waitText(req.timeoutMs)} for approve/reject in the thread`,
    );
    const deadline = Date.now() + req.timeoutMs;
    const seen = new Set<string>();
    for (;;) {
      for (const r of await this.replies(channel, threadTs)) {
        if (seen.has(r.ts)) continue;
        seen.add(r.ts);
        if (r.bot_id || (this.botUser && r.user === this.botUser)) continue;
        const decision = replyDecision(r.text ?? '');
        if (!decision) continue;
        if (approvers.size > 0 && !approvers.has(r.user ?? '')) {
          this.log(`ignoring "${decision}" from ${r.user ?? 'unknown'}: not in release.gate.approvers`);
          continue;
        }
        if (decision === 'reject') {
          await this.ack(
            channel,
            threadTs,
            `Rejected by <@${r.user ?? '?'}> — run ${req.runId} stopped; nothing was changed.`,
          );
          throw new FerryError(
            ErrorCode.GATE_REJECTED,
            `release gate rejected in Slack by ${r.user ?? 'unknown'} (run ${req.runId}); nothing was changed`,
            {
              fix: 'ferry release  (re-run with a corrected plan)',
              details: { by: r.user, ts: r.ts, runId: req.runId, planHash: req.planHash },
            },
          );
        }
        await this.ack(
          channel,
          threadTs,
          `Approved by <@${r.user ?? '?'}> — proceeding with run ${req.runId} (plan ${req.planHash}).`,
        );
        return { approved: true, token: `${r.ts}:${req.runId}`, channel: 'slack', by: r.user };
      }
      if (Date.now() >= deadline) {
        const within = waitText(req.timeoutMs);
        await this.ack(
          channel,
          threadTs,
          `No decision within ${within} — run ${req.runId} stopped; silence does not approve HIGH_RISK.`,
        );
        throw new FerryError(
          ErrorCode.GATE_TIMEOUT,
          `no approve/reject in the Slack thread within ${within} (run ${req.runId}); nothing was changed`,
          {
            fix: `ferry release --resume ${req.runId}  (or --gate-attestation <ts>:${req.runId})`,
            retryable: true,
            details: { ts: threadTs, runId: req.runId, timeoutMs: req.timeoutMs },
          },
        );
      }
      await sleep(Math.min(this.opts.pollMs ?? 5000, Math.max(0, deadline - Date.now())), signal);
    }
  }

  private async replies(channel: string, ts: string): Promise<Reply[]> {
    const out: Reply[] = [];
    let cursor: string | undefined;
    do {
      try {
        const r = await this.client.conversations.replies({ channel, ts, limit: 200, ...(cursor ? { cursor } : {}) });
        for (const m of r.messages ?? [])
          if (m.ts && m.ts !== ts) out.push({ ts: m.ts, user: m.user, bot_id: m.bot_id, text: m.text });
        cursor = r.has_more ? r.response_metadata?.next_cursor || undefined : undefined;
      } catch (e) {
        // A transient read failure is not a decision: keep polling until the deadline.
        this.log(`reading the gate thread failed (${slackReason(e)}); will retry`);
        return out;
      }
    } while (cursor);
    return out.sort((a, b) => Number(a.ts) - Number(b.ts));
  }

  private async ack(channel: string, threadTs: string, text: string): Promise<void> {
    try {
      await this.client.chat.postMessage({ channel, thread_ts: threadTs, text });
    } catch (e) {
      this.log(`could not post the gate outcome to Slack (${slackReason(e)})`);
    }
  }
}

export function createSlackGate(opts: SlackGateOptions): SlackGate {
  return new SlackGate(opts);
}

/**
 * The Slack gate as configured (`notify.slack` + `release.gate.approvers`), or null when Slack is
 * not configured or its env vars are unset (the next gate channel is tried; none → GATE_UNAVAILABLE).
 */
export function slackGateFromConfig(
  notify: NotifyConfig,
  gate: { approvers: readonly string[] },
  opts: { env?: NodeJS.ProcessEnv; log?: (m: string) => void; pollMs?: number } = {},
): SlackGate | null {
  if (!notify.slack) return null;
  let settings: SlackSettings;
  try {
    settings = slackSettings(notify.slack, opts.env);
  } catch (e) {
    opts.log?.(`Slack gate unavailable: ${(e as Error).message}`);
    return null;
  }
  return new SlackGate({
    settings,
    approvers: gate.approvers,
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.pollMs ? { pollMs: opts.pollMs } : {}),
  });
}
