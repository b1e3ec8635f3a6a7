// Decision → the ordered list of things to run (pure). Each step is data: a built-in runtime
// operation on named containers, or an argv command from ferry.yaml. --dry-run prints this.
import { ErrorCode, FerryError } from '../errors.js';
import { formatCommand } from '../util/process.js';
import type { Decision, DeployAction, ServiceStatus } from './types.js';

export type BuiltinOp = 'build' | 'recreate' | 'restart' | 'start';

export type ActionStepConfig = { builtin: BuiltinOp; confirm?: boolean } | { command: string[]; title?: string; confirm?: boolean };

export interface PlanRuntime {
  image: string;
  contextDir: string;
  dockerfile: string;
  containers: string[];
}

export type PlannedStep =
  | { kind: 'builtin'; op: BuiltinOp; containers: string[]; image: string | null; title: string; text: string; confirm: boolean }
  | { kind: 'command'; argv: string[]; title: string; text: string; confirm: boolean };

export interface DeployPlan {
  action: DeployAction;
  steps: PlannedStep[];
  /** True when any step is marked confirm (a destructive command) or the action itself needs it. */
  needsConfirmation: boolean;
  /** Whether this action counts as a deployment (updates code_commit) and whether it builds an image. */
  deploys: boolean;
  builds: boolean;
}

/** Config key under deploy.actions for each decision. */
export const ACTION_KEY: Readonly<Record<DeployAction, 'rebuild' | 'restart' | 'redeploy' | 'start' | 'status'>> = {
  rebuild: 'rebuild',
  full_restart: 'restart',
  redeploy: 'redeploy',
  start: 'start',
  status: 'status',
};

/** Used when ferry.yaml sets no steps for an action and a docker runtime is configured. */
export const DEFAULT_ACTIONS: Readonly<Record<DeployAction, ActionStepConfig[]>> = {
  rebuild: [{ builtin: 'build' }, { builtin: 'recreate' }],
  full_restart: [{ builtin: 'restart' }],
  redeploy: [{ builtin: 'restart' }],
  start: [{ builtin: 'start' }],
  status: [],
};

export interface PlanInput {
  decision: Decision;
  actions: Partial<Record<'rebuild' | 'restart' | 'redeploy' | 'start' | 'status', ActionStepConfig[]>>;
  runtime: PlanRuntime | null;
  services: readonly ServiceStatus[];
}

function builtinStep(op: BuiltinOp, rt: PlanRuntime, services: readonly ServiceStatus[], confirm: boolean): PlannedStep {
  if (op === 'build') {
    return { kind: 'builtin', op, containers: [], image: rt.image, confirm, title: `Build image ${rt.image}`, text: `docker build -f ${rt.dockerfile} -t ${rt.image} ${rt.contextDir}` };
  }
  let containers = rt.containers;
  if (op === 'start') {
    const down = services.filter((s) => !s.running).map((s) => s.container);
    if (down.length) containers = down;
  }
  const list = containers.join(', ');
  if (op === 'recreate') return { kind: 'builtin', op, containers, image: rt.image, confirm, title: `Recreate ${list} from ${rt.image}`, text: `recreate containers ${list} from ${rt.image} (same name, ports, env, volumes)` };
  const verb = op === 'restart' ? 'Restart' : 'Start';
  return { kind: 'builtin', op, containers, image: null, confirm, title: `${verb} ${list}`, text: `docker ${op} ${containers.join(' ')}` };
}

function toSteps(action: DeployAction, list: readonly ActionStepConfig[], rt: PlanRuntime | null, services: readonly ServiceStatus[]): PlannedStep[] {
  return list.map((a) => {
    if ('command' in a) {
      const text = formatCommand(a.command[0]!, a.command.slice(1));
      return { kind: 'command', argv: [...a.command], title: a.title ?? text, text, confirm: a.confirm ?? false };
    }
    if (!rt) {
      throw new FerryError(ErrorCode.CONFIG_INVALID, `deploy.actions.${ACTION_KEY[action]} uses the built-in '${a.builtin}' but ferry.yaml has no deploy.runtime`, {
        fix: `add deploy.runtime (kind: docker, image, services) or replace '${a.builtin}' with a command in deploy.actions.${ACTION_KEY[action]}`,
      });
    }
    return builtinStep(a.builtin, rt, services, a.confirm ?? false);
  });
}

function configured(input: PlanInput, action: DeployAction): ActionStepConfig[] {
  const own = input.actions[ACTION_KEY[action]];
  if (own) return own;
  if (input.runtime) return DEFAULT_ACTIONS[action];
  if (action === 'status') return [];
  throw new FerryError(ErrorCode.CONFIG_INVALID, `the decision is '${action}' but ferry.yaml sets no deploy.actions.${ACTION_KEY[action]} and has no deploy.runtime for the built-in default`, {
    fix: `add deploy.actions.${ACTION_KEY[action]}: [{ command: [...] }] (or a deploy.runtime) to ferry.yaml`,
  });
}

/** @throws CONFIG_INVALID when the chosen action has nothing to run. */
export function planDeploy(input: PlanInput): DeployPlan {
  const { decision } = input;
  const action = decision.action;
  let steps = toSteps(action, configured(input, action), input.runtime, input.services);
  // Redeploy ships code into running services; when some are down, start them first (rebuild and
  // full restart bring services up themselves, see ACTION_ORDER).
  if (action === 'redeploy' && decision.scenarios.includes('services_down')) {
    steps = [...toSteps('start', configured(input, 'start'), input.runtime, input.services), ...steps];
  }
  const builds = action === 'rebuild';
  return {
    action,
    steps,
    needsConfirmation: decision.needsConfirmation || steps.some((s) => s.confirm),
    deploys: action === 'rebuild' || action === 'full_restart' || action === 'redeploy',
    builds,
  };
}
