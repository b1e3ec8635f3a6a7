// The usable gates among `release.gate.channels`. tty is built in; other channels (slack, dashboard)
// plug in through `factories`. None usable → GATE_UNAVAILABLE: never proceed. When several are
// usable they are asked at once (raceGates): the first person to decide, anywhere, decides.

import { TtyGate, unavailable, type TtyGateOptions } from './tty.js';
import type { Gate, GateDecision, GateRequest } from './types.js';

export type GateChannel = 'tty' | 'slack' | 'dashboard';
/** Returns null when the channel cannot be used here (e.g. its token is not set). */
export type GateFactory = () => Promise<Gate | null>;

export interface SelectGateOptions {
  runId: string;
  tty?: TtyGateOptions;
  factories?: Partial<Record<GateChannel, GateFactory>>;
}

/** Every usable channel, in configured order (duplicates once). @throws GATE_UNAVAILABLE when none is. */
export async function selectGates(channels: readonly GateChannel[], opts: SelectGateOptions): Promise<Gate[]> {
  const out: Gate[] = [];
  for (const ch of new Set(channels)) {
    if (ch === 'tty') {
      const g = new TtyGate(opts.tty);
      if (g.available) out.push(g);
      continue;
    }
    const g = await opts.factories?.[ch]?.();
    if (g) out.push(g);
  }
  if (out.length === 0) throw unavailable(opts.runId);
  return out;
}

/** The first usable gate. @throws GATE_UNAVAILABLE when no channel is usable. */
export async function selectGate(channels: readonly GateChannel[], opts: SelectGateOptions): Promise<Gate> {
  return (await selectGates(channels, opts))[0]!;
}

/**
 * Ask every gate at once; the first decision (approval or rejection) wins and the others are
 * withdrawn. Silence still never approves: each gate times out on its own and the last failure is
 * the answer only when every gate has failed.
 */
export async function raceGates(gates: readonly Gate[], req: GateRequest, signal?: AbortSignal): Promise<GateDecision> {
  if (gates.length === 1) return gates[0]!.request(req, signal);
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await new Promise<GateDecision>((resolve, reject) => {
      let pending = gates.length;
      for (const g of gates) {
        g.request(req, stop.signal).then(
          (d) => {
            stop.abort(new Error(`decided via ${d.channel}`));
            resolve(d);
          },
          (e: unknown) => {
            // A rejection is a decision; a channel that merely stopped (withdrawn, unavailable) is not.
            const code = (e as { code?: string }).code;
            if (code === 'GATE_REJECTED' && !stop.signal.aborted) {
              stop.abort(new Error(`rejected via ${g.channel}`));
              reject(e as Error);
            } else if (--pending === 0) reject(e as Error);
          },
        );
      }
    });
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

export { TtyGate } from './tty.js';
export type { Gate, GateDecision, GateRequest } from './types.js';
