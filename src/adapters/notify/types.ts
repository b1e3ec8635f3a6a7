// Informational notices (LOW_RISK summaries, redeploy NOTIFY). Failures never fail a run.

export interface Notice {
  runId: string;
  title: string;
  /** Plain text body (tables in monospace are fine). */
  text: string;
  level?: 'info' | 'warn' | 'error';
}

export interface Notifier {
  readonly channel: string;
  /** @throws NOTIFY_FAILED — callers report it and carry on. */
  send(notice: Notice): Promise<{ ref?: string }>;
}
