// Notices printed to a stream (stdout by default): the always-available channel.

import { redact } from '../../util/redact.js';
import type { Notice, Notifier } from './types.js';

export class StdoutNotifier implements Notifier {
  readonly channel = 'stdout';
  constructor(private readonly out: { write(s: string): unknown } = process.stdout) {}

  async send(notice: Notice): Promise<{ ref?: string }> {
    const text = notice.text.startsWith(notice.title) ? notice.text : `${notice.title}\n${notice.text}`;
    this.out.write(redact(`${text}\n`));
    return {};
  }
}
