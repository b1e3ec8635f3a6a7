// The deploy result as data: the same facts the human report shows, for --json, MCP and
// .ferry/results/<run_id>/deploy.json.
import type { SerializedError } from '../errors.js';
import type { DeployPlan, MissingAction } from './plan.js';
import type { ActionTaken, BuiltImage } from './steps.js';
import type { Analysis, CommitLine, Decision, ForceFlag, LastDeployState } from './types.js';
import type { Verification } from './verify.js';

export type DeployStatus = 'success' | 'failed' | 'dry_run' | 'confirmation_required' | 'rejected';

export interface ConfigChange {
  name: string;
  from: string | null;
  to: string | null;
  changed: boolean;
  commits: CommitLine[];
  note?: string;
  error?: string;
}

export interface DeployResult {
  skill: 'deploy';
  status: DeployStatus;
  run_id: string | null;
  scenario: Decision['scenario'];
  scenarios: Decision['scenarios'];
  action: Decision['action'];
  /** `--action` chose the action; analysed_action is what the analysis alone decided. */
  forced: { flag: ForceFlag; analysed_action: Decision['action'] } | null;
  reasons: Decision['reasons'];
  warnings: string[];
  needs_confirmation: boolean;
  analysis: {
    head: string | null;
    base: string | null;
    local_changes: Analysis['local']['files'];
    services: Analysis['system']['services'];
    checks: Analysis['system']['checks'];
    digest_warnings: Analysis['system']['digestWarnings'];
  };
  plan: {
    /** What will run, in words (derived from the steps, not from the decision kind). */
    title: string;
    steps: Array<{ kind: string; title: string; text: string }>;
    updates_state: boolean;
    verifies: boolean;
    /** The decision needs an action ferry.yaml does not configure (nothing can run). */
    missing: MissingAction | null;
    /** Built-in redeploy: is the changed code mounted (restart) or baked into the image (rebuild + recreate)? */
    code_delivery: { mode: 'mounted' | 'baked'; why: string; mounted: string[]; baked: string[] } | null;
  };
  config_changes: ConfigChange[];
  actions_taken: ActionTaken[];
  image: (BuiltImage & { verified: boolean | null }) | null;
  verification: Verification | null;
  last_deploy: LastDeployState | null;
  state_file: string;
  error: (SerializedError & { phase: string }) | null;
  troubleshooting: string[];
  manual_recovery: string[];
}

export interface ResultInput {
  status: DeployStatus;
  runId: string | null;
  analysis: Analysis;
  decision: Decision;
  plan: DeployPlan;
  stateFile: string;
  actionsTaken?: ActionTaken[];
  built?: BuiltImage | null;
  verification?: Verification | null;
  lastDeploy?: LastDeployState | null;
  error?: (SerializedError & { phase: string }) | null;
  troubleshooting?: string[];
  manualRecovery?: string[];
}

export function buildResult(r: ResultInput): DeployResult {
  const a = r.analysis;
  const built = r.built ?? null;
  const verified =
    built && r.verification
      ? r.verification.containers.every((c) => c.matches !== false) && r.verification.containers.length > 0
      : null;
  return {
    skill: 'deploy',
    status: r.status,
    run_id: r.runId,
    scenario: r.decision.scenario,
    scenarios: r.decision.scenarios,
    action: r.decision.action,
    forced: r.decision.forced ? { flag: r.decision.forced.flag, analysed_action: r.decision.forced.analysed } : null,
    reasons: r.decision.reasons,
    warnings: [
      ...r.decision.warnings,
      ...(r.verification?.digestWarnings.map((w) => w.message) ?? []).filter((m) => !r.decision.warnings.includes(m)),
    ],
    needs_confirmation: r.plan.needsConfirmation,
    analysis: {
      head: a.local.head,
      base: a.local.base,
      local_changes: a.local.files,
      services: a.system.services,
      checks: a.system.checks,
      digest_warnings: a.system.digestWarnings,
    },
    plan: {
      title: r.plan.title,
      steps: r.plan.steps.map((s) => ({ kind: s.kind === 'command' ? 'command' : s.op, title: s.title, text: s.text })),
      updates_state: r.plan.deploys || r.plan.builds,
      verifies: r.plan.action !== 'status',
      missing: r.plan.missing,
      code_delivery: r.plan.codeDelivery ?? null,
    },
    config_changes: a.remote.map((x) => ({
      name: x.name,
      from: x.recorded,
      to: x.current,
      changed: x.changed,
      commits: x.commits,
      ...(x.note ? { note: x.note } : {}),
      ...(x.error ? { error: x.error } : {}),
    })),
    actions_taken: r.actionsTaken ?? [],
    image: built ? { ...built, verified } : null,
    verification: r.verification ?? null,
    last_deploy: r.lastDeploy ?? a.lastDeploy,
    state_file: r.stateFile,
    error: r.error ?? null,
    troubleshooting: r.troubleshooting ?? [],
    manual_recovery: r.manualRecovery ?? [],
  };
}
