// A loopback HTTP load generator for promote tests: `concurrency` workers send GET requests to a
// 127.0.0.1 URL until `maxRequests` were sent or `maxDurationMs` passed (or stop() is called), and
// count every failure (no answer, timeout, non-2xx). Bounded by construction: it always stops.

import { request, Agent } from 'node:http';

export interface LoadOptions {
  url: string;
  concurrency?: number;
  maxRequests?: number;
  maxDurationMs?: number;
  requestTimeoutMs?: number;
  /** Pause between one worker's requests (steady, not flooding). */
  intervalMs?: number;
}

export interface LoadReport {
  sent: number;
  ok: number;
  failed: number;
  /** Up to 20 examples of failures (status or error code). */
  failures: string[];
  durationMs: number;
  statuses: Record<string, number>;
}

export interface LoadRun {
  /** Resolves when the load stops (bounds reached or stop()). */
  done: Promise<LoadReport>;
  stop(): void;
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]')
    throw new Error(`load generator targets loopback only, got ${host}`);
}

function once(url: string, agent: Agent, timeoutMs: number): Promise<{ ok: boolean; label: string }> {
  return new Promise((resolve) => {
    const req = request(url, { agent, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => {
        const ok = res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300;
        resolve({ ok, label: `HTTP ${res.statusCode}` });
      });
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, label: e.code ?? e.message }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, label: e.code ?? e.message }));
    req.end();
  });
}

export function startLoad(o: LoadOptions): LoadRun {
  assertLoopback(o.url);
  const maxRequests = o.maxRequests ?? 10_000;
  const maxDurationMs = o.maxDurationMs ?? 60_000;
  const timeoutMs = o.requestTimeoutMs ?? 3000;
  const intervalMs = o.intervalMs ?? 10;
  const started = Date.now();
  const agent = new Agent({ keepAlive: false });
  const report: LoadReport = { sent: 0, ok: 0, failed: 0, failures: [], durationMs: 0, statuses: {} };
  let stopped = false;
  const more = (): boolean => !stopped && report.sent < maxRequests && Date.now() - started < maxDurationMs;
  const worker = async (): Promise<void> => {
    while (more()) {
      report.sent++;
      const r = await once(o.url, agent, timeoutMs);
      report.statuses[r.label] = (report.statuses[r.label] ?? 0) + 1;
      if (r.ok) report.ok++;
      else {
        report.failed++;
        if (report.failures.length < 20) report.failures.push(`${new Date().toISOString()} ${r.label}`);
      }
      if (intervalMs > 0) await new Promise((res) => setTimeout(res, intervalMs));
    }
  };
  const done = Promise.all(Array.from({ length: o.concurrency ?? 4 }, worker)).then(() => {
    report.durationMs = Date.now() - started;
    agent.destroy();
    return report;
  });
  return {
    done,
    stop: () => {
      stopped = true;
    },
  };
}
