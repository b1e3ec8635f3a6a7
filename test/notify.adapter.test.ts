// Notifiers: Slack (via @slack/web-api against the simulator), webhook (a local HTTP receiver),
// stdout; notifyAll reports failures and never throws.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNotifiers, notifyAll } from '../src/adapters/notify/index.js';
import { SlackNotifier } from '../src/adapters/notify/slack.js';
import { renderReleaseSummary } from '../src/adapters/gate/slack-message.js';
import { notifySchema } from '../src/config/sections/notify.js';
import { isFerryError } from '../src/errors.js';
import { startSlackServer, type SlackServer } from './fixtures/slack-server.js';

const TOKEN = `xoxb-${randomBytes(12).toString('hex')}`;
const HOOK_SECRET = randomBytes(8).toString('hex');
let slack: SlackServer;
let hook: Server;
let hookUrl = '';
const received: { path: string; type: string; body: unknown }[] = [];
let hookStatus = 200;

beforeAll(async () => {
  slack = await startSlackServer({ token: TOKEN, channels: ['C0NOTIFY'] });
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        type: req.headers['content-type'] ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      res.writeHead(hookStatus).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/${HOOK_SECRET}`;
});
afterAll(async () => {
  await slack?.close();
  await new Promise((r) => hook?.close(r));
});

const cfg = () =>
  notifySchema.parse({
    slack: { token_env: 'N_TOKEN', channel_env: 'N_CHAN', api_url: slack.url },
    webhook: { url_env: 'N_HOOK' },
    stdout: true,
  });
const env = () => ({ N_TOKEN: TOKEN, N_CHAN: 'C0NOTIFY', N_HOOK: hookUrl });
const summary = renderReleaseSummary({
  runId: 'release-20260225-a3f7b2',
  status: 'SUCCESS',
  rows: [{ repo: 'spi', from: '1.0.0', to: '1.0.1', pr: '#1', tag: 'spi/v1.0.1', registry: 'available' }],
});

describe('notifiers', () => {
  it('builds slack, webhook and stdout from config and delivers a LOW_RISK summary to each', async () => {
    let printed = '';
    const notifiers = buildNotifiers(cfg(), { env: env(), stdout: { write: (s: string) => (printed += s) } });
    expect(notifiers.map((n) => n.channel).sort()).toEqual(['slack', 'stdout', 'webhook']);
    const out = await notifyAll(notifiers, {
      runId: 'release-20260225-a3f7b2',
      title: '[LOW_RISK] release release-20260225-a3f7b2 — SUCCESS',
      text: summary,
    });
    expect(out.failed).toEqual([]);
    expect(out.sent.find((s) => s.channel === 'slack')?.ref).toMatch(/^\d{10}\.\d{6}$/);
    expect(slack.posted('C0NOTIFY').at(-1)?.text).toBe(summary);
    expect(received.at(-1)).toMatchObject({
      type: 'application/json',
      body: { run_id: 'release-20260225-a3f7b2', text: summary, level: 'info' },
    });
    expect(printed.split('\n').filter((l) => l.startsWith('[LOW_RISK]'))).toHaveLength(1);
    expect(printed).toContain('spi  | 1.0.0 → 1.0.1 | #1 | spi/v1.0.1 | available');
  });

  it('a failing channel is reported (NOTIFY_FAILED), the others still deliver, nothing throws', async () => {
    slack.failPost('channel_not_found');
    hookStatus = 500;
    const logs: string[] = [];
    const before = received.length;
    const out = await notifyAll(
      buildNotifiers(cfg(), { env: env(), stdout: { write: () => true } }),
      { runId: 'r', title: 't', text: 'x' },
      (m) => logs.push(m),
    );
    slack.failPost(undefined);
    hookStatus = 200;
    expect(out.sent.map((s) => s.channel)).toEqual(['stdout']);
    expect(out.failed.map((f) => [f.channel, f.error.code]).sort()).toEqual([
      ['slack', 'NOTIFY_FAILED'],
      ['webhook', 'NOTIFY_FAILED'],
    ]);
    expect(out.failed.find((f) => f.channel === 'slack')?.error.message).toContain('channel_not_found');
    expect(received.length).toBe(before + 1);
    // The webhook URL carries a secret: it is registered and never printed.
    expect([...logs, JSON.stringify(out)].join('\n')).not.toContain(HOOK_SECRET);
    expect([...logs, JSON.stringify(out)].join('\n')).not.toContain(TOKEN);
  });

  it('SlackNotifier.send throws NOTIFY_FAILED on a bad token, without the token', async () => {
    const wrong = `xoxb-${randomBytes(12).toString('hex')}`;
    const n = new SlackNotifier({ token: wrong, channel: 'C0NOTIFY', apiUrl: slack.url });
    const e = await n.send({ runId: 'r', title: 't', text: 'x' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isFerryError(e) && e.code).toBe('NOTIFY_FAILED');
    expect((e as Error).message).toContain('invalid_auth');
    expect(JSON.stringify(e) + String((e as Error).stack)).not.toContain(wrong);
  });

  it('a missing env var for a configured channel is ENV_MISSING', () => {
    const e = (() => {
      try {
        buildNotifiers(cfg(), { env: { N_TOKEN: TOKEN, N_CHAN: 'C0NOTIFY' } });
      } catch (err) {
        return err;
      }
    })();
    expect(isFerryError(e) && e.code).toBe('ENV_MISSING');
    expect((e as Error).message).toContain('N_HOOK');
  });
});
