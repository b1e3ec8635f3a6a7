// What promote needs from a runtime, so the same steps drive a Docker container or a Swarm service.
// Split by step (RETAG, SWITCH, HEALTH, ROLLBACK) so each one can be persisted and resumed on its own.

export interface SwitchOutcome {
  /** The target now runs the image (before any health loop). */
  ok: boolean;
  detail: string;
  /** Swarm rolled the service back by itself (failure_action: rollback). */
  autoRolledBack: boolean;
}

export interface HealthOutcome {
  healthy: boolean;
  detail: string;
}

export interface BackendIntents {
  retag: string[];
  switch: string[];
  health: string[];
  rollback: string[];
}

export interface PromoteBackend {
  readonly kind: 'docker' | 'swarm';
  /** Image id the target runs now; null when the container/service does not exist. */
  currentImageId(): Promise<string | null>;
  /** Point TARGET_IMAGE (swarm: also the immutable pinned ref) at `imageId`. No build. Returns the refs moved. */
  retag(imageId: string): Promise<string[]>;
  /** Idempotency check of SWITCH: the target already runs `imageId` (running / every task converged). */
  runs(imageId: string): Promise<boolean>;
  /** Switch the target to the retagged image; never throws (a failure is `ok: false`). */
  switchTo(imageId: string): Promise<SwitchOutcome>;
  /** The health loop with its deadline, after a successful switch; never throws. */
  health(imageId: string): Promise<HealthOutcome>;
  /** Put `previousImageId` back (tag and runtime) and verify healthy; idempotent, never throws. */
  rollback(previousImageId: string, after: Pick<SwitchOutcome, 'autoRolledBack'>): Promise<HealthOutcome>;
  /** Pure: what each step would do, for --dry-run / --verbose. */
  describe(imageId: string, previousImageId: string | null): BackendIntents;
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
