// The decision: analysis in, exactly one action out, with reasons a human can check. Pure.
import { NO_RECORD_NOTE } from './analyse-remote.js';
import type {
  Analysis,
  ChangedFile,
  CheckResult,
  DeployAction,
  Decision,
  ForceFlag,
  Reason,
  RemoteRepoStatus,
  Scenario,
  ServiceStatus,
} from './types.js';

/**
 * Strongest first. Each action includes the effects of the ones after it, so when several
 * scenarios trigger at once running only the strongest loses nothing:
 * - rebuild bakes config into a new image and recreates every service from it, which also picks
 *   up code and env changes and brings stopped services up;
 * - full restart restarts every service (new env) and redeploys, so it covers redeploy and start,
 *   but cannot bake new config into the image;
 * - redeploy ships code into the services (starting any that are down first, see plan.ts) but
 *   does not reload the environment;
 * - start only brings stopped services up;
 * - status changes nothing.
 */
export const ACTION_ORDER: readonly DeployAction[] = ['rebuild', 'full_restart', 'redeploy', 'start', 'status'];

export const SCENARIO_ACTION: Readonly<Record<Scenario, DeployAction>> = {
  remote_config_changed: 'rebuild',
  local_config_changed: 'rebuild',
  env_changed: 'full_restart',
  code_changed: 'redeploy',
  services_down: 'start',
  nothing_changed: 'status',
};

/** Ties (two scenarios with the same action) go to the first here. */
const SCENARIO_ORDER: readonly Scenario[] = [
  'remote_config_changed',
  'local_config_changed',
  'env_changed',
  'code_changed',
  'services_down',
  'nothing_changed',
];

/** Actions that wait for an explicit yes (seed: rebuild and full restart ask, the rest auto-approve). */
export const CONFIRM_ACTIONS: readonly DeployAction[] = ['rebuild', 'full_restart'];

const MAX_LISTED_COMMITS = 20;

export function short(sha: string | null | undefined): string {
  if (!sha) return 'none';
  return sha.startsWith('sha256:') ? sha.slice(0, 19) : sha.slice(0, 7);
}

function fileLine(f: ChangedFile): string {
  const where =
    f.source === 'worktree'
      ? 'uncommitted'
      : f.source === 'committed'
        ? 'committed since last deploy'
        : 'content differs from last deploy';
  return `${f.path} (${f.change}, ${where})`;
}

function names(files: readonly ChangedFile[], max = 3): string {
  const shown = files.slice(0, max).map((f) => f.path);
  return files.length > max ? `${shown.join(', ')} and ${files.length - max} more` : shown.join(', ');
}

export function remoteReason(r: RemoteRepoStatus): Reason & { scenario: Scenario } {
  const head = r.recorded
    ? `${r.name} ${short(r.recorded)} → ${short(r.current)}`
    : `${r.name} now at ${short(r.current)} (${r.note === NO_RECORD_NOTE ? NO_RECORD_NOTE : 'no deployed commit recorded'})`;
  const details = r.commits.slice(0, MAX_LISTED_COMMITS).map((c) => `${r.name}: ${c.short} ${c.subject}`);
  if (r.commits.length > MAX_LISTED_COMMITS)
    details.push(`${r.name}: … and ${r.commits.length - MAX_LISTED_COMMITS} older commits`);
  // The no-record note is already in the summary: say it once.
  if (r.note && r.note !== NO_RECORD_NOTE) details.push(`${r.name}: ${r.note}`);
  return { scenario: 'remote_config_changed', summary: `Remote config changed: ${head}`, details };
}

function fileReason(scenario: Scenario, label: string, files: readonly ChangedFile[]): Reason & { scenario: Scenario } {
  return { scenario, summary: `${label}: ${names(files)}`, details: files.map(fileLine) };
}

function serviceLine(s: ServiceStatus): string {
  return s.exists
    ? `service ${s.name} (container ${s.container}) is not running: ${s.status}`
    : `service ${s.name}: container ${s.container} does not exist`;
}

function checkLine(c: CheckResult): string {
  return `${c.name} ${c.url}: ${c.status === null ? (c.error ?? 'no response') : `HTTP ${c.status}`}`;
}

function downReason(
  services: readonly ServiceStatus[],
  checks: readonly CheckResult[],
): Reason & { scenario: Scenario } {
  const details = [...services.map(serviceLine), ...checks.map(checkLine)];
  // A service whose container is down and whose health check fails is one thing down, not two.
  const who = [...new Set([...services.map((s) => s.name), ...checks.map((c) => c.service ?? c.name)])];
  return { scenario: 'services_down', summary: `Services down: ${who.join(', ')}`, details };
}

function nothingReason(a: Analysis): Reason & { scenario: Scenario } {
  const last = a.lastDeploy;
  const summary = last
    ? `Nothing changed since the last deploy (${last.timestamp}, code ${short(last.code_commit)})`
    : 'Nothing changed (no previous deploy recorded)';
  return { scenario: 'nothing_changed', summary, details: [] };
}

export interface DecideOptions {
  /** Actions that need confirmation; default CONFIRM_ACTIONS. */
  confirmActions?: readonly DeployAction[];
}

/** A reason the analysis found (not `--action`). */
type AnalysedReason = Reason & { scenario: Scenario };

/** Analysis → the one action to take, every triggered scenario, and why. */
export function decide(a: Analysis, opts: DecideOptions = {}): Decision {
  const reasons: AnalysedReason[] = [];
  for (const r of a.remote) if (r.changed) reasons.push(remoteReason(r));
  const of = (...classes: ChangedFile['class'][]): ChangedFile[] =>
    a.local.files.filter((f) => classes.includes(f.class));
  const config = of('config', 'build');
  if (config.length) reasons.push(fileReason('local_config_changed', 'Local config changed', config));
  const env = of('env');
  if (env.length) reasons.push(fileReason('env_changed', 'Environment changed', env));
  const code = of('code');
  if (code.length) reasons.push(fileReason('code_changed', 'Code changed', code));
  const down = a.system.services.filter((s) => !s.running);
  const failing = a.system.checks.filter((c) => !c.ok);
  if (down.length || failing.length) reasons.push(downReason(down, failing));
  if (!reasons.length) reasons.push(nothingReason(a));

  reasons.sort((x, y) => SCENARIO_ORDER.indexOf(x.scenario) - SCENARIO_ORDER.indexOf(y.scenario));
  const scenarios = [...new Set(reasons.map((r) => r.scenario))];
  const rank = (s: Scenario): number => ACTION_ORDER.indexOf(SCENARIO_ACTION[s]) * 10 + SCENARIO_ORDER.indexOf(s);
  scenarios.sort((x, y) => rank(x) - rank(y));
  const scenario = scenarios[0]!;
  const action = SCENARIO_ACTION[scenario];

  const warnings = [
    // Without a recorded code commit there is no diff base: only uncommitted edits are visible.
    ...(a.lastDeploy
      ? []
      : ['no last-deploy state yet: only uncommitted changes can be detected until a deploy records one']),
    ...a.local.warnings,
    ...a.remote.filter((r) => r.error).map((r) => `config repo ${r.name}: ${r.error}`),
    ...a.system.digestWarnings.map((w) => w.message),
  ];
  const confirmActions = opts.confirmActions ?? CONFIRM_ACTIONS;
  return { action, scenario, scenarios, reasons, needsConfirmation: confirmActions.includes(action), warnings };
}

export const FORCE_FLAGS: readonly ForceFlag[] = ['redeploy', 'rebuild', 'restart', 'start', 'status'];

export const FORCE_ACTION: Readonly<Record<ForceFlag, DeployAction>> = {
  redeploy: 'redeploy',
  rebuild: 'rebuild',
  restart: 'full_restart',
  start: 'start',
  status: 'status',
};

const SAY: Readonly<Record<DeployAction, string>> = {
  rebuild: 'a rebuild',
  full_restart: 'a full restart',
  redeploy: 'a redeploy',
  start: 'a start',
  status: 'a status check only',
};

/**
 * `--action <flag>`: the user's action replaces the analysed one. What the analysis found stays in
 * the reasons (after the forced one), and confirmation follows the action, not the flag: a forced
 * rebuild or full restart still asks.
 */
export function forceAction(d: Decision, flag: ForceFlag, opts: DecideOptions = {}): Decision {
  const action = FORCE_ACTION[flag];
  const analysed =
    d.action === action ? 'the analysis decided the same' : `the analysis alone decided ${SAY[d.action]}`;
  const forced: Reason = { scenario: 'forced', summary: `Forced with --action ${flag} (${analysed})`, details: [] };
  return {
    ...d,
    action,
    reasons: [forced, ...d.reasons],
    needsConfirmation: (opts.confirmActions ?? CONFIRM_ACTIONS).includes(action),
    forced: { flag, analysed: d.action },
  };
}
