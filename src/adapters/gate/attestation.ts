// `--gate-attestation <slack_ts>:<run_id>`: a pre-issued approval. The format and run id are
// checked before anything else happens; when Slack is configured the message itself is looked up
// and must be an approval of this run (a reply in this run's gate thread, or a top-level message
// that approves and names the run), from an allowed approver.

import type { WebClient } from '@slack/web-api';
import { ErrorCode, FerryError } from '../../errors.js';
import { GATE_TOKEN_PATTERN } from './types.js';
import type { NotifyConfig } from '../../config/sections/notify.js';
import { createSlackClient, slackReason, slackSettings, type SlackSettings } from './slack-client.js';
import { parseGateMessage, replyDecision } from './slack-message.js';

export interface GateToken {
  ts: string;
  runId: string;
}

const invalid = (message: string, details: Record<string, unknown> = {}): FerryError =>
  new FerryError(ErrorCode.INVALID_GATE_TOKEN, message, {
    fix: 'pass --gate-attestation <slack_ts>:<run_id> (e.g. 1740312612.000100:release-20260225-a3f7b2), or omit it to be asked',
    details,
  });

/**
 * Parse and check the token's shape, and that it names this run.
 * @throws INVALID_GATE_TOKEN (exit 2).
 */
export function parseGateToken(token: string, runId?: string): GateToken {
  const m = GATE_TOKEN_PATTERN.exec(token.trim());
  if (!m) throw invalid(`invalid --gate-attestation "${token}": expected <slack_ts>:<run_id>`, { token });
  const parsed = { ts: m[1] as string, runId: m[2] as string };
  if (runId !== undefined && parsed.runId !== runId) {
    throw invalid(`--gate-attestation is for run ${parsed.runId}, not this run ${runId}`, { token, runId });
  }
  return parsed;
}

export interface VerifyOptions {
  settings: SlackSettings;
  approvers?: readonly string[];
  /** When given, the gate message's Plan Hash must match (an approval is bound to its plan). */
  planHash?: string;
  client?: WebClient;
  log?: (m: string) => void;
}

export interface VerifiedAttestation extends GateToken {
  by?: string;
  /** Plan hash of the approved gate message, when the approval is a reply to one. */
  planHash?: string;
}

interface Msg {
  ts?: string;
  thread_ts?: string;
  user?: string;
  text?: string;
}

/**
 * Look the token's message up in the channel and check it approves this run.
 * @throws INVALID_GATE_TOKEN when it does not; GATE_UNAVAILABLE when Slack cannot be asked.
 */
export async function verifyAttestation(
  token: string,
  runId: string,
  opts: VerifyOptions,
): Promise<VerifiedAttestation> {
  const t = parseGateToken(token, runId);
  const { channel } = opts.settings;
  const client =
    opts.client ?? createSlackClient(opts.settings, { log: () => opts.log ?? (() => undefined), retries: 3 });
  // conversations.replies with a reply's ts returns that reply; with a top-level ts, the message (+ thread).
  const lookup = async (ts: string): Promise<Msg | undefined> => {
    try {
      const r = await client.conversations.replies({ channel, ts, limit: 1 });
      return (r.messages ?? []).find((m) => m.ts === ts);
    } catch (e) {
      const reason = slackReason(e);
      if (reason === 'thread_not_found' || reason === 'message_not_found') return undefined;
      throw new FerryError(ErrorCode.GATE_UNAVAILABLE, `cannot verify --gate-attestation in Slack (${reason})`, {
        cause: e,
        details: { channel, reason },
      });
    }
  };
  const msg = await lookup(t.ts);
  if (!msg)
    throw invalid(`--gate-attestation ${token}: no Slack message ${t.ts} in channel ${channel}`, { token, channel });
  if (replyDecision(msg.text ?? '') !== 'approve') {
    throw invalid(`--gate-attestation ${token}: Slack message ${t.ts} is not an approval`, { token });
  }
  const approvers = opts.approvers ?? [];
  if (approvers.length > 0 && !approvers.includes(msg.user ?? '')) {
    throw invalid(
      `--gate-attestation ${token}: approved by ${msg.user ?? 'unknown'}, who is not in release.gate.approvers`,
      { token, by: msg.user },
    );
  }
  const isReply = msg.thread_ts !== undefined && msg.thread_ts !== msg.ts;
  if (!isReply) {
    // A standalone approval must name the run it approves.
    if (!(msg.text ?? '').split(/\s+/).includes(runId)) {
      throw invalid(`--gate-attestation ${token}: Slack message ${t.ts} does not name run ${runId}`, { token });
    }
    return { ...t, by: msg.user };
  }
  const parent = await lookup(msg.thread_ts as string);
  const gate = parseGateMessage(parent?.text ?? '');
  if (!gate.highRisk || gate.runId !== runId) {
    throw invalid(`--gate-attestation ${token}: reply ${t.ts} is not in the gate thread of run ${runId}`, {
      token,
      thread: msg.thread_ts,
    });
  }
  if (opts.planHash && gate.planHash !== opts.planHash) {
    throw invalid(
      `--gate-attestation ${token}: it approved plan ${gate.planHash ?? '?'}, but the plan is now ${opts.planHash}`,
      { token, approved: gate.planHash, current: opts.planHash },
    );
  }
  return { ...t, by: msg.user, planHash: gate.planHash };
}

/**
 * The whole `--gate-attestation` check: format + run id always; the Slack lookup when Slack is
 * configured (settings given).
 */
export async function checkGateAttestation(
  token: string,
  runId: string,
  opts: Omit<VerifyOptions, 'settings'> & { settings?: SlackSettings },
): Promise<VerifiedAttestation> {
  if (!opts.settings) return parseGateToken(token, runId);
  return verifyAttestation(token, runId, { ...opts, settings: opts.settings });
}

/**
 * `--gate-attestation` as configured: with `notify.slack` set the message is looked up in Slack
 * (its env vars must then be set: ENV_MISSING otherwise); without it only format and run id count.
 */
export function checkGateAttestationFromConfig(
  token: string,
  runId: string,
  notify: NotifyConfig,
  gate: { approvers: readonly string[] },
  opts: { env?: NodeJS.ProcessEnv; planHash?: string; log?: (m: string) => void } = {},
): Promise<VerifiedAttestation> {
  const t = parseGateToken(token, runId);
  if (!notify.slack) return Promise.resolve(t);
  return verifyAttestation(token, runId, {
    settings: slackSettings(notify.slack, opts.env),
    approvers: gate.approvers,
    ...(opts.planHash ? { planHash: opts.planHash } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
}
