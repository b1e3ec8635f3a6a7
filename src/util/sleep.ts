// Sleeps shared by every poll and backoff loop.
import { setTimeout as sleepTimer } from 'node:timers/promises';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Sleep that an abort ends early, rejecting with the caller's abort reason (not Node's generic
 * AbortError). Node removes its abort listener when the timer ends, so a poll loop leaks none.
 */
export async function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleepTimer(ms, undefined, signal ? { signal } : undefined);
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    throw e;
  }
}
