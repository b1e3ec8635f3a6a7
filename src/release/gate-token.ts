// --gate-attestation <ts>:<run_id>: checked before any scan; its run id must be this run's.

import { ErrorCode, FerryError } from '../errors.js';
import { GATE_TOKEN_PATTERN } from '../adapters/gate/types.js';

export interface GateAttestation {
  token: string;
  ts: string;
  runId: string;
}

/**
 * `replacedRunId`: the id this run would have had, had that run not finished already (a token for
 * it approved that run, not this one).
 * @throws INVALID_GATE_TOKEN (exit 2) on a bad format or a token issued for another run.
 */
export function parseGateAttestation(token: string, expectedRunId?: string, replacedRunId?: string): GateAttestation {
  const m = GATE_TOKEN_PATTERN.exec(token);
  if (!m?.[1] || !m[2]) {
    throw new FerryError(
      ErrorCode.INVALID_GATE_TOKEN,
      `--gate-attestation ${JSON.stringify(token)} is not <slack_ts>:<run_id> (e.g. 1740312612.000100:release-20260225-a3f7b2)`,
      {
        fix: 'ferry release --gate-attestation <slack_ts>:<run_id>',
      },
    );
  }
  if (expectedRunId !== undefined && m[2] !== expectedRunId && m[2] === replacedRunId) {
    throw new FerryError(
      ErrorCode.INVALID_GATE_TOKEN,
      `--gate-attestation was issued for run ${m[2]}, which already finished; this new run is ${expectedRunId} and needs its own approval`,
      {
        fix: `ferry release --dry-run   # review the plan of ${expectedRunId}, then: --gate-attestation <slack_ts>:${expectedRunId}`,
        details: { token_run_id: m[2], run_id: expectedRunId },
      },
    );
  }
  if (expectedRunId !== undefined && m[2] !== expectedRunId) {
    throw new FerryError(
      ErrorCode.INVALID_GATE_TOKEN,
      `--gate-attestation was issued for run ${m[2]}, not for this run ${expectedRunId}`,
      {
        fix: `ferry release --run-id ${m[2]} --gate-attestation ${token}   # or get a token for ${expectedRunId}`,
        details: { token_run_id: m[2], run_id: expectedRunId },
      },
    );
  }
  return { token, ts: m[1], runId: m[2] };
}
