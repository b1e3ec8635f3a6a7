// BUMP, PIN, CHANGELOG: format-preserving file edits inside the unit's worktree. Each computes
// the new text purely and writes only when it differs (the edit is its own idempotency check).

import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readTextOrNull } from '../../util/fs.js';
import type { Step } from '../../engine/types.js';
import {
  changelogHeading,
  changelogStyle,
  hasChangelogVersion,
  insertChangelogSection,
  renderChangelogSection,
} from '../../manifest/changelog.js';
import { pinPackageJsonDeps, setPackageJsonVersion } from '../../manifest/package-json.js';
import { pinPyprojectDeps, setPyprojectVersion, type PinChange } from '../../manifest/pyproject.js';
import { plural } from '../../util/text.js';
import { manifestFile } from '../scan.js';
import { dependenciesSection } from '../policies/cascade.js';
import { changesetGroups } from '../changesets.js';
import { consumeChangesets, describeConsumed } from './changeset-files.js';
import { setDunderVersion } from '../versions/version-files.js';
import { ErrorCode, FerryError } from '../../errors.js';
import type { ReleaseConfig } from '../../config/sections/release.js';
import type { DynamicVersion, ReleaseData, RepoState } from '../types.js';
import { packageDir, repoOf, unitOf, type Ctx, type ReleaseDeps } from './deps.js';

function manifestPath(ctx: Ctx, pkg: string): string {
  const r = repoOf(ctx, pkg);
  return join(unitOf(ctx, r.unit).worktree_path, manifestFile(r));
}

/** Pure: the manifest with its version set. */
export function bumpedManifest(r: Pick<RepoState, 'ecosystem'>, text: string, version: string, file: string): string {
  return r.ecosystem === 'python'
    ? setPyprojectVersion(text, version, file)
    : setPackageJsonVersion(text, version, file);
}

/** Same-run dependencies already released (earlier tiers): name → new version. */
export function sameRunPins(data: ReleaseData, pkg: string): Record<string, string> {
  const r = data.repos[pkg];
  const pins: Record<string, string> = {};
  for (const d of r?.deps ?? []) {
    const dep = data.repos[d];
    if (dep && dep.tier < (r?.tier ?? 0)) pins[d] = dep.new_version;
  }
  return pins;
}

/** Pure: the manifest with same-run dependencies rewritten for their released versions, in the configured pin style. */
export function pinnedManifest(
  r: Pick<RepoState, 'ecosystem'>,
  text: string,
  pins: Record<string, string>,
  file: string,
  pinStyle: ReleaseConfig['pin_style'] = { python: 'exact', npm: 'preserve' },
): { text: string; changes: PinChange[] } {
  return r.ecosystem === 'python'
    ? pinPyprojectDeps(text, pins, { file, style: pinStyle.python })
    : pinPackageJsonDeps(text, pins, file, pinStyle.npm);
}

/** What BUMP says instead of a manifest edit when the version is dynamic. */
export function dynamicVersionNote(source: DynamicVersion, version: string): string {
  return source.kind === 'vcs'
    ? `version from git tags (${source.backend}): no manifest edit; the release tag makes it ${version}`
    : `version in ${source.file} (${source.backend}), not in the manifest: no manifest edit`;
}

export function bumpStep(pkg: string): Step<ReleaseData> {
  return {
    id: `${pkg}/BUMP`,
    title: `${pkg}: bump version`,
    group: pkg,
    describe: (ctx) => {
      const r = repoOf(ctx, pkg);
      return [
        r.version_source
          ? { kind: 'note' as const, text: dynamicVersionNote(r.version_source, r.new_version) }
          : { kind: 'edit' as const, text: `${manifestPath(ctx, pkg)}: version ${r.old_version} → ${r.new_version}` },
        ...(r.version_files ?? []).map((f) => ({
          kind: 'edit' as const,
          text: `${join(packageDir(ctx, pkg), f)}: __version__ → "${r.new_version}"`,
        })),
      ];
    },
    run: async (ctx) => {
      const r = repoOf(ctx, pkg);
      const file = manifestPath(ctx, pkg);
      const edits: { file: string; before: string; after: string }[] = [];
      // A dynamic version has no manifest key to edit: the tag (vcs) or the version module (file) carries it.
      if (!r.version_source) {
        const before = await readFile(file, 'utf8');
        edits.push({ file, before, after: bumpedManifest(r, before, r.new_version, file) });
      }
      for (const f of r.version_files ?? []) {
        const path = join(packageDir(ctx, pkg), f);
        const text = await readFile(path, 'utf8');
        const after = setDunderVersion(text, r.new_version);
        if (after === null)
          throw new FerryError(ErrorCode.CONFIG_INVALID, `${path}: no __version__ = "…" line to update`, {
            fix: `add __version__ = "${r.old_version}" to it, or remove it from packages[].version_files of ${pkg}`,
          });
        edits.push({ file: path, before: text, after });
      }
      const changed = edits.filter((e) => e.after !== e.before);
      if (!changed.length) return { status: 'skipped', detail: 'already_bumped', output: { version: r.new_version } };
      for (const e of changed) await writeFile(e.file, e.after);
      return { output: { file, files: changed.map((e) => e.file), from: r.old_version, to: r.new_version } };
    },
  };
}

export function pinStep(pkg: string, deps: ReleaseDeps): Step<ReleaseData> {
  return {
    id: `${pkg}/PIN`,
    title: `${pkg}: pin same-run dependencies`,
    group: pkg,
    describe: (ctx) => {
      const pins = sameRunPins(ctx.data, pkg);
      const list = Object.entries(pins).map(([n, v]) => `${n}==${v}`);
      if (!list.length) return [{ kind: 'edit', text: 'no same-run dependencies to pin' }];
      // Say what the edit will be (pin style, a `workspace:` spec left alone), read from the repo's own checkout.
      const r = repoOf(ctx, pkg);
      const file = manifestPath(ctx, pkg);
      const text = readSync(existsSync(file) ? file : join(unitOf(ctx, r.unit).repoDir, manifestFile(r)));
      if (text === null) return [{ kind: 'edit', text: `${file}: pin ${list.join(', ')}` }];
      let changes: PinChange[];
      try {
        changes = pinnedManifest(r, text, pins, file, deps.cfg.pin_style).changes;
      } catch {
        return [{ kind: 'edit', text: `${file}: pin ${list.join(', ')}` }];
      }
      const kept = Object.keys(pins).filter((n) => !changes.some((c) => c.name === n));
      const workspaceSpec = (n: string): string | undefined =>
        r.ecosystem === 'npm'
          ? new RegExp(`"${n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"\\s*:\\s*"(workspace:[^"]*)"`).exec(text)?.[1]
          : undefined;
      const parts = [
        ...changes.map((c) => (r.ecosystem === 'python' ? `${c.from} → ${c.to}` : `${c.name} ${c.from} → ${c.to}`)),
        ...kept.map((n) => {
          const ws = workspaceSpec(n);
          return ws ? `${n} stays "${ws}" (resolved when packed)` : `${n} left as is (already admits ${pins[n]})`;
        }),
      ];
      return [{ kind: 'edit', text: `${file}: pin ${parts.join(', ')}` }];
    },
    run: async (ctx) => {
      const r = repoOf(ctx, pkg);
      const pins = sameRunPins(ctx.data, pkg);
      if (Object.keys(pins).length === 0)
        return { status: 'skipped', detail: 'no_same_run_deps', output: { pins_applied: [] } };
      const file = manifestPath(ctx, pkg);
      const before = await readFile(file, 'utf8');
      const { text, changes } = pinnedManifest(r, before, pins, file, deps.cfg.pin_style);
      if (text === before)
        return {
          status: 'skipped',
          detail: 'already_pinned',
          output: { pins: Object.entries(pins).map(([n, v]) => `${n}==${v}`) },
        };
      await writeFile(file, text);
      return { output: { pins_applied: changes } };
    },
  };
}

function readSync(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export function changelogStep(pkg: string, deps: ReleaseDeps): Step<ReleaseData> {
  const path = (ctx: Ctx): string => join(packageDir(ctx, pkg), deps.cfg.changelog);
  return {
    id: `${pkg}/CHANGELOG`,
    title: `${pkg}: changelog`,
    group: pkg,
    describe: (ctx) => {
      // The dry run has no worktree yet: read the clone's file, which the worktree is cut from.
      const r = repoOf(ctx, pkg);
      const file = path(ctx);
      const existing = readSync(
        existsSync(file) ? file : join(unitOf(ctx, r.unit).repoDir, r.path, deps.cfg.changelog),
      );
      if (existing !== null && hasChangelogVersion(existing, r.new_version))
        return [{ kind: 'note', text: `${file}: already has a ${r.new_version} section; left as is` }];
      const style = changelogStyle(existing);
      const where =
        existing === null
          ? 'new file'
          : style === 'keep-a-changelog' && /^##\s+\[?Unreleased\]?\s*$/im.test(existing)
            ? 'under ## [Unreleased]'
            : 'above the newest section';
      const cs = ctx.data.changesets?.[pkg]?.length ?? 0;
      const from = [
        ...(deps.cfg.intents === 'changesets' ? [] : [plural(ctx.data.commits[pkg]?.length ?? 0, 'commit')]),
        ...(cs ? [plural(cs, 'changeset')] : []),
      ];
      return [
        {
          kind: 'edit',
          text: `${file}: add "${changelogHeading(r.new_version, ctx.data.date, style)}" (${where}) from ${from.join(' and ') || 'no changes'}`,
        },
        ...describeConsumed(ctx, pkg).map((text) => ({ kind: 'edit' as const, text })),
      ];
    },
    run: async (ctx) => {
      const r = repoOf(ctx, pkg);
      const file = path(ctx);
      const before = await readTextOrNull(file);
      // Changesets mode: the summaries are the changelog (commits say nothing there, as with the changesets CLI).
      const commits = deps.cfg.intents === 'changesets' ? [] : (ctx.data.commits[pkg] ?? []);
      const section = withDependencies(
        withChangesets(
          renderChangelogSection(r.new_version, ctx.data.date, commits, changelogStyle(before)),
          changesetGroups(ctx.data.changesets?.[pkg] ?? []),
        ),
        (r.cascade ?? []).map((d) => ({ name: d, version: ctx.data.repos[d]?.new_version ?? '' })),
      );
      const after = insertChangelogSection(before, r.new_version, section);
      if (after !== before) await writeFile(file, after);
      // After the section is written: a crash in between re-runs this step, and the section is the
      // idempotency key of the first half, the file's own entries of the second.
      const consumed = await consumeChangesets(ctx, pkg);
      if (after === before && !consumed.length) return { status: 'skipped', detail: 'already_has_version' };
      return { output: { file, ...(consumed.length ? { changesets_consumed: consumed } : {}) } };
    },
  };
}

/** The section with the changeset groups first (above the commits' groups, or instead of "No notable changes"). */
function withChangesets(section: string, groups: string): string {
  if (!groups) return section;
  if (section.includes('- No notable changes.\n')) return section.replace('- No notable changes.\n', `${groups}\n`);
  const nl = section.indexOf('\n\n');
  return `${section.slice(0, nl)}\n\n${groups}${section.slice(nl)}`;
}

/** A cascaded release's section: its "Dependencies" group instead of "No notable changes". */
function withDependencies(section: string, updated: { name: string; version: string }[]): string {
  if (updated.length === 0) return section;
  const deps = dependenciesSection(updated);
  return section.includes('- No notable changes.\n')
    ? section.replace('- No notable changes.\n', deps)
    : `${section}\n${deps}`;
}
