// Pure text for Slack: reading the seed's HIGH_RISK gate message back (release/gate-message.ts writes
// it), the LOW_RISK release summary, and how a human's reply is read.

import { renderTable } from '../../util/table.js';

/** Read `Run:` and `Plan Hash:` back out of a gate message (attestation checks). */
export function parseGateMessage(text: string): { runId?: string; planHash?: string; highRisk: boolean } {
  return {
    runId: /^Run: (\S+)$/m.exec(text)?.[1],
    planHash: /^Plan Hash: (\S+)$/m.exec(text)?.[1],
    highRisk: text.startsWith('[HIGH_RISK]'),
  };
}

/**
 * The decision a reply carries: its first word, case-insensitive, after any leading @-mentions
 * and ignoring trailing punctuation ("Approve!", "<@U1> reject"). Anything else is chatter.
 */
export function replyDecision(text: string): 'approve' | 'reject' | undefined {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((w) => !/^<[@!#][^>]*>$/.test(w));
  const first = (words[0] ?? '').toLowerCase().replace(/^[*_~`]+|[^a-z]+$/g, '');
  return first === 'approve' || first === 'reject' ? first : undefined;
}

export interface SummaryRow {
  repo: string;
  from: string;
  to: string;
  /** PR URL or "#n"; null/undefined shows "-". */
  pr?: string | null;
  tag?: string | null;
  /** Registry status: available | pending | skipped | failed. */
  registry?: string | null;
  /** Failure text, shown under the table. */
  error?: string | null;
}

export interface ReleaseSummary {
  runId: string;
  status: string;
  rows: SummaryRow[];
}

/** LOW_RISK summary: repo | old → new | PR | tag | registry, monospace for Slack. */
export function renderReleaseSummary(s: ReleaseSummary): string {
  const table = renderTable(
    ['repo', 'old → new', 'PR', 'tag', 'registry'],
    s.rows.map((r) => [r.repo, `${r.from} → ${r.to}`, r.pr, r.tag, r.registry]),
  );
  const failures = s.rows.filter((r) => r.error).map((r) => `  ${r.repo}: ${r.error ?? ''}`);
  return [
    `[LOW_RISK] release ${s.runId} — ${s.status}`,
    '',
    '```',
    table,
    '```',
    ...(failures.length ? ['', 'Failures:', ...failures] : []),
  ].join('\n');
}
