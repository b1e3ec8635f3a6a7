// The seed's ModelSkillResult and the closing summary table.

import { z } from 'zod';
import type { SerializedError } from '../errors.js';
import { serializedErrorSchema } from '../engine/schemas.js';
import type { PlanRow, ReleaseData } from './types.js';
import { renderTable } from '../util/table.js';

/** A same-run dependency declaration the release rewrites (issue 13.1/13.2), from the plan. */
export const dependencyRewriteSchema = z.strictObject({
  dependency: z.string().describe('The same-run dependency as the manifest names it.'),
  file: z.string().describe('Manifest path relative to the repo.'),
  line: z.number().int().nonnegative().describe('1-based line in the manifest before the release.'),
  from: z.string().describe('What is written now (a PEP 508 string, a TOML value, an npm spec).'),
  to: z.string().describe("What the release writes ('(removed)' for a [tool.uv.sources] entry it deletes)."),
  kind: z
    .string()
    .describe(
      'git, path or url (a source that becomes a version), pin or range, override, constraint, source-removed ([tool.uv.sources] entry).',
    ),
});
export type DependencyRewrite = z.infer<typeof dependencyRewriteSchema>;

export const releaseDetailSchema = z.strictObject({
  repo: z.string(),
  tier: z.number().int(),
  old_version: z.string(),
  new_version: z.string().nullable(),
  bump: z.enum(['major', 'minor', 'patch']).nullable(),
  commits_since_tag: z.number().int().nonnegative(),
  pr_url: z.string().nullable(),
  pr_number: z.number().int().nullable(),
  tag: z.string().nullable(),
  pypi_status: z.enum(['available', 'pending', 'skipped', 'failed']).nullable(),
  phase: z.string(),
  error: z.string().nullable(),
  /** Not in the seed: the dependency declarations the release rewrites, with file and line. */
  dependency_rewrites: z.array(dependencyRewriteSchema).optional(),
});

export const releaseResultSchema = z.strictObject({
  skill: z.literal('release'),
  status: z.enum(['SUCCESS', 'PARTIAL', 'FAILED', 'DRY_RUN']),
  run_id: z.string(),
  gate_token: z.string().nullable(),
  plan_hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  repos_attempted: z.number().int().nonnegative(),
  repos_succeeded: z.number().int().nonnegative(),
  repos_failed: z.number().int().nonnegative(),
  repos_skipped: z.number().int().nonnegative(),
  details: z.array(releaseDetailSchema),
  /** Not in the seed: the run-level error (gate rejected, the first failed step…) when there is one. */
  error: serializedErrorSchema.nullable().optional(),
  /** Not in the seed, as in the redeploy result: the exact command that continues a run that did not succeed. */
  resume: z.string().optional(),
});
export type ReleaseResult = z.infer<typeof releaseResultSchema>;
export type ReleaseDetail = z.infer<typeof releaseDetailSchema>;

function skippedDetail(r: PlanRow): ReleaseDetail {
  return {
    repo: r.package,
    tier: r.tier,
    old_version: r.current,
    new_version: null,
    bump: null,
    commits_since_tag: r.commits,
    pr_url: null,
    pr_number: null,
    tag: null,
    pypi_status: null,
    phase: 'NOTHING_TO_RELEASE',
    error: null,
  };
}

/**
 * Counts: attempted = planned packages = succeeded (DONE) + failed (failed or blocked);
 * skipped = NOTHING_TO_RELEASE. `repo` in details is the package name (the repo's, in a polyrepo).
 */
export function buildResult(input: {
  runId: string;
  planHash: string;
  rows: readonly PlanRow[];
  data: ReleaseData | null;
  dryRun: boolean;
  error?: SerializedError | null;
  /** The resume command, reported when the run did not succeed. */
  resume?: string;
  /** Dependency rewrites by package (from the plan). */
  rewrites?: Record<string, DependencyRewrite[]>;
}): ReleaseResult {
  const details: ReleaseDetail[] = [];
  let ok = 0;
  let failed = 0;
  let notStarted = 0;
  for (const row of input.rows) {
    const r = input.data?.repos[row.package];
    if (row.status !== 'PLANNED' || !r) {
      if (row.status !== 'PLANNED') details.push(skippedDetail(row));
      continue;
    }
    // Still PLANNED with no error: never started (the gate stopped the run first), so neither
    // attempted nor failed; the seed: "Gate rejected: no repos modified".
    const untouched = r.phase === 'PLANNED' && !r.error && !input.dryRun;
    if (untouched) notStarted++;
    else if (r.phase === 'DONE') ok++;
    else if (!input.dryRun) failed++;
    details.push({
      repo: r.package,
      tier: r.tier,
      old_version: r.old_version,
      new_version: r.new_version,
      bump: r.bump,
      commits_since_tag: r.commits_since_tag,
      pr_url: r.pr_url,
      pr_number: r.pr_number,
      tag: r.tag,
      pypi_status: r.pypi_status,
      phase: r.phase,
      error: r.error,
      ...(input.rewrites?.[r.package]?.length ? { dependency_rewrites: input.rewrites[r.package] } : {}),
    });
  }
  const attempted = input.rows.filter((r) => r.status === 'PLANNED').length - notStarted;
  const status = input.dryRun ? 'DRY_RUN' : failed === 0 && !input.error ? 'SUCCESS' : ok > 0 ? 'PARTIAL' : 'FAILED';
  return {
    skill: 'release',
    status,
    run_id: input.runId,
    gate_token: input.data?.gate_token ?? null,
    plan_hash: input.planHash,
    repos_attempted: attempted,
    repos_succeeded: ok,
    repos_failed: failed,
    repos_skipped: input.rows.filter((r) => r.status !== 'PLANNED').length,
    details,
    ...(input.error ? { error: input.error } : {}),
    ...(input.resume && status !== 'SUCCESS' && status !== 'DRY_RUN' ? { resume: input.resume } : {}),
  };
}

/** The registry column: the registry status of a released package, else why there is none. */
function registryCell(d: ReleaseDetail): string {
  if (d.phase === 'BLOCKED') return 'blocked';
  if (d.error) return `failed (${d.phase})`;
  return d.pypi_status ?? '-';
}

/** `repo | old → new | PR | tag | registry`. */
export function renderSummary(result: ReleaseResult): string {
  const rows = result.details.map((d) => [
    d.repo,
    d.new_version ? `${d.old_version} → ${d.new_version}` : `${d.old_version} (nothing to release)`,
    d.pr_number !== null ? `#${d.pr_number}` : '-',
    d.tag ?? '-',
    registryCell(d),
  ]);
  return renderTable(['repo', 'old → new', 'PR', 'tag', 'registry'], rows);
}

/**
 * The closing lines of a failed or partial run (stderr): one complete line naming the package,
 * phase and error, the error's output tail indented below it (a multi-line message is
 * `<message>:\n<output>`), then the exact resume command.
 */
export function renderFailure(
  runId: string,
  status: string,
  failed: { package: string; phase: string; error: string | null } | undefined,
  resume: string,
): string {
  const lines: string[] = [];
  if (failed) {
    const [head = '', ...rest] = (failed.error ?? 'failed').split('\n');
    const output = rest.map((l) => l.trimEnd()).filter((l) => l !== '');
    lines.push(
      `release ${runId} ${status}: ${failed.package} failed at ${failed.phase}: ${output.length ? head.replace(/:\s*$/, '') : head}`,
    );
    lines.push(...output.map((l) => `    ${l}`));
  } else {
    lines.push(`release ${runId} ${status}: stopped`);
  }
  lines.push(`resume with: ${resume}`);
  return lines.join('\n');
}
