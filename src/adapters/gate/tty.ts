// The interactive HIGH_RISK gate: prints the gate message and reads approve / reject from a terminal.
// Anything else is asked again; end of input or the timeout never counts as approval.

import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ErrorCode, FerryError } from '../../errors.js';
import { waitText, type Gate, type GateDecision, type GateRequest } from './types.js';

export interface TtyGateOptions {
  input?: Readable & { isTTY?: boolean };
  output?: Writable;
  /** Override terminal detection (tests drive the gate through pipes). */
  isTTY?: boolean;
  now?: () => number;
}

/** `<seconds>.<micros>:<run_id>`, the same shape as a Slack ts token. */
export function localGateToken(ms: number, runId: string): string {
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}000:${runId}`;
}

export class TtyGate implements Gate {
  readonly channel = 'tty';
  private readonly input: Readable & { isTTY?: boolean };
  private readonly output: Writable;
  private readonly tty: boolean;
  private readonly now: () => number;

  constructor(opts: TtyGateOptions = {}) {
    this.input = opts.input ?? process.stdin;
    this.output = opts.output ?? process.stderr;
    this.tty = opts.isTTY ?? Boolean(process.stdin.isTTY && process.stderr.isTTY);
    this.now = opts.now ?? Date.now;
  }

  get available(): boolean {
    return this.tty;
  }

  /** @throws GATE_UNAVAILABLE (no terminal), GATE_REJECTED, GATE_TIMEOUT */
  async request(req: GateRequest, signal?: AbortSignal): Promise<GateDecision> {
    if (!this.tty) throw unavailable(req.runId);
    this.output.write(`\n${req.message}\n\n`);
    const rl = createInterface({ input: this.input, output: this.output, terminal: false });
    try {
      return await new Promise<GateDecision>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new FerryError(
                ErrorCode.GATE_TIMEOUT,
                `no answer within ${waitText(req.timeoutMs)}; silence never approves a HIGH_RISK release`,
                { fix: `ferry release --resume ${req.runId}` },
              ),
            ),
          req.timeoutMs,
        );
        const done = (f: () => void): void => {
          clearTimeout(timer);
          f();
        };
        signal?.addEventListener(
          'abort',
          () =>
            done(() =>
              reject(
                new FerryError(ErrorCode.GATE_REJECTED, 'gate interrupted before approval', {
                  fix: `ferry release --resume ${req.runId}`,
                }),
              ),
            ),
          { once: true },
        );
        rl.on('close', () =>
          done(() =>
            reject(
              new FerryError(ErrorCode.GATE_REJECTED, 'input closed without an answer; not approved', {
                fix: `ferry release --resume ${req.runId}`,
              }),
            ),
          ),
        );
        const ask = (): void => {
          this.output.write('Type approve or reject: ');
        };
        rl.on('line', (line) => {
          const a = line.trim().toLowerCase();
          if (a === 'approve' || a === 'yes' || a === 'y') {
            done(() =>
              resolve({
                approved: true,
                token: localGateToken(this.now(), req.runId),
                channel: 'tty',
                by: process.env.USER ?? 'tty',
              }),
            );
          } else if (a === 'reject' || a === 'no' || a === 'n') {
            done(() =>
              reject(
                new FerryError(
                  ErrorCode.GATE_REJECTED,
                  `release ${req.runId} rejected at the terminal; nothing was changed`,
                  { fix: 'ferry release --dry-run   # review, then run again' },
                ),
              ),
            );
          } else ask();
        });
        ask();
      });
    } finally {
      rl.removeAllListeners('close');
      rl.close();
    }
  }
}

export function unavailable(runId: string): FerryError {
  return new FerryError(
    ErrorCode.GATE_UNAVAILABLE,
    'release is HIGH_RISK and needs an explicit approval, but no gate channel is available (no terminal, no other channel configured)',
    { fix: `ferry release --run-id ${runId} --gate-attestation <ts>:${runId}   # or run it in a terminal` },
  );
}
