// TAG (on the merge commit, pushed; TAG_CONFLICT when it names another commit) and PUBLISH
// (registry lookup first, upload, then wait until installers can see it). The tag is never a
// reason to skip PUBLISH: only the registry knows whether the version is there.

import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Git } from '../../adapters/git/git.js';
import type { Artifact } from '../../adapters/registry/types.js';
import { fileDigests } from '../../adapters/registry/common.js';
import { ErrorCode, FerryError } from '../../errors.js';
import type { Step } from '../../engine/types.js';
import { formatCommand } from '../../util/process.js';
import { formatTag } from '../scan.js';
import type { ReleaseData } from '../types.js';
import { remoteOf, repoOf, resumeCommand, slug, unitOf, type Ctx, type ReleaseDeps } from './deps.js';
import { publishViaWorkflow, workflowIntent } from './publish-workflow.js';
import {
  describePackedWorkspaceDeps,
  describeWorkspaceResolution,
  resolvePackedWorkspaceDeps,
  setPackedVersion,
} from './workspace-protocol.js';

function tagName(ctx: Ctx, pkg: string, deps: ReleaseDeps): string {
  const r = repoOf(ctx, pkg);
  return formatTag(r.tag_template ?? deps.cfg.tag, { name: r.package, repo: r.repo, path: r.path }, r.new_version);
}

export function tagStep(pkg: string, deps: ReleaseDeps): Step<ReleaseData> {
  const remote = remoteOf(deps.cfg);
  return {
    id: `${pkg}/TAG`,
    title: `${pkg}: tag`,
    group: pkg,
    describe: (ctx) => {
      const dir = unitOf(ctx, repoOf(ctx, pkg).unit).repoDir;
      const tag = tagName(ctx, pkg, deps);
      const create = deps.cfg.tag_annotated
        ? ['tag', '-a', tag, '-m', `release ${tag}`, '<merge commit>']
        : ['tag', tag, '<merge commit>'];
      return [
        { kind: 'exec', text: formatCommand('git', ['-C', dir, ...create]) },
        { kind: 'exec', text: formatCommand('git', ['-C', dir, 'push', remote, `refs/tags/${tag}`]) },
      ];
    },
    run: async (ctx) => {
      const r = repoOf(ctx, pkg);
      const u = unitOf(ctx, r.unit);
      const tag = tagName(ctx, pkg, deps);
      const target = u.merge_sha;
      if (!target) throw new Error(`${pkg}: TAG before MERGE recorded the merge commit`);
      const git = new Git(ctx.exec);
      const local = await git.revParse(u.repoDir, `refs/tags/${tag}`);
      const onRemote = await git.lsRemote(u.repoDir, remote, `refs/tags/${tag}`);
      for (const [where, sha] of [
        ['locally', local],
        [`on ${remote}`, onRemote],
      ] as const) {
        if (sha && sha !== target) {
          throw new FerryError(
            ErrorCode.TAG_CONFLICT,
            `tag ${tag} exists ${where} on ${sha.slice(0, 12)}, not on the release commit ${target.slice(0, 12)}`,
            {
              fix: `git -C ${u.repoDir} tag -d ${tag} && git -C ${u.repoDir} push ${remote} :refs/tags/${tag}   # if stale; then: ${resumeCommand(ctx.runId)}`,
              details: { tag, existing: sha, expected: target },
            },
          );
        }
      }
      r.tag = tag;
      if (local && onRemote) return { status: 'skipped', detail: 'already_tagged', output: { tag, sha: target } };
      if (!local) await git.createTag(u.repoDir, tag, target, deps.cfg.tag_annotated ? `release ${tag}` : null);
      if (!onRemote) await git.push(u.repoDir, remote, [`refs/tags/${tag}`], resumeCommand(ctx.runId));
      return { output: { tag, sha: target } };
    },
  };
}

interface PublishCheckpoint {
  artifacts: Artifact[];
}

/** Artifacts built by an earlier attempt, if their files are intact (same digest → same upload). */
async function reusable(cp: unknown): Promise<Artifact[] | null> {
  const list = (cp as PublishCheckpoint | undefined)?.artifacts;
  if (!Array.isArray(list) || list.length === 0) return null;
  for (const a of list) {
    if (!existsSync(a.path) || (await fileDigests(a.path)).sha256 !== a.sha256) return null;
  }
  return list;
}

// The dry run's view of the packed manifest: `workspace:` deps resolved with this run's versions.
function packedManifestIntent(ctx: Ctx, pkg: string): { kind: 'edit'; text: string }[] {
  const r = repoOf(ctx, pkg);
  if (r.ecosystem !== 'npm') return [];
  const repoDir = unitOf(ctx, r.unit).repoDir;
  const released = new Map(Object.values(ctx.data.repos).map((o) => [o.package, o.new_version] as const));
  const text = describePackedWorkspaceDeps(repoDir, join(repoDir, r.path), released);
  const out: { kind: 'edit'; text: string }[] = [];
  if (r.version_source?.kind === 'vcs')
    out.push({ kind: 'edit', text: `packed package.json: "version": "${r.new_version}" (from the tag)` });
  if (text) out.push({ kind: 'edit', text });
  return out;
}

export function publishStep(pkg: string, deps: ReleaseDeps): Step<ReleaseData> {
  const dirs = (ctx: Ctx): { src: string; dist: string } => {
    const base = join(deps.home, 'worktrees', ctx.runId, '_publish');
    return { src: join(base, slug(pkg)), dist: join(base, `${slug(pkg)}-dist`) };
  };
  return {
    id: `${pkg}/PUBLISH`,
    title: `${pkg}: publish`,
    group: pkg,
    describe: (ctx) => {
      const r = repoOf(ctx, pkg);
      if (r.publish === false) return [{ kind: 'note', text: 'publish: false — nothing to upload' }];
      const wait = ctx.data.options.skip_registry_wait
        ? 'no wait (--skip-registry-wait)'
        : `wait up to ${ctx.data.options.registry_timeout_minutes} min until installers see it`;
      if (deps.cfg.publish.mode === 'workflow')
        return [
          { kind: 'api', text: `${workflowIntent(deps, tagName(ctx, pkg, deps))}; registry ${r.publish}: ${wait}` },
        ];
      return [
        {
          kind: 'exec',
          text: formatCommand('git', [
            '-C',
            unitOf(ctx, r.unit).repoDir,
            'worktree',
            'add',
            '--detach',
            dirs(ctx).src,
            tagName(ctx, pkg, deps),
          ]),
        },
        ...packedManifestIntent(ctx, pkg),
        {
          kind: 'api',
          text: `registry ${r.publish}: look up ${r.package}@${r.new_version}; build and upload unless the same artifacts are there; ${wait}`,
        },
      ];
    },
    run: async (ctx) => {
      const r = repoOf(ctx, pkg);
      if (r.publish === false) {
        r.pypi_status = 'skipped';
        return { status: 'skipped', detail: 'publish_disabled' };
      }
      const u = unitOf(ctx, r.unit);
      if (!u.merge_sha) throw new Error(`${pkg}: PUBLISH before MERGE recorded the merge commit`);
      const registry = await deps.registry(r.publish, ctx.exec);
      if (deps.cfg.publish.mode === 'workflow') {
        try {
          return await publishViaWorkflow(ctx, pkg, tagName(ctx, pkg, deps), deps, registry);
        } catch (e) {
          r.pypi_status = 'failed';
          throw e;
        }
      }
      const git = new Git(ctx.exec);
      const { src, dist } = dirs(ctx);
      try {
        let artifacts = await reusable(ctx.checkpoint);
        if (!artifacts) {
          await git.removeWorktree(u.repoDir, src);
          await rm(src, { recursive: true, force: true });
          await mkdir(join(src, '..'), { recursive: true });
          const add = await git.addWorktree(u.repoDir, src, null, u.merge_sha);
          if (add.exitCode !== 0)
            throw new FerryError(
              ErrorCode.PUBLISH_FAILED,
              `cannot check out ${u.merge_sha} for publishing: ${add.stderr.trim()}`,
              { fix: resumeCommand(ctx.runId) },
            );
          await rm(dist, { recursive: true, force: true });
          await mkdir(dist, { recursive: true });
          if (registry.kind === 'npm') {
            // Versioned only by tags: the packed manifest carries the tag's version (npm pack reads it there).
            if (r.version_source?.kind === 'vcs') setPackedVersion(join(src, r.path), r.new_version);
            const resolved = resolvePackedWorkspaceDeps(src, join(src, r.path));
            if (resolved.length)
              ctx.log.info(`packed manifest: ${resolved.map(describeWorkspaceResolution).join(', ')}`);
          }
          artifacts = await registry.build({
            name: r.package,
            version: r.new_version,
            packageDir: join(src, r.path),
            distDir: dist,
            log: (m) => ctx.log.info(m),
            signal: ctx.signal,
          });
          await ctx.saveCheckpoint({ artifacts } satisfies PublishCheckpoint);
        }
        const input = {
          name: r.package,
          version: r.new_version,
          packageDir: join(src, r.path),
          distDir: dist,
          log: (m: string) => ctx.log.info(m),
          signal: ctx.signal,
        };
        const outcome = await registry.publish(input, artifacts);
        r.pypi_status = 'pending';
        if (!ctx.data.options.skip_registry_wait) {
          const timeoutMs = ctx.data.options.registry_timeout_minutes * 60_000;
          await registry.waitVisible(r.package, r.new_version, timeoutMs, (m) => ctx.log.info(m), ctx.signal, {
            fix: `${resumeCommand(ctx.runId)}   # or add --skip-registry-wait`,
          });
          r.pypi_status = 'available';
        }
        return {
          output: {
            publish: outcome,
            files: artifacts.map((a) => a.filename),
            registry: r.publish,
            status: r.pypi_status,
          },
        };
      } catch (e) {
        r.pypi_status = 'failed';
        throw e;
      } finally {
        await git.removeWorktree(u.repoDir, src);
      }
    },
  };
}
