// Slack gate and --gate-attestation through @slack/web-api against the local Slack simulator.

import { randomBytes } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackGate, slackGateFromConfig } from '../src/adapters/gate/slack.js';
import {
  checkGateAttestation,
  checkGateAttestationFromConfig,
  parseGateToken,
  verifyAttestation,
} from '../src/adapters/gate/attestation.js';
import { renderGateMessage, type GatePlan } from '../src/release/gate-message.js';
import { slackSettings, type SlackSettings } from '../src/adapters/gate/slack-client.js';
import { GATE_TOKEN_PATTERN } from '../src/adapters/gate/types.js';
import { notifySchema } from '../src/config/sections/notify.js';
import { isFerryError, serializeError } from '../src/errors.js';
import { startSlackServer, type SlackServer } from './fixtures/slack-server.js';

const TOKEN = `xoxb-${randomBytes(12).toString('hex')}`;
const CHANNEL = 'C0RELEASE';
const RUN = 'release-20260225-a3f7b2';
const plan: GatePlan = {
  runId: RUN,
  planHash: 'sha256:0123abcd',
  tiers: [{ tier: 1, packages: [{ name: 'spi', from: '1.0.0', to: '1.0.1', bump: 'patch', commits: 2 }] }],
  skipped: [],
};

let slack: SlackServer;
let settings: SlackSettings;
const logs: string[] = [];
const log = (m: string): void => void logs.push(m);
const errors: unknown[] = [];

async function catchErr(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    errors.push(e);
    return e;
  }
  throw new Error('expected a rejection');
}

/** Wait until the gate message is posted, then return its ts. */
async function gatePosted(before: number): Promise<string> {
  for (let i = 0; i < 1000; i++) {
    const p = slack.posted(CHANNEL).filter((m) => m.text.startsWith('[HIGH_RISK]'));
    if (p.length > before) return (p[p.length - 1] as { ts: string }).ts;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('gate never posted');
}
const gateCount = (): number => slack.posted(CHANNEL).filter((m) => m.text.startsWith('[HIGH_RISK]')).length;
const req = (timeoutMs = 10_000) => ({
  runId: RUN,
  planHash: plan.planHash,
  message: renderGateMessage(plan),
  timeoutMs,
});

beforeAll(async () => {
  slack = await startSlackServer({ token: TOKEN, channels: [CHANNEL, 'C0OTHER'] });
  const cfg = notifySchema.parse({ slack: { token_env: 'T_SLACK', channel_env: 'T_CHAN', api_url: slack.url } }).slack;
  if (!cfg) throw new Error('no slack cfg');
  settings = slackSettings(cfg, { T_SLACK: TOKEN, T_CHAN: CHANNEL });
});
afterAll(async () => {
  await slack?.close();
});

describe('Slack gate', () => {
  it('posts the seed message and approves on an "Approve" reply; token is <reply ts>:<run_id>', async () => {
    const gate = new SlackGate({ settings, pollMs: 20, log });
    const n = gateCount();
    const pending = gate.request(req());
    const ts = await gatePosted(n);
    expect(slack.messages(CHANNEL).find((m) => m.ts === ts)?.text).toBe(renderGateMessage(plan));
    slack.reply(ts, 'U0HUMAN', 'looking at it…'); // chatter is not a decision
    await new Promise((r) => setTimeout(r, 60));
    const replyTs = slack.reply(ts, 'U0HUMAN', 'Approve — ship it');
    const d = await pending;
    expect(d).toEqual({ approved: true, token: `${replyTs}:${RUN}`, channel: 'slack', by: 'U0HUMAN' });
    expect(d.token).toMatch(GATE_TOKEN_PATTERN);
    expect(slack.messages(CHANNEL).at(-1)?.text).toContain('Approved by <@U0HUMAN>');
    expect(slack.calls.find((c) => c.method === 'chat.postMessage')?.contentType).toContain(
      'application/x-www-form-urlencoded',
    );
  });

  it('reject → GATE_REJECTED', async () => {
    const gate = new SlackGate({ settings, pollMs: 20, log });
    const n = gateCount();
    const pending = catchErr(gate.request(req()));
    slack.reply(await gatePosted(n), 'U0HUMAN', 'reject: wrong bump for spi');
    const e = await pending;
    expect(isFerryError(e) && e.code).toBe('GATE_REJECTED');
    expect(isFerryError(e) && e.details.by).toBe('U0HUMAN');
  });

  it('silence → GATE_TIMEOUT (and says so in the thread)', async () => {
    const gate = new SlackGate({ settings, pollMs: 20, log });
    const started = Date.now();
    const e = await catchErr(gate.request(req(300)));
    expect(isFerryError(e) && e.code).toBe('GATE_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(slack.messages(CHANNEL).at(-1)?.text).toContain('silence does not approve');
    // A short timeout is said in seconds, not rounded down to "0 min".
    expect(isFerryError(e) && e.message).toContain('within 1 s');
    expect(slack.messages(CHANNEL).at(-1)?.text).toContain('No decision within 1 s');
  });

  it('polling a long gate does not pile up abort listeners on the run signal', async () => {
    const gate = new SlackGate({ settings, pollMs: 10, log });
    const ac = new AbortController();
    const e = await catchErr(gate.request(req(400), ac.signal));
    expect(isFerryError(e) && e.code).toBe('GATE_TIMEOUT');
    // One listener per poll was left behind before (MaxListenersExceededWarning after 11 polls).
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('counts only configured approvers; others are ignored and logged', async () => {
    const gate = new SlackGate({ settings, pollMs: 20, log, approvers: ['U0LEAD'] });
    const n = gateCount();
    const pending = gate.request(req());
    const ts = await gatePosted(n);
    slack.reply(ts, 'U0INTERN', 'reject');
    slack.reply(ts, 'U0INTERN', 'approve');
    await new Promise((r) => setTimeout(r, 80));
    const lead = slack.reply(ts, 'U0LEAD', 'approve');
    const d = await pending;
    expect(d.by).toBe('U0LEAD');
    expect(d.token).toBe(`${lead}:${RUN}`);
    expect(logs).toContain('ignoring "reject" from U0INTERN: not in release.gate.approvers');
    expect(logs).toContain('ignoring "approve" from U0INTERN: not in release.gate.approvers');
  });

  it('waits out Slack 429 Retry-After and still posts', async () => {
    slack.rateLimit(2, 1);
    logs.length = 0;
    const gate = new SlackGate({ settings, pollMs: 20, log });
    const n = gateCount();
    const pending = gate.request(req());
    slack.reply(await gatePosted(n), 'U0HUMAN', 'approve');
    await pending;
    expect(logs.filter((l) => /Slack rate limited .*waiting 1s/.test(l))).toHaveLength(2);
  });

  it("a channel Slack does not know → GATE_UNAVAILABLE with Slack's reason", async () => {
    const gate = new SlackGate({ settings: { ...settings, channel: 'C0NOPE' }, pollMs: 20, log });
    const e = await catchErr(gate.request(req()));
    expect(isFerryError(e) && e.code).toBe('GATE_UNAVAILABLE');
    expect((e as Error).message).toContain('channel_not_found');
  });
});

describe('--gate-attestation', () => {
  let approvedTs = '';
  beforeAll(async () => {
    const gate = new SlackGate({ settings, pollMs: 20, log });
    const n = gateCount();
    const pending = gate.request(req());
    const ts = await gatePosted(n);
    slack.reply(ts, 'U0HUMAN', 'nah'); // not an approval
    approvedTs = slack.reply(ts, 'U0LEAD', 'approve');
    await pending;
  });

  it('checks format and run id before anything else (INVALID_GATE_TOKEN, exit 2)', () => {
    for (const bad of ['', 'abc', '1740312612:release-x', '1740312612.000100', 'x.y:release-20260225-a3f7b2']) {
      const e = (() => {
        try {
          parseGateToken(bad, RUN);
        } catch (err) {
          return err;
        }
      })();
      expect(isFerryError(e) && e.code).toBe('INVALID_GATE_TOKEN');
      expect(isFerryError(e) && e.exitCode).toBe(2);
    }
    expect(parseGateToken(`1740312612.000100:${RUN}`, RUN)).toEqual({ ts: '1740312612.000100', runId: RUN });
    expect(() => parseGateToken(`1740312612.000100:release-20260225-ffffff`, RUN)).toThrow(/not this run/);
  });

  it("accepts the approving reply of this run's gate thread", async () => {
    const v = await verifyAttestation(`${approvedTs}:${RUN}`, RUN, {
      settings,
      approvers: ['U0LEAD'],
      planHash: plan.planHash,
    });
    expect(v).toEqual({ ts: approvedTs, runId: RUN, by: 'U0LEAD', planHash: plan.planHash });
  });

  it("refuses: unknown ts, a non-approval, another approver, another plan, another run's thread", async () => {
    const thread = slack.messages(CHANNEL).find((m) => m.ts === approvedTs)?.thread_ts as string;
    const nah = slack.messages(CHANNEL).find((m) => m.thread_ts === thread && m.text === 'nah')?.ts as string;
    const otherGate = slack.post(
      CHANNEL,
      'U0FERRYBOT',
      renderGateMessage({ ...plan, runId: 'release-20260226-bbbbbb' }),
    );
    const otherApproval = slack.reply(otherGate, 'U0LEAD', 'approve');
    const cases: [string, Parameters<typeof verifyAttestation>[2], RegExp][] = [
      [`1111111111.000100:${RUN}`, { settings }, /no Slack message/],
      [`${nah}:${RUN}`, { settings }, /not an approval/],
      [`${approvedTs}:${RUN}`, { settings, approvers: ['U0SOMEONE'] }, /not in release.gate.approvers/],
      [`${approvedTs}:${RUN}`, { settings, planHash: 'sha256:other' }, /approved plan sha256:0123abcd/],
      [`${otherApproval}:${RUN}`, { settings }, /not in the gate thread of run/],
      [`${approvedTs}:${RUN}`, { settings: { ...settings, channel: 'C0OTHER' } }, /no Slack message/],
    ];
    for (const [token, opts, msg] of cases) {
      const e = await catchErr(verifyAttestation(token, RUN, opts));
      expect(isFerryError(e) && e.code, token).toBe('INVALID_GATE_TOKEN');
      expect((e as Error).message).toMatch(msg);
    }
  });

  it('accepts a standalone approval naming the run; without Slack only the format is checked', async () => {
    const ts = slack.post(CHANNEL, 'U0LEAD', `approve ${RUN}`);
    expect((await checkGateAttestation(`${ts}:${RUN}`, RUN, { settings })).by).toBe('U0LEAD');
    const loose = slack.post(CHANNEL, 'U0LEAD', 'approve');
    expect(((await catchErr(checkGateAttestation(`${loose}:${RUN}`, RUN, { settings }))) as Error).message).toMatch(
      /does not name run/,
    );
    expect(await checkGateAttestation(`1740312612.000100:${RUN}`, RUN, {})).toEqual({
      ts: '1740312612.000100',
      runId: RUN,
    });
  });

  it('never shows the token in logs or errors; a wrong token is invalid_auth', async () => {
    const wrong = `xoxb-${randomBytes(12).toString('hex')}`;
    const e = await catchErr(new SlackGate({ settings: { ...settings, token: wrong }, log }).request(req()));
    expect((e as Error).message).toContain('invalid_auth');
    const all = [
      ...logs,
      ...errors.map((x) => `${String(x)} ${JSON.stringify(serializeError(x))} ${(x as Error).stack ?? ''}`),
    ].join('\n');
    expect(errors.length).toBeGreaterThan(5);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(wrong);
  });
});

describe('from config', () => {
  it('builds the gate only when notify.slack is configured and its env is set', async () => {
    const notify = notifySchema.parse({ slack: { token_env: 'T_SLACK', channel_env: 'T_CHAN', api_url: slack.url } });
    const missing: string[] = [];
    expect(slackGateFromConfig(notifySchema.parse({}), { approvers: [] })).toBeNull();
    expect(slackGateFromConfig(notify, { approvers: [] }, { env: {}, log: (m) => missing.push(m) })).toBeNull();
    expect(missing[0]).toContain('T_SLACK');
    const gate = slackGateFromConfig(
      notify,
      { approvers: ['U0LEAD'] },
      { env: { T_SLACK: TOKEN, T_CHAN: CHANNEL }, pollMs: 20 },
    );
    expect(gate?.channel).toBe('slack');
    const n = gateCount();
    const pending = gate?.request(req());
    const ts = await gatePosted(n);
    const approval = slack.reply(ts, 'U0LEAD', 'approve');
    const d = await pending;
    expect(d?.token).toBe(`${approval}:${RUN}`);
    // Attestation: Slack configured → looked up; not configured → format only.
    const env = { T_SLACK: TOKEN, T_CHAN: CHANNEL };
    expect(
      (await checkGateAttestationFromConfig(`${approval}:${RUN}`, RUN, notify, { approvers: [] }, { env })).by,
    ).toBe('U0LEAD');
    const e = await catchErr(
      checkGateAttestationFromConfig(`1740312612.000100:${RUN}`, RUN, notify, { approvers: [] }, { env }),
    );
    expect(isFerryError(e) && e.code).toBe('INVALID_GATE_TOKEN');
    expect(
      await checkGateAttestationFromConfig(`1740312612.000100:${RUN}`, RUN, notifySchema.parse({}), { approvers: [] }),
    ).toEqual({ ts: '1740312612.000100', runId: RUN });
  });
});
