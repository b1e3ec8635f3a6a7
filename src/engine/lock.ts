// One live run per state file. proper-lockfile gives the atomic primitive (mkdir); beside it we keep
// a record of who holds it (pid, host, when, version, why) so a second holder fails fast with the pid
// and a lock left by a dead process (kill -9) is taken over at once instead of after a stale timeout.
import { hostname } from 'node:os';
import { mkdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, FerryError, isFerryError } from '../errors.js';
import { writeFailed, writeFileDurable } from './durable-write.js';

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  version: string;
  why: string;
}

export interface RunLock {
  release(): Promise<void>;
}

const STALE_MS = 30_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(path: string): Promise<LockHolder | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockHolder;
  } catch {
    return null;
  }
}

/**
 * @throws LOCKED with the holder's pid when another live process holds the run.
 */
export async function acquireRunLock(target: string, why: string, version = '0'): Promise<RunLock> {
  const lockDir = `${target}.lock`;
  const holderPath = `${target}.lock.owner.json`;
  try {
    await mkdir(dirname(target), { recursive: true });
  } catch (e) {
    throw writeFailed(target, e);
  }
  const opts = {
    realpath: false,
    lockfilePath: lockDir,
    stale: STALE_MS,
    update: STALE_MS / 3,
    retries: 0,
    // NOTE: proper-lockfile throws from a timer when the lock is compromised; a run keeps going and
    // the state file's atomic writes stay safe, so we only note it.
    onCompromised: () => undefined,
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // Imported here: only a real run locks, and start-up of everything else must not pay for it.
      const { default: lockfile } = await import('proper-lockfile');
      const release = await lockfile.lock(target, opts);
      const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), version, why };
      try {
        writeFileDurable(holderPath, JSON.stringify(me) + '\n');
      } catch (e) {
        await release().catch(() => undefined);
        throw e;
      }
      return {
        async release() {
          await rm(holderPath, { force: true });
          await release().catch(() => undefined);
        },
      };
    } catch (e) {
      if (isFerryError(e)) throw e;
      if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw writeFailed(lockDir, e);
      const holder = await readHolder(holderPath);
      // No holder record: a live holder writes it within milliseconds of taking the lock, so one that is
      // still missing a second later was killed in between (kill -9 right after the lock was taken).
      const dead = holder
        ? holder.host === hostname() && !alive(holder.pid)
        : await holderNeverCame(holderPath, lockDir);
      if (dead && attempt === 0) {
        await rm(holderPath, { force: true });
        await rmdir(lockDir).catch(() => undefined);
        continue;
      }
      const who = holder ? `pid ${holder.pid} on ${holder.host} since ${holder.since}` : 'another process';
      throw new FerryError(ErrorCode.LOCKED, `run is locked by ${who} (${holder?.why ?? 'unknown'})`, {
        fix: holder ? `wait for pid ${holder.pid} to finish, or stop it: kill ${holder.pid}` : `rm -r ${lockDir}`,
        details: { pid: holder?.pid ?? null, host: holder?.host ?? null },
      });
    }
  }
  throw new FerryError(ErrorCode.LOCKED, `could not take over the lock at ${lockDir}`, { fix: `rm -r ${lockDir}` });
}

async function holderNeverCame(holderPath: string, lockDir: string): Promise<boolean> {
  if (await olderThan(lockDir, 5_000)) return true;
  await sleep(1_000);
  return (await readHolder(holderPath)) === null && (await olderThan(lockDir, 1_000));
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs > ms;
  } catch {
    return true;
  }
}

/**
 * One change at a time per runtime object, across pipelines: redeploy, promote and finalize all lock
 * `<home>/locks/<kind>/<name>` before recreating a container or updating a Swarm service.
 * `what` starts the LOCKED message ("container web is being recreated").
 * @throws LOCKED "<what> by another run: <holder>"
 */
export async function acquireResourceLock(
  home: string,
  kind: 'containers' | 'services',
  name: string,
  holder: string,
  what: string,
): Promise<RunLock> {
  try {
    return await acquireRunLock(join(home, 'locks', kind, name.replace(/[^A-Za-z0-9._-]/g, '_')), holder);
  } catch (e) {
    if (!isFerryError(e) || e.code !== ErrorCode.LOCKED) throw e;
    throw new FerryError(ErrorCode.LOCKED, `${what} by another run: ${e.message}`, {
      fix: e.fix ?? undefined,
      details: e.details,
    });
  }
}

/**
 * Who holds the run lock of `target` right now, or null when nobody does: no holder record, or the
 * recorded process on this host is gone (kill -9, crash, closed terminal). Reads only.
 */
export async function liveHolder(target: string): Promise<LockHolder | null> {
  const holder = await readHolder(`${target}.lock.owner.json`);
  // A record without a pid (truncated, hand-edited) names no process that could hold the lock.
  if (!holder || typeof holder.pid !== 'number') return null;
  return holder.host !== hostname() || alive(holder.pid) ? holder : null;
}
