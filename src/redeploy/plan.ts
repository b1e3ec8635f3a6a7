// Pure half of redeploy: argv arrays, paths, env requirements, version parsing, dry-run text,
// phase projection and the result object. Everything here is data in, data out.

import { basename, isAbsolute, join, resolve } from 'node:path';
import { formatCommand } from '../util/process.js';
import { formatVersions } from '../manifest/dockerfile-pins.js';
import type { RunState, StepRecord } from '../engine/types.js';
import type { RedeployConfig } from '../config/sections/redeploy.js';
import {
  PHASES,
  type Phase,
  type PhaseRecord,
  type PhaseStatus,
  type PinApplied,
  type RedeployData,
  type RedeployEnvContext,
  type RedeployFlags,
} from './types.js';

export function repoDir(ctx: RedeployEnvContext, repo: string): string {
  return isAbsolute(repo) ? repo : resolve(ctx.workspaceDir, repo);
}

/** SYNC targets: configured list, else the infra repo plus every local package repo. */
export function syncRepos(ctx: RedeployEnvContext): string[] {
  const list = ctx.config.sync.repos ?? [
    ctx.config.repo,
    ...ctx.packageRepos.filter((r) => !/^[a-z+]+:\/\//.test(r) && !r.includes('@')),
  ];
  return [...new Set(list)];
}

export function syncArgv(dir: string): string[] {
  return ['git', '-C', dir, 'pull', '--ff-only'];
}

export function worktreePath(ctx: RedeployEnvContext, ticket: string): string {
  const root = ctx.config.worktree_root
    ? resolve(ctx.workspaceDir, ctx.config.worktree_root)
    : join(ctx.stateDir, 'worktrees');
  return join(root, ticket, basename(ctx.config.repo));
}

export function worktreeAddArgv(repo: string, path: string, branch: string): string[] {
  return ['git', '-C', repo, 'worktree', 'add', path, '-b', branch];
}

export type SecretsMode = 'active' | 'skipped_by_flag' | 'skipped_no_infisical';

export function secretsMode(config: RedeployConfig, env: Record<string, string>, flags: RedeployFlags): SecretsMode {
  if (flags.skip_secrets) return 'skipped_by_flag';
  if (!config.secrets || !env[config.secrets.addr_env]) return 'skipped_no_infisical';
  return 'active';
}

/** Variables ENV_CHECK requires: required_env of phases that will run, then secrets-store credentials. */
export function requiredVars(
  config: RedeployConfig,
  env: Record<string, string>,
  flags: RedeployFlags,
): { vars: string[]; secrets: string[] } {
  const skipped = new Set<string>();
  if (flags.skip_sync) skipped.add('SYNC');
  if (flags.skip_dockerfile_update) skipped.add('PIN_UPDATE');
  if (flags.skip_secrets) skipped.add('INFISICAL');
  const vars: string[] = [];
  for (const [phase, names] of Object.entries(config.required_env)) {
    if (skipped.has(phase)) continue;
    for (const n of names) if (!vars.includes(n)) vars.push(n);
  }
  const s = config.secrets;
  const secrets = s && secretsMode(config, env, flags) === 'active' ? [s.client_id_env, s.client_secret_env] : [];
  return { vars, secrets };
}

export function fill(argv: readonly string[], values: Record<string, string>): string[] {
  return argv.map((a) => a.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m));
}

const PRESETS: Record<'uv' | 'pip' | 'npm', string[]> = {
  uv: ['uv', 'pip', 'show', '{pkg}'],
  pip: ['pip', 'show', '{pkg}'],
  npm: ['npm', 'ls', '{pkg}', '--json', '--depth=0'],
};

export function versionArgv(verify: RedeployConfig['verify'], pkg: string): string[] {
  return fill(verify.preset ? PRESETS[verify.preset] : verify.version_command, { pkg });
}

/** `Version: X` (pip/uv show) or npm ls --json; null when the output names no version. */
export function parseVersionOutput(stdout: string, pkg: string, preset?: 'uv' | 'pip' | 'npm'): string | null {
  if (preset === 'npm') {
    try {
      const j = JSON.parse(stdout) as { dependencies?: Record<string, { version?: string }> };
      return j.dependencies?.[pkg]?.version ?? null;
    } catch {
      return null;
    }
  }
  const m = /^Version:\s*(\S+)\s*$/m.exec(stdout);
  return m ? (m[1] as string) : null;
}

/** Versions VERIFY checks in the container: all requested, or with --allow-unmatched only the pins PIN_UPDATE applied. */
export function checkedVersions(data: RedeployData): Record<string, string> {
  const applied = data.pins_applied;
  if (!data.flags.allow_unmatched || !applied) return data.versions_requested;
  return Object.fromEntries(Object.entries(data.versions_requested).filter(([pkg]) => pkg in applied));
}

/** The seed's mismatch list: `pkg: expected X, got Y` / `pkg: container check failed`. */
export function versionMismatches(requested: Record<string, string>, actual: Record<string, string | null>): string[] {
  const out: string[] = [];
  for (const [pkg, expected] of Object.entries(requested)) {
    const got = actual[pkg];
    if (got === null || got === undefined) out.push(`${pkg}: container check failed`);
    else if (got !== expected) out.push(`${pkg}: expected ${expected}, got ${got}`);
  }
  return out;
}

export function imageTag(config: RedeployConfig, runId: string): string | null {
  if (config.runtime.kind !== 'docker') return null;
  const image = config.runtime.image;
  const at = image.lastIndexOf(':');
  const repo = at > image.lastIndexOf('/') ? image.slice(0, at) : image;
  return `${repo}:${runId}`;
}

export function serviceContainers(config: RedeployConfig): Array<{ service: string; container: string }> {
  return config.runtime.kind === 'docker'
    ? config.runtime.services.map((s) => ({ service: s.name, container: s.container ?? s.name }))
    : [];
}

/** The container VERIFY execs into: verify.container, else the first docker service. */
export function versionContainer(config: RedeployConfig): string | null {
  return config.verify.container ?? serviceContainers(config)[0]?.container ?? null;
}

/** VERIFY's health URLs: verify.health, else each docker service's `health`. */
export function healthEndpoints(config: RedeployConfig): Record<string, string> {
  if (Object.keys(config.verify.health).length) return config.verify.health;
  if (config.runtime.kind !== 'docker') return {};
  return Object.fromEntries(config.runtime.services.filter((s) => s.health).map((s) => [s.name, s.health as string]));
}

/** One-line text per phase for the dry run (seed "Output format"). */
export function describePhase(phase: Phase, ctx: RedeployEnvContext, data: RedeployData): string[] {
  const c = ctx.config;
  const f = data.flags;
  if (f.verify_only && phase !== 'VERIFY') return ['[skipped: --verify-only]'];
  const wt = data.worktree_path ?? worktreePath(ctx, data.worktree_ticket);
  switch (phase) {
    case 'SYNC':
      if (f.skip_sync) return ['[skipped_by_flag]'];
      if (c.sync.command) return [formatCommand(c.sync.command[0] as string, c.sync.command.slice(1))];
      return syncRepos(ctx).map((r) => formatCommand('git', syncArgv(repoDir(ctx, r)).slice(1)));
    case 'ENV_CHECK': {
      const r = requiredVars(c, ctx.env, f);
      const all = [...r.vars, ...r.secrets];
      return [all.length ? `verify ${all.join(', ')}` : 'nothing required'];
    }
    case 'WORKTREE':
      return [formatCommand('git', worktreeAddArgv(repoDir(ctx, c.repo), wt, data.worktree_ticket).slice(1))];
    case 'PIN_UPDATE': {
      if (f.skip_dockerfile_update) return ['[skipped_by_flag]'];
      const versions = formatVersions(data.versions_requested);
      const dockerfile = join(wt, c.dockerfile);
      if (c.pin_command) {
        const argv = fill(c.pin_command, { versions, dockerfile });
        return [formatCommand(argv[0] as string, argv.slice(1))];
      }
      const flags = [
        c.range_pins === 'floor' ? ' --range-pins floor' : '',
        f.allow_unmatched ? ' --allow-unmatched' : '',
        f.allow_downgrade ? ' --allow-downgrade' : '',
      ].join('');
      return [
        `ferry pins --versions "${versions}" --dockerfile ${dockerfile}${flags}`,
        ...(ctx.pinPreview ?? []).map((l) => l.trimStart()),
      ];
    }
    case 'DEPLOY': {
      if (c.runtime.kind === 'command')
        return [formatCommand(c.runtime.command[0] as string, c.runtime.command.slice(1))];
      const ctxDir = join(wt, c.runtime.context);
      const names = serviceContainers(c).map((s) => s.container);
      return [
        `docker build -t ${imageTag(c, data.run_id)} -f ${c.runtime.dockerfile} ${ctxDir} + recreate ${names.join(', ')}`,
      ];
    }
    case 'INFISICAL': {
      const mode = secretsMode(c, ctx.env, f);
      if (mode !== 'active' || !c.secrets) return [`[${mode}]`];
      if (c.secrets.command)
        return [`[conditional] ${formatCommand(c.secrets.command[0] as string, c.secrets.command.slice(1))}`];
      return [
        `[conditional] infisical universal-auth login + upsert ${Object.keys(c.secrets.keys).join(', ') || 'no keys'} at ${c.secrets.environment}:${c.secrets.secret_path}`,
      ];
    }
    case 'VERIFY': {
      const parts = Object.values(healthEndpoints(c)).map((u) => `curl ${u}`);
      const container = versionContainer(c);
      if (container)
        for (const pkg of Object.keys(data.versions_requested))
          parts.push(`docker exec ${container} ${versionArgv(c.verify, pkg).join(' ')}`);
      return [parts.join(' + ') || 'nothing to verify'];
    }
    case 'NOTIFY':
      return [
        c.notify === 'slack' ? '[slack] redeploy summary to the configured channel' : '[stdout] redeploy summary',
      ];
  }
}

/** `[DRY RUN] redeploy run_id=…` then `  SYNC:       <command>` lines (continuations aligned). */
export function formatDryRun(runId: string, phases: Array<[Phase, string[]]>): string[] {
  const out = [`[DRY RUN] redeploy run_id=${runId}`];
  for (const [phase, lines] of phases) {
    lines.forEach((l, i) => out.push(`  ${(i === 0 ? `${phase}:` : '').padEnd(12)}${l}`));
  }
  return out;
}

function phaseStatus(rec: StepRecord | undefined): PhaseStatus {
  if (!rec) return 'pending';
  if (rec.status === 'completed') return 'completed';
  if (rec.status === 'skipped') return (rec.detail as PhaseStatus | undefined) ?? 'skipped_by_flag';
  if (rec.status === 'failed') return 'failed';
  if (rec.status === 'running') return 'running';
  return 'pending';
}

/** Seed-shaped `phases` from the engine's step records (called before every save). */
export function projectPhases(state: RunState<RedeployData>): void {
  const phases = {} as Record<Phase, PhaseRecord>;
  for (const p of PHASES) {
    const rec = state.steps[p];
    const entry: PhaseRecord = { status: phaseStatus(rec) };
    if (rec?.ts && entry.status !== 'pending') entry.ts = rec.ts;
    if (rec?.output && (entry.status === 'completed' || entry.status.startsWith('skipped')))
      Object.assign(entry, rec.output);
    if (rec?.status === 'failed' && rec.error) Object.assign(entry, { error: rec.error.message, ...rec.error.details });
    phases[p] = entry;
  }
  state.data.phases = phases;
}

export function resumeCommand(runId: string, versions: Record<string, string>, flags: RedeployFlags): string {
  const extra = [
    flags.skip_sync ? '--skip-sync' : '',
    flags.skip_dockerfile_update ? '--skip-dockerfile-update' : '',
    flags.skip_secrets ? '--skip-infisical' : '',
    flags.verify_only ? '--verify-only' : '',
    flags.allow_unmatched ? '--allow-unmatched' : '',
    flags.allow_downgrade ? '--allow-downgrade' : '',
  ].filter(Boolean);
  return [`ferry redeploy --resume ${runId} --versions "${formatVersions(versions)}"`, ...extra].join(' ');
}

export interface RedeployResult {
  skill: 'redeploy';
  status: 'success' | 'failed' | 'dry_run';
  run_id: string;
  phases: Record<Phase, PhaseStatus>;
  /** Seed: every pin PIN_UPDATE changed, with what the Dockerfile said before. */
  pins_applied: Record<string, PinApplied> | null;
  /** Requested packages the Dockerfile does not pin: skipped, and named here. */
  not_in_dockerfile?: string[];
  images?: Record<string, string>;
  /** Old `<image>:<run_id>` tags DEPLOY removed (redeploy.keep_images). */
  pruned_images?: string[];
  error?: { phase: Phase; code: string; message: string } | null;
  resume?: string;
}

export function buildResult(
  data: RedeployData,
  status: RedeployResult['status'],
  failure?: { phase: Phase; code: string; message: string },
): RedeployResult {
  const phases = Object.fromEntries(PHASES.map((p) => [p, data.phases[p]?.status ?? 'pending'])) as Record<
    Phase,
    PhaseStatus
  >;
  const r: RedeployResult = {
    skill: 'redeploy',
    status,
    run_id: data.run_id,
    phases,
    pins_applied: data.pins_applied ?? null,
  };
  if (data.not_in_dockerfile?.length) r.not_in_dockerfile = data.not_in_dockerfile;
  if (data.services) r.images = Object.fromEntries(Object.entries(data.services).map(([s, v]) => [s, v.image_id]));
  if (data.pruned_images?.length) r.pruned_images = data.pruned_images;
  if (failure) {
    r.error = failure;
    r.resume = resumeCommand(data.run_id, data.versions_requested, data.flags);
  }
  return r;
}

/** NOTIFY text (seed stdout format). */
export function notifyLines(data: RedeployData): string[] {
  const pins = Object.entries(checkedVersions(data))
    .map(([k, v]) => `${k}==${v}`)
    .join(', ');
  const statuses = PHASES.filter((p) => p !== 'NOTIFY').map((p) => [p, data.phases[p]?.status] as const);
  const allDone = statuses.every(
    ([, s]) => s === 'completed' || s === 'skipped_by_flag' || s === 'skipped_no_infisical',
  );
  const summary = allDone ? 'all completed' : statuses.map(([p, s]) => `${p}=${s}`).join(', ');
  return [`[redeploy] ${data.run_id} complete`, `  Pins: ${pins}`, `  Phases: ${summary}`];
}
