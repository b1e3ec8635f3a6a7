// A HIGH_RISK gate: silence is never consent. Approval is bound to a plan hash.

export interface GateRequest {
  runId: string;
  planHash: string;
  /** Full human text of the request (seed's Slack gate message format). */
  message: string;
  timeoutMs: number;
  /** The plan as rows (the dashboard shows them as a table). */
  plan?: GatePlanRow[];
  /** Every channel this request is open on, and who may approve there (for people reading the gate). */
  channels?: string[];
  approvers?: string[];
}

export interface GatePlanRow {
  package: string;
  tier: number;
  current: string;
  new: string | null;
  bump: string | null;
  commits: number;
  status: string;
}

export interface GateDecision {
  approved: boolean;
  /** Token recorded as the run's gate_token: `<ts>:<run_id>` (Slack ts, or a local timestamp for tty). */
  token: string;
  channel: string;
  by?: string;
}

export interface Gate {
  readonly channel: string;
  /**
   * Ask and wait. @throws GATE_REJECTED, GATE_TIMEOUT, GATE_UNAVAILABLE (no TTY etc.).
   */
  request(req: GateRequest, signal?: AbortSignal): Promise<GateDecision>;
}

/** `<slack_ts>:<run_id>`, e.g. 1740312612.000100:release-20260225-a3f7b2 */
export const GATE_TOKEN_PATTERN = /^(\d{9,11}\.\d{6}):([a-z]+-\d{8}-[0-9a-f]{6}|[A-Za-z0-9._-]+)$/;

/** A gate's wait for people: "30 s", "2 min", "1.5 min" (never "0 min" for a short timeout). */
export function waitText(ms: number): string {
  return ms < 60_000 ? `${Math.max(1, Math.round(ms / 1000))} s` : `${Number((ms / 60_000).toFixed(1))} min`;
}
