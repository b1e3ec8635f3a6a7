// Pure text for Slack: the seed's HIGH_RISK gate message (release-SKILL.md "Slack Gate Message
// Format"), the LOW_RISK release summary, and how a human's reply is read.

export interface GatePlanPackage {
  name: string;
  from: string;
  to: string;
  bump: string;
  commits: number;
}

export interface GatePlan {
  runId: string;
  planHash: string;
  tiers: { tier: number; packages: GatePlanPackage[] }[];
  /** Packages left out because they have no unreleased commits. */
  skipped: string[];
}

const pad = (s: string, n: number): string => s + ' '.repeat(Math.max(0, n - s.length));

/** The gate message, laid out exactly as the seed shows it. */
export function renderGateMessage(plan: GatePlan): string {
  const pkgs = plan.tiers.flatMap((t) => t.packages);
  const nameW = Math.max(18, ...pkgs.map((p) => p.name.length)) + 1;
  const verW = Math.max(0, ...pkgs.map((p) => `${p.from} → ${p.to}`.length)) + 2;
  const lines = [
    `[HIGH_RISK] release — coordinated release of ${pkgs.length} repo${pkgs.length === 1 ? '' : 's'}`,
    '',
    `Run: ${plan.runId}`,
    `Plan Hash: ${plan.planHash}`,
    '',
    'RELEASE PLAN:',
  ];
  for (const t of [...plan.tiers].sort((a, b) => a.tier - b.tier)) {
    if (t.packages.length === 0) continue;
    lines.push(`  Tier ${t.tier}:`);
    for (const p of t.packages) {
      const commits = `${p.commits} commit${p.commits === 1 ? '' : 's'}`;
      lines.push(`    ${pad(p.name, nameW)}${pad(`${p.from} → ${p.to}`, verW)}(${p.bump}, ${commits})`);
    }
  }
  lines.push('', 'SKIPPED (no unreleased commits):');
  if (plan.skipped.length === 0) lines.push('  (none)');
  for (const s of plan.skipped) lines.push(`  ${s}`);
  lines.push(
    '',
    'Commands:',
    '  approve            — execute full release plan',
    '  reject             — cancel entire release',
    '',
    'This is HIGH_RISK — silence will NOT auto-advance.',
  );
  return lines.join('\n');
}

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
  const header = ['repo', 'old → new', 'PR', 'tag', 'registry'];
  const cells = s.rows.map((r) => [r.repo, `${r.from} → ${r.to}`, r.pr ?? '-', r.tag ?? '-', r.registry ?? '-']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const row = (c: string[]): string =>
    c
      .map((x, i) => pad(x, widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const failures = s.rows.filter((r) => r.error).map((r) => `  ${r.repo}: ${r.error ?? ''}`);
  return [
    `[LOW_RISK] release ${s.runId} — ${s.status}`,
    '',
    '```',
    row(header),
    ...cells.map(row),
    '```',
    ...(failures.length ? ['', 'Failures:', ...failures] : []),
  ].join('\n');
}
