// The seed's HIGH_RISK gate message (release-SKILL.md "Slack Gate Message Format"), laid out exactly as
// the seed shows it: the one text every gate channel shows (terminal, Slack, dashboard, events).

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
