// The dashboard gate: the run writes a pending request to .ferry/gates/<run_id>.json and waits;
// `ferry dashboard` shows it with Approve / Reject. A decision must name the plan hash it saw, so a
// stale page can never approve a changed plan. Silence times out; it never approves.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, FerryError } from '../../errors.js';
import { writeJsonAtomic } from '../../engine/state-store.js';
import { liveHolder } from '../../engine/lock.js';
import { stateFile } from '../../engine/paths.js';
import { localGateToken } from './tty.js';
import { waitText, type Gate, type GateDecision, type GatePlanRow, type GateRequest } from './types.js';

export interface GateFile {
  run_id: string;
  plan_hash: string;
  message: string;
  requested_at: string;
  /** `withdrawn`: decided on another channel (Slack, the terminal) while this page waited. */
  status: 'pending' | 'approved' | 'rejected' | 'timed_out' | 'withdrawn';
  decided_at?: string;
  by?: string;
  /** When silence ends the wait (GATE_TIMEOUT): it never approves. */
  timeout_at?: string;
  plan?: GatePlanRow[];
  /** Every channel the run waits on, and the Slack approvers (empty: anyone in the channel). */
  channels?: string[];
  approvers?: string[];
}

export function gateFile(home: string, runId: string): string {
  return join(home, 'gates', `${runId}.json`);
}

export async function readGate(home: string, runId: string): Promise<GateFile | null> {
  try {
    return JSON.parse(await readFile(gateFile(home, runId), 'utf8')) as GateFile;
  } catch {
    return null;
  }
}

/**
 * Is the run that wrote this pending gate still waiting on it? It holds its run lock while it waits;
 * a run killed at the gate (kill -9, closed terminal) leaves the gate file `pending` forever, and
 * approving that would approve nothing. Another host's lock holder cannot be checked: assume alive.
 */
export async function gateWaiting(home: string, runId: string): Promise<boolean> {
  return (await liveHolder(stateFile(home, 'release', runId))) !== null;
}

/**
 * Record a human decision (called by the dashboard).
 * @throws NOT_FOUND when nothing is pending for the run; PLAN_CHANGED when planHash is not the pending one.
 */
export async function decideGate(
  home: string,
  runId: string,
  planHash: string,
  approve: boolean,
  by: string,
): Promise<GateFile> {
  const g = await readGate(home, runId);
  if (!g || g.status !== 'pending')
    throw new FerryError(ErrorCode.NOT_FOUND, `no gate is pending for ${runId}`, { fix: 'ferry runs list' });
  if (!(await gateWaiting(home, runId))) {
    throw new FerryError(
      ErrorCode.NOT_FOUND,
      `release ${runId} is no longer waiting for approval (its process has exited); nothing was approved`,
      {
        fix: `ferry release --resume ${runId}   # or, if it never got past the gate: ferry release`,
      },
    );
  }
  if (g.plan_hash !== planHash)
    throw new FerryError(
      ErrorCode.PLAN_CHANGED,
      `the pending plan for ${runId} is ${g.plan_hash}, not ${planHash}; reload and review it`,
      { fix: 'reload the dashboard page' },
    );
  const decided: GateFile = {
    ...g,
    status: approve ? 'approved' : 'rejected',
    decided_at: new Date().toISOString(),
    by,
  };
  await writeJsonAtomic(gateFile(home, runId), decided);
  return decided;
}

export class DashboardGate implements Gate {
  readonly channel = 'dashboard';

  constructor(
    private readonly home: string,
    private readonly log: (m: string) => void,
    private readonly pollMs = 500,
  ) {}

  /** @throws GATE_REJECTED, GATE_TIMEOUT */
  async request(req: GateRequest, signal?: AbortSignal): Promise<GateDecision> {
    const path = gateFile(this.home, req.runId);
    const now = Date.now();
    await writeJsonAtomic(path, {
      run_id: req.runId,
      plan_hash: req.planHash,
      message: req.message,
      requested_at: new Date(now).toISOString(),
      status: 'pending',
      timeout_at: new Date(now + req.timeoutMs).toISOString(),
      ...(req.plan ? { plan: req.plan } : {}),
      channels: req.channels ?? ['dashboard'],
      approvers: req.approvers ?? [],
    } satisfies GateFile);
    this.log(`waiting for approval on the dashboard (ferry dashboard → /gates), up to ${waitText(req.timeoutMs)}`);
    const deadline = Date.now() + req.timeoutMs;
    for (;;) {
      const g = await readGate(this.home, req.runId);
      if (g?.status === 'approved' && g.plan_hash === req.planHash) {
        const ms = Date.parse(g.decided_at ?? new Date().toISOString());
        return {
          approved: true,
          token: localGateToken(ms, req.runId),
          channel: 'dashboard',
          ...(g.by ? { by: g.by } : {}),
        };
      }
      if (g?.status === 'rejected') {
        throw new FerryError(
          ErrorCode.GATE_REJECTED,
          `release ${req.runId} rejected on the dashboard${g.by ? ` by ${g.by}` : ''}; nothing was changed`,
          {
            fix: 'ferry release --dry-run   # review, then run again',
            details: { by: g.by ?? null, channel: 'dashboard', decided_at: g.decided_at ?? null },
          },
        );
      }
      if (signal?.aborted && Date.now() <= deadline) {
        // Decided elsewhere (or the run was stopped): this page must no longer offer a decision.
        if (g?.status === 'pending') await writeJsonAtomic(path, { ...g, status: 'withdrawn' } satisfies GateFile);
        throw new FerryError(ErrorCode.GATE_UNAVAILABLE, `dashboard gate of ${req.runId} withdrawn`, {
          fix: `ferry release --resume ${req.runId}`,
        });
      }
      if (Date.now() > deadline) {
        if (g) await writeJsonAtomic(path, { ...g, status: 'timed_out' } satisfies GateFile);
        throw new FerryError(
          ErrorCode.GATE_TIMEOUT,
          `no decision on the dashboard within ${waitText(req.timeoutMs)}; silence never approves a HIGH_RISK release`,
          { fix: `ferry release --resume ${req.runId}` },
        );
      }
      await sleep(this.pollMs);
    }
  }
}
