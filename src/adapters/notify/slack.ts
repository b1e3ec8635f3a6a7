// LOW_RISK notices (release summary, redeploy NOTIFY) posted to the Slack channel.

import type { WebClient } from '@slack/web-api';
import { ErrorCode, FerryError } from '../../errors.js';
import { createSlackClient, slackReason, type SlackSettings } from '../gate/slack-client.js';
import type { Notice, Notifier } from './types.js';

export class SlackNotifier implements Notifier {
  readonly channel = 'slack';
  private readonly client: WebClient;

  constructor(
    private readonly settings: SlackSettings,
    opts: { client?: WebClient; log?: (m: string) => void } = {},
  ) {
    // Few retries: a notice is informational and must not hold a finished run for long.
    this.client = opts.client ?? createSlackClient(settings, { log: () => opts.log ?? (() => undefined), retries: 3 });
  }

  /** @throws NOTIFY_FAILED with Slack's error code. */
  async send(notice: Notice): Promise<{ ref?: string }> {
    const text = notice.text.startsWith(notice.title) ? notice.text : `${notice.title}\n${notice.text}`;
    try {
      const r = await this.client.chat.postMessage({ channel: this.settings.channel, text });
      return { ref: r.ts };
    } catch (e) {
      throw new FerryError(
        ErrorCode.NOTIFY_FAILED,
        `Slack notice "${notice.title}" was not posted (${slackReason(e)})`,
        {
          cause: e,
          retryable: true,
          details: { channel: 'slack', reason: slackReason(e) },
        },
      );
    }
  }
}
