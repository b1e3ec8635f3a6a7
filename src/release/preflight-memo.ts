// A preflight that passed is remembered by what it built: the same packages at the same versions and
// pins, from the same commits, under the same config. The dry run a user (or the demo) runs before the
// real run then pays for the builds once instead of twice; any new commit, version or config builds again.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurable } from '../engine/durable-write.js';
import type { Exec } from '../util/process.js';
import type { ReleasePackage } from './types.js';

export interface PreflightMemo {
  /** Directory the passes are recorded in (`<state dir>/preflight`). */
  dir: string;
  /** What else decides the build (registry build commands, release config), as canonical text. */
  salt: string;
}

interface Target {
  pkg: ReleasePackage;
  version: string;
  pins: Record<string, string>;
}

/** The key of this preflight: the targets, the commit each is cut from, and the salt. */
export async function preflightKey(
  memo: PreflightMemo,
  targets: readonly Target[],
  refOf: (p: ReleasePackage) => string,
  exec: Exec,
): Promise<string | null> {
  const shas = new Map<string, string>();
  for (const t of targets) {
    const ref = refOf(t.pkg);
    const at = `${t.pkg.repoDir}\0${ref}`;
    if (shas.has(at)) continue;
    const r = await exec('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      cwd: t.pkg.repoDir,
      reject: false,
    });
    if (r.exitCode !== 0) return null; // an unresolvable ref: build, the preflight reports it
    shas.set(at, r.stdout.trim());
  }
  const what = targets.map((t) => ({
    name: t.pkg.name,
    path: t.pkg.path,
    version: t.version,
    pins: Object.entries(t.pins).sort(),
    commit: shas.get(`${t.pkg.repoDir}\0${refOf(t.pkg)}`),
  }));
  return createHash('sha256')
    .update(JSON.stringify({ salt: memo.salt, what }))
    .digest('hex');
}

/** When a preflight with this key passed, or null. */
export async function passedAt(memo: PreflightMemo, key: string): Promise<string | null> {
  try {
    const rec = JSON.parse(await readFile(join(memo.dir, `${key}.json`), 'utf8')) as { passed_at?: unknown };
    return typeof rec.passed_at === 'string' ? rec.passed_at : null;
  } catch {
    return null;
  }
}

/**
 * Records a pass the way run state is written (temp file, every byte checked, fsync, rename), so a full
 * disk or a kill leaves no empty or half-written record.
 * @throws STATE_WRITE_FAILED when the record cannot be written.
 */
export async function recordPass(memo: PreflightMemo, key: string, packages: readonly string[]): Promise<void> {
  const rec = { passed_at: new Date().toISOString(), packages };
  writeFileDurable(join(memo.dir, `${key}.json`), `${JSON.stringify(rec, null, 2)}\n`);
}
