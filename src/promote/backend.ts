// What promote needs from a runtime, so the same flow drives a Docker container or a Swarm service.

export interface SwitchOutcome {
  healthy: boolean;
  detail: string;
  /** Swarm rolled the service back by itself (failure_action: rollback). */
  autoRolledBack: boolean;
}

export interface PromoteBackend {
  readonly kind: 'docker' | 'swarm';
  /** Image id the target runs now; null when the container/service does not exist. */
  currentImageId(): Promise<string | null>;
  /** Retag `imageId` → the target image (no build), switch the target to it, health-check. */
  switchTo(imageId: string): Promise<SwitchOutcome>;
  /** Put `previousImageId` back (tag and runtime), verify healthy. */
  rollback(previousImageId: string, after: SwitchOutcome): Promise<{ healthy: boolean; detail: string }>;
  /** Pure: what switchTo/rollback would do, for --dry-run. */
  describe(imageId: string): string[];
}
