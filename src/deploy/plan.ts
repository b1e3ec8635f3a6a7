// Decision → the ordered list of things to run (pure). Each step is data: a built-in runtime
// operation on named containers, or an argv command from ferry.yaml. --dry-run prints this.
import { isAbsolute, posix } from 'node:path';
import { formatCommand } from '../util/process.js';
import type { CodeDelivery } from './code-delivery.js';
import type { Decision, DeployAction, ForceFlag, ServiceStatus } from './types.js';

export type BuiltinOp = 'build' | 'recreate' | 'restart' | 'start';

export type ActionStepConfig =
  { builtin: BuiltinOp; confirm?: boolean } | { command: string[]; title?: string; confirm?: boolean };

export interface PlanRuntime {
  image: string;
  contextDir: string;
  dockerfile: string;
  containers: string[];
}

export type PlannedStep =
  | {
      kind: 'builtin';
      op: BuiltinOp;
      containers: string[];
      image: string | null;
      title: string;
      text: string;
      confirm: boolean;
    }
  | { kind: 'command'; argv: string[]; title: string; text: string; confirm: boolean };

/**
 * The decision needs an action ferry.yaml does not configure (and no built-in can stand in).
 * Planning does not throw on it: the caller shows the analysis and decision first, then this.
 */
export interface MissingAction {
  /** deploy.actions key that is missing (or that uses a built-in without deploy.runtime). */
  key: ActionKey;
  /** Set when the key is configured but names a built-in that needs deploy.runtime. */
  builtin: BuiltinOp | null;
  /** One line: what is missing and why it is needed. */
  message: string;
  /** How to configure it (several lines, a ferry.yaml snippet). */
  howTo: string[];
}

export interface DeployPlan {
  action: DeployAction;
  /** What will actually run, in words ("Build image + Deploy"), derived from the steps. */
  title: string;
  steps: PlannedStep[];
  /** Non-null when the decision cannot run as configured (steps is then empty). */
  missing: MissingAction | null;
  /** True when any step is marked confirm (a destructive command) or the action itself needs it. */
  needsConfirmation: boolean;
  /** Whether this action counts as a deployment (updates code_commit) and whether it builds an image. */
  deploys: boolean;
  builds: boolean;
  /** `--action` that chose the action (re-run commands repeat it). */
  forced?: ForceFlag;
  /** A built-in redeploy: whether the changed code is mounted (restart) or baked (rebuild + recreate), and why. */
  codeDelivery: CodeDelivery | null;
}

/** The command that runs this plan again: the forced action and the --yes it needs, if any. */
export function rerunCommand(plan: Pick<DeployPlan, 'forced' | 'needsConfirmation'>): string {
  return `ferry deploy${plan.forced ? ` --action ${plan.forced}` : ''}${plan.needsConfirmation ? ' --yes' : ''}`;
}

/** Config key under deploy.actions for each decision. */
export type ActionKey = 'rebuild' | 'restart' | 'redeploy' | 'start' | 'status';

export const ACTION_KEY: Readonly<Record<DeployAction, ActionKey>> = {
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
  actions: Partial<Record<ActionKey, ActionStepConfig[]>>;
  runtime: PlanRuntime | null;
  services: readonly ServiceStatus[];
  /** From the containers' bind mounts (code-delivery.ts); null or absent: plan as configured. */
  codeDelivery?: CodeDelivery | null;
}

/**
 * The docker CLI line equivalent to the built-in build, runnable from the project root: the API
 * takes the Dockerfile relative to the context, `docker build -f` relative to the current dir.
 */
export function buildCommandText(rt: Pick<PlanRuntime, 'image' | 'contextDir' | 'dockerfile'>): string {
  const dockerfile =
    isAbsolute(rt.dockerfile) || rt.contextDir === '.' ? rt.dockerfile : posix.join(rt.contextDir, rt.dockerfile);
  return formatCommand('docker', ['build', '-f', dockerfile, '-t', rt.image, rt.contextDir]);
}

function builtinStep(
  op: BuiltinOp,
  rt: PlanRuntime,
  services: readonly ServiceStatus[],
  confirm: boolean,
): PlannedStep {
  if (op === 'build') {
    return {
      kind: 'builtin',
      op,
      containers: [],
      image: rt.image,
      confirm,
      title: `Build image ${rt.image}`,
      text: buildCommandText(rt),
    };
  }
  let containers = rt.containers;
  if (op === 'start') {
    const down = services.filter((s) => !s.running).map((s) => s.container);
    if (down.length) containers = down;
  }
  const list = containers.join(', ');
  if (op === 'recreate')
    return {
      kind: 'builtin',
      op,
      containers,
      image: rt.image,
      confirm,
      title: `Recreate ${list} from ${rt.image}`,
      text: `recreate containers ${list} from ${rt.image} (same name, ports, env, volumes)`,
    };
  const verb = op === 'restart' ? 'Restart' : 'Start';
  return {
    kind: 'builtin',
    op,
    containers,
    image: null,
    confirm,
    title: `${verb} ${list}`,
    text: `docker ${op} ${containers.join(' ')}`,
  };
}

const KEY_ACTION: Readonly<Record<ActionKey, DeployAction>> = {
  rebuild: 'rebuild',
  restart: 'full_restart',
  redeploy: 'redeploy',
  start: 'start',
  status: 'status',
};

/** Scenarios that lead to each action key, for messages ("needed when code changed"). */
const KEY_CAUSE: Readonly<Record<ActionKey, string>> = {
  rebuild: 'a config repo or local config/build file changed',
  restart: 'an .env file changed',
  redeploy: 'code changed',
  start: 'services are down',
  status: 'nothing changed',
};

function missingAction(key: ActionKey, builtin: BuiltinOp | null): MissingAction {
  const message = builtin
    ? `deploy.actions.${key} uses the built-in '${builtin}', which needs deploy.runtime, and ferry.yaml has none`
    : `the decision needs deploy.actions.${key} (runs when ${KEY_CAUSE[key]}), which ferry.yaml does not set, and there is no deploy.runtime for the built-in default`;
  const howTo = [
    `Configure it in ferry.yaml, for example:`,
    `  deploy:`,
    `    actions:`,
    `      ${key}:`,
    `        - { command: [<program>, <arg>, ...], title: "<what it does>" }`,
    `or add deploy.runtime (kind: docker, image, services) to use the built-in ${DEFAULT_ACTIONS[KEY_ACTION[key]].map((a) => ('builtin' in a ? a.builtin : '')).join(' + ')}.`,
  ];
  return { key, builtin, message, howTo };
}

type Planned = { steps: PlannedStep[]; missing: MissingAction | null };

function toSteps(
  action: DeployAction,
  list: readonly ActionStepConfig[],
  rt: PlanRuntime | null,
  services: readonly ServiceStatus[],
): Planned {
  const steps: PlannedStep[] = [];
  for (const a of list) {
    if ('command' in a) {
      const text = formatCommand(a.command[0]!, a.command.slice(1));
      steps.push({ kind: 'command', argv: [...a.command], title: a.title ?? text, text, confirm: a.confirm ?? false });
    } else if (!rt) {
      return { steps: [], missing: missingAction(ACTION_KEY[action], a.builtin) };
    } else {
      steps.push(builtinStep(a.builtin, rt, services, a.confirm ?? false));
    }
  }
  return { steps, missing: null };
}

function plannedFor(input: PlanInput, action: DeployAction): Planned {
  const own = input.actions[ACTION_KEY[action]];
  if (own) return toSteps(action, own, input.runtime, input.services);
  if (input.runtime) return toSteps(action, DEFAULT_ACTIONS[action], input.runtime, input.services);
  if (action === 'status') return { steps: [], missing: null };
  return { steps: [], missing: missingAction(ACTION_KEY[action], null) };
}

const BUILTIN_PHRASE: Readonly<Record<BuiltinOp, string>> = {
  build: 'rebuild image',
  recreate: 'recreate services',
  restart: 'restart services',
  start: 'start services',
};

/** The decision's title from what will actually run: "Build image + Deploy", "Restart services". */
export function planTitle(action: DeployAction, steps: readonly PlannedStep[], missing: MissingAction | null): string {
  const phrases: string[] = [];
  for (const s of steps) {
    const p = s.kind === 'builtin' ? BUILTIN_PHRASE[s.op] : s.title;
    if (phrases.at(-1) !== p) phrases.push(p);
  }
  const joined = phrases.join(' + ');
  const cap = (t: string): string => t.charAt(0).toUpperCase() + t.slice(1);
  if (action === 'status') return phrases.length ? `Status check only (${joined})` : 'Status check only';
  const kind = cap(action.replace('_', ' '));
  if (missing) return `${kind}, not configured: deploy.actions.${missing.key} is missing`;
  // Built-in phrases are lower-case words; a command's own text (just docker-build) stays as written.
  if (phrases.length) return steps[0]!.kind === 'builtin' ? cap(joined) : joined;
  return `${kind}: nothing configured to run`;
}

/** Never throws for missing configuration: see DeployPlan.missing. */
export function planDeploy(input: PlanInput): DeployPlan {
  const { decision } = input;
  const action = decision.action;
  let { steps, missing } = plannedFor(input, action);
  // Built-in restarts ship code only through a bind mount. Code baked into the image needs a new
  // image and containers created from it: a restart would "succeed" and run the old code.
  const restartsOnly =
    steps.length > 0 && steps.every((s) => s.kind === 'builtin' && (s.op === 'restart' || s.op === 'start'));
  const delivery = !missing && action === 'redeploy' && restartsOnly ? (input.codeDelivery ?? null) : null;
  if (delivery?.mode === 'baked' && input.runtime) {
    const rt = input.runtime;
    steps = DEFAULT_ACTIONS.rebuild.map((a) =>
      builtinStep((a as { builtin: BuiltinOp }).builtin, rt, input.services, false),
    );
  } else if (!missing && action === 'redeploy' && decision.scenarios.includes('services_down')) {
    // Redeploy ships code into running services; when some are down, start them first (rebuild and
    // full restart bring services up themselves, see ACTION_ORDER).
    const start = plannedFor(input, 'start');
    if (start.missing) ({ steps, missing } = { steps: [], missing: start.missing });
    else steps = [...start.steps, ...steps];
  }
  const builds = action === 'rebuild' || steps.some((s) => s.kind === 'builtin' && s.op === 'build');
  return {
    action,
    title: planTitle(action, steps, missing),
    steps,
    missing,
    needsConfirmation: decision.needsConfirmation || steps.some((s) => s.confirm),
    deploys: action === 'rebuild' || action === 'full_restart' || action === 'redeploy',
    builds,
    codeDelivery: delivery,
    ...(decision.forced ? { forced: decision.forced.flag } : {}),
  };
}
