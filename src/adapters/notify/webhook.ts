// Notices POSTed as JSON to a webhook whose URL comes from an env var (URLs often embed a secret).

import { ErrorCode, FerryError } from '../../errors.js';
import { redact } from '../../util/redact.js';
import type { Notice, Notifier } from './types.js';

export interface WebhookBody {
  run_id: string;
  title: string;
  text: string;
  level: 'info' | 'warn' | 'error';
}

export class WebhookNotifier implements Notifier {
  readonly channel = 'webhook';
  constructor(
    private readonly url: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /** @throws NOTIFY_FAILED on a network error or a non-2xx answer. */
  async send(notice: Notice): Promise<{ ref?: string }> {
    const body: WebhookBody = {
      run_id: notice.runId,
      title: notice.title,
      text: notice.text,
      level: notice.level ?? 'info',
    };
    const fail = (why: string, cause?: unknown): FerryError =>
      new FerryError(ErrorCode.NOTIFY_FAILED, redact(`webhook notice "${notice.title}" failed (${why})`), {
        cause,
        retryable: true,
        details: { channel: 'webhook' },
      });
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw fail(e instanceof Error ? e.message : String(e), e);
    }
    if (!res.ok) throw fail(`HTTP ${res.status}`);
    return { ref: String(res.status) };
  }
}
