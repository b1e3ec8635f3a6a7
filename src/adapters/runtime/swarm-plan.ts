// Pure half of the Swarm runtime: the service spec an image update sends (the Engine API body of
// `docker service update --image I --update-order start-first --update-failure-action rollback
// --update-monitor Ns [--health-cmd …]`), and how to read a service's update status.

/** Subset of the Engine API ServiceSpec that ferry reads or writes; everything else passes through. */
export interface ServiceSpecLike {
  Name?: string;
  TaskTemplate?: {
    ContainerSpec?: { Image?: string; HealthCheck?: HealthCheckSpec; [k: string]: unknown };
    ForceUpdate?: number;
    [k: string]: unknown;
  };
  UpdateConfig?: UpdatePolicy;
  RollbackConfig?: UpdatePolicy;
  [k: string]: unknown;
}

export interface UpdatePolicy {
  Parallelism?: number;
  Delay?: number;
  FailureAction?: 'continue' | 'pause' | 'rollback';
  Monitor?: number;
  MaxFailureRatio?: number;
  Order?: 'start-first' | 'stop-first';
}

/** Durations are nanoseconds in the Engine API. */
export interface HealthCheckSpec {
  Test: string[];
  Interval?: number;
  Timeout?: number;
  Retries?: number;
  StartPeriod?: number;
}

export interface SwarmUpdatePolicy {
  order: 'start-first' | 'stop-first';
  monitorMs: number;
  parallelism: number;
  /** Set the service HealthCheck (busybox wget …) when the image has none. */
  healthCheck?: { test: string[]; intervalMs: number; timeoutMs: number; retries: number; startPeriodMs: number };
}

const NS_PER_MS = 1_000_000;

export function healthCheckSpec(h: NonNullable<SwarmUpdatePolicy['healthCheck']>): HealthCheckSpec {
  return {
    Test: ['CMD', ...h.test],
    Interval: h.intervalMs * NS_PER_MS,
    Timeout: h.timeoutMs * NS_PER_MS,
    Retries: h.retries,
    StartPeriod: h.startPeriodMs * NS_PER_MS,
  };
}

/** The new spec: same service, new image, health-gated start-first rolling update with rollback. */
export function planImageUpdate(current: ServiceSpecLike, image: string, p: SwarmUpdatePolicy): ServiceSpecLike {
  const policy: UpdatePolicy = {
    Parallelism: p.parallelism,
    Delay: 0,
    FailureAction: 'rollback',
    Monitor: p.monitorMs * NS_PER_MS,
    MaxFailureRatio: 0,
    Order: p.order,
  };
  const cs = { ...(current.TaskTemplate?.ContainerSpec ?? {}), Image: image };
  if (p.healthCheck) cs.HealthCheck = healthCheckSpec(p.healthCheck);
  return {
    ...current,
    TaskTemplate: { ...(current.TaskTemplate ?? {}), ContainerSpec: cs },
    UpdateConfig: policy,
    // The automatic rollback is itself health-gated and start-first, so it never drops traffic either.
    RollbackConfig: { ...policy, FailureAction: 'pause' },
  };
}

export type UpdateState =
  'updating' | 'paused' | 'completed' | 'rollback_started' | 'rollback_paused' | 'rollback_completed';

export const TERMINAL_UPDATE_STATES: ReadonlySet<string> = new Set([
  'paused',
  'completed',
  'rollback_paused',
  'rollback_completed',
]);

/** An immutable tag for the exact image id, so a rollback to the previous spec can't chase a moved tag. */
export function pinnedRef(imageRef: string, imageId: string): string {
  const at = imageRef.lastIndexOf(':');
  const repo = at > imageRef.lastIndexOf('/') ? imageRef.slice(0, at) : imageRef;
  return `${repo}:ferry-${imageId.replace(/^sha256:/, '').slice(0, 12)}`;
}
