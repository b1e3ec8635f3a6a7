// PLAN: the rows, their hash and their renderings (table, gate message). Pure.

import { createHash } from 'node:crypto';
import type { PlanRow } from './types.js';
import { renderTable } from '../util/table.js';
import { renderGateMessage as seedGateMessage } from './gate-message.js';

/** JSON with object keys sorted at every level: the same data always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Rows in plan order: tier, then repo, then package. */
export function sortRows(rows: readonly PlanRow[]): PlanRow[] {
  return [...rows].sort(
    (a, b) => a.tier - b.tier || a.repo.localeCompare(b.repo) || a.package.localeCompare(b.package),
  );
}

/** `sha256:<hex>` of the canonical JSON of the sorted rows (no timestamps in it). */
export function planHash(rows: readonly PlanRow[]): string {
  return (
    'sha256:' +
    createHash('sha256')
      .update(canonicalJson(sortRows(rows)))
      .digest('hex')
  );
}

/**
 * `repo | tier | current | new | bump | commits | status | branch`; `status` may be overridden (resume
 * shows phases). `branch` is the branch each release is cut from.
 */
export function renderPlanTable(rows: readonly PlanRow[], statusOf: (r: PlanRow) => string = (r) => r.status): string {
  const label = (r: PlanRow): string => (r.repo === r.package ? r.repo : `${r.repo}:${r.package}`);
  return renderTable(
    ['repo', 'tier', 'current', 'new', 'bump', 'commits', 'status', 'branch'],
    sortRows(rows).map((r) => [
      label(r),
      String(r.tier),
      r.current,
      r.new ?? '-',
      r.bump ?? '-',
      String(r.commits),
      statusOf(r),
      r.branch ?? '-',
    ]),
  );
}

/**
 * Where each current version comes from, one line per row: the last release tag, or the manifest
 * (untagged, or ahead of every tag). Empty when no row says (rows from older state files).
 */
export function renderVersionSources(rows: readonly PlanRow[]): string {
  const known = sortRows(rows).filter((r) => r.current_from);
  if (!known.length) return '';
  const label = (r: PlanRow): string => (r.repo === r.package ? r.repo : `${r.repo}:${r.package}`);
  const width = Math.max(...known.map((r) => label(r).length));
  const lines = known.map((r) => {
    const from =
      r.current_from === 'tag'
        ? `tag ${r.last_tag}`
        : r.last_tag
          ? `manifest (ahead of its last tag ${r.last_tag})`
          : 'manifest (no release tag yet)';
    const dyn = r.version_source;
    const how = !dyn
      ? ''
      : dyn.kind === 'vcs'
        ? `; version from git tags (${dyn.backend}): released by tagging only`
        : `; version kept in ${dyn.file} (${dyn.backend})`;
    return `  ${label(r).padEnd(width)}  ${r.current}  ${from}${how}`;
  });
  return ['current versions:', ...lines].join('\n');
}

/**
 * Which intent asked for each bump that did not come from commits alone: the changeset files (each
 * with the bump it asked for) and dependent cascades. Empty when no row has one.
 */
export function renderBumpSources(rows: readonly PlanRow[]): string {
  const label = (r: PlanRow): string => (r.repo === r.package ? r.repo : `${r.repo}:${r.package}`);
  const known = sortRows(rows).filter(
    (r) => r.status === 'PLANNED' && (r.changesets?.length || r.cascade?.length || r.group),
  );
  if (!known.length) return '';
  const width = Math.max(...known.map((r) => label(r).length));
  const lines = known.map((r) => {
    const from = [
      ...(r.changesets ?? []).map((c) => `${c.file} (${c.bump})`),
      ...(r.cascade?.length ? [`cascade from ${r.cascade.join(', ')}`] : []),
      ...(r.group ? [`group ${r.group}`] : []),
    ];
    return `  ${label(r).padEnd(width)}  ${(r.bump ?? '-').padEnd(5)}  ${from.join(', ')}`;
  });
  return ['bump sources:', ...lines].join('\n');
}

/** Why each row with commits is not released (shown under a plan that releases others). */
export function renderNotReleased(rows: readonly PlanRow[]): string {
  const label = (r: PlanRow): string => (r.repo === r.package ? r.repo : `${r.repo}:${r.package}`);
  const known = sortRows(rows).filter((r) => r.status !== 'PLANNED' && r.reason);
  return known.length ? ['not released:', ...known.map((r) => `  ${label(r)}: ${r.reason}`)].join('\n') : '';
}

/**
 * Why the plan releases nothing: one line per row whose commits are none conventional (they
 * are not "no unreleased commits"), then the NOTHING_TO_RELEASE summary.
 */
export function renderNothingToRelease(rows: readonly PlanRow[]): string {
  const label = (r: PlanRow): string => (r.repo === r.package ? r.repo : `${r.repo}:${r.package}`);
  const reasons = sortRows(rows)
    .filter((r) => r.reason)
    .map((r) => `${label(r)}: ${r.reason}`);
  const summary = reasons.length
    ? 'Nothing to release (NOTHING_TO_RELEASE).'
    : 'Nothing to release: no package has unreleased commits (NOTHING_TO_RELEASE).';
  return [...reasons, summary].join('\n');
}

/** The seed's HIGH_RISK gate message for these rows (release/gate-message.ts lays it out). */
export function renderGateMessage(runId: string, hash: string, rows: readonly PlanRow[]): string {
  const sorted = sortRows(rows);
  const planned = sorted.filter((r) => r.status === 'PLANNED');
  const tiers = [...new Set(planned.map((r) => r.tier))].map((tier) => ({
    tier,
    packages: planned
      .filter((r) => r.tier === tier)
      .map((r) => ({
        name: r.package,
        from: r.current,
        to: r.new ?? r.current,
        bump: r.bump ?? '-',
        commits: r.commits,
      })),
  }));
  const skipped = sorted
    .filter((r) => r.status !== 'PLANNED')
    .map((r) => `${r.package}${r.reason ? ` (${r.reason})` : ''}`);
  return seedGateMessage({ runId, planHash: hash, tiers, skipped });
}
