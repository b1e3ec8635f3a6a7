// Pick the first usable gate among `release.gate.channels`. tty is built in; other channels
// (slack, dashboard) plug in through `factories`. None usable → GATE_UNAVAILABLE: never proceed.

import { TtyGate, unavailable, type TtyGateOptions } from './tty.js';
import type { Gate } from './types.js';

export type GateChannel = 'tty' | 'slack' | 'dashboard';
/** Returns null when the channel cannot be used here (e.g. its token is not set). */
export type GateFactory = () => Promise<Gate | null>;

export interface SelectGateOptions {
  runId: string;
  tty?: TtyGateOptions;
  factories?: Partial<Record<GateChannel, GateFactory>>;
}

/** @throws GATE_UNAVAILABLE when no channel is usable. */
export async function selectGate(channels: readonly GateChannel[], opts: SelectGateOptions): Promise<Gate> {
  for (const ch of channels) {
    if (ch === 'tty') {
      const g = new TtyGate(opts.tty);
      if (g.available) return g;
      continue;
    }
    const g = await opts.factories?.[ch]?.();
    if (g) return g;
  }
  throw unavailable(opts.runId);
}

export { TtyGate } from './tty.js';
export type { Gate, GateDecision, GateRequest } from './types.js';
