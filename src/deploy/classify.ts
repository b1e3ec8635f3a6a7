// Path classes: which local change means which action. Pure.
import { matchGlob } from './glob.js';
import type { ChangedFile, PathClass, PathRule } from './types.js';

/**
 * Seed defaults, most specific first because the first match wins: `.env*` and config dirs are
 * checked before `**\/*.py`, so `.claude/hooks/x.py` is config (rebuild), not code.
 */
export const DEFAULT_PATH_RULES: readonly PathRule[] = [
  { glob: '.env*', class: 'env' },
  { glob: '.claude/**', class: 'config' },
  { glob: 'Dockerfile*', class: 'build' },
  { glob: 'requirements*.txt', class: 'build' },
  { glob: 'pyproject.toml', class: 'build' },
  { glob: 'package.json', class: 'build' },
  { glob: '**/*.py', class: 'code' },
  { glob: 'src/**', class: 'code' },
  { glob: 'data/config/**', class: 'code' },
];

/** ferry's own files are never a deploy input (the last-deploy state and run files live in .ferry/, at any depth). */
const ALWAYS_IGNORED: readonly PathRule[] = [{ glob: '**/.ferry/**', class: 'ignore' }];

/** First matching rule wins; unmatched paths are `ignore` (docs, tests… do not trigger a deploy). */
export function classifyPath(path: string, rules: readonly PathRule[] = DEFAULT_PATH_RULES): PathClass {
  for (const r of [...ALWAYS_IGNORED, ...rules]) if (matchGlob(r.glob, path)) return r.class;
  return 'ignore';
}

export interface StatusEntry {
  path: string;
  change: ChangedFile['change'];
}

function changeOf(xy: string): ChangedFile['change'] {
  if (xy === '??') return 'untracked';
  if (xy.includes('R') || xy.includes('C')) return 'renamed';
  if (xy.includes('D')) return 'deleted';
  if (xy.includes('A')) return 'added';
  return 'modified';
}

/**
 * Parse `git status --porcelain=v1 -z --untracked-files=all`: `XY path\0`, and for renames and
 * copies `XY new\0old\0` (the old path is reported as deleted so its class counts too).
 */
export function parsePorcelainZ(out: string): StatusEntry[] {
  const parts = out.split('\0');
  const entries: StatusEntry[] = [];
  for (let i = 0; i < parts.length; i++) {
    const rec = parts[i]!;
    if (rec.length < 4) continue;
    const xy = rec.slice(0, 2);
    const path = rec.slice(3);
    const change = changeOf(xy);
    entries.push({ path, change });
    if (xy.includes('R') || xy.includes('C')) {
      const old = parts[++i];
      if (old && xy.includes('R')) entries.push({ path: old, change: 'deleted' });
    }
  }
  return entries;
}

/** `git diff --name-only -z a..b` → paths. */
export function parseNameOnlyZ(out: string): string[] {
  return out.split('\0').filter((p) => p.length > 0);
}
