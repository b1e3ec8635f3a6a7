// A real small file system for faults that need one: a tmpfs (we run as root in CI) that can be
// filled up (ENOSPC) or remounted read-only (EROFS). Where mounting is impossible, `mountable()` says
// why, and the fault is reported as not run rather than silently passed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** null when a tmpfs can be mounted here, else the reason it cannot. */
export function unmountableReason(): string | null {
  const d = mkdtempSync(join(tmpdir(), 'ferry-mnt-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', d], { stdio: 'pipe' });
    execFileSync('umount', [d], { stdio: 'pipe' });
    return null;
  } catch (e) {
    const err = (e as { stderr?: Buffer }).stderr?.toString().trim();
    return `cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): ${err || (e as Error).message}`;
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

export interface Tmpfs {
  dir: string;
  readOnly(): void;
  writable(): void;
  unmount(): void;
}

export function mountTmpfs(size: string): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-fault-fs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  let mounted = true;
  return {
    dir,
    readOnly: () => execFileSync('mount', ['-o', 'remount,ro', dir]),
    writable: () => execFileSync('mount', ['-o', 'remount,rw', dir]),
    unmount() {
      if (mounted) execFileSync('umount', ['-l', dir]);
      mounted = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
