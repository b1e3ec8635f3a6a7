// Test-only wrappers for `git` and the Python interpreter that kill ferry (kill -9, the whole process
// group) right after an external command starts or right after it ends.
// FERRY_CRASH_AT is a `;`-separated set of points: the first one reached kills, and is appended to
// the file FERRY_CRASH_HIT so a chain of resumes can move on to the points not reached yet. ferry exports FERRY_STEP
// while a step runs, so a kill point is `<step id>|<command kind>|<start|end>`; with FERRY_CRASH_LOG
// set, every command a step runs is recorded as `<step>\t<kind>`, which is how the crash matrix lists
// its kill points from the pipeline itself (a new step or command is covered automatically).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The command kind: the program and its subcommand (`git worktree add`, `python -m build`).
const KIND = `
kind_of() {
  local prog="$1"; shift
  if [ "$prog" = git ]; then
    while [ $# -gt 0 ]; do case "$1" in -C|-c) shift 2;; -*) shift;; *) break;; esac; done
    case "$1" in worktree|remote|stash|config) echo "git $1 \${2:-}";; *) echo "git \${1:-}";; esac
  else
    case "$1" in -m) echo "python -m \${2:-}";; -c) echo "python -c";; *) echo "python \${1:-}";; esac
  fi
}
`;

function script(prog: 'git' | 'python', real: string): string {
  return `#!/bin/bash
${KIND}
kind="$(kind_of ${prog} "$@")"
if [ -n "\${FERRY_STEP:-}" ] && [ -n "\${FERRY_CRASH_LOG:-}" ]; then
  printf '%s\\t%s\\n' "$FERRY_STEP" "$kind" >> "$FERRY_CRASH_LOG"
fi
point="\${FERRY_STEP:-}|$kind"
die() {
  # ferry (our parent) leads its process group when the harness starts it: kill the group, else both.
  local pg; pg="$(ps -o pgid= -p "$PPID" | tr -d ' ')"
  if [ "$pg" = "$PPID" ]; then kill -9 -- "-$PPID"; else kill -9 "$@" "$PPID"; fi
  exit 137
}
hit() {
  [ -n "\${FERRY_CRASH_AT:-}" ] || return 1
  case ";$FERRY_CRASH_AT;" in *";$point|$1;"*) ;; *) return 1;; esac
  [ -z "\${FERRY_CRASH_HIT:-}" ] || printf '%s\n' "$point|$1" >> "$FERRY_CRASH_HIT"
}
if hit start; then
  ${real} "$@" &
  child=$!
  sleep "\${FERRY_CRASH_DELAY:-0.01}"
  die "$child"
fi
if hit end; then
  ${real} "$@"
  die
fi
exec ${real} "$@"
`;
}

export interface CrashBin {
  /** Put first on PATH. */
  dir: string;
  /** Use as `registries.<key>.python`. */
  python: string;
}

export function writeCrashWrappers(dir: string): CrashBin {
  mkdirSync(dir, { recursive: true });
  const git = join(dir, 'git');
  const python = join(dir, 'python3-crash');
  writeFileSync(git, script('git', '/usr/bin/git'));
  writeFileSync(python, script('python', '/usr/bin/python3'));
  chmodSync(git, 0o755);
  chmodSync(python, 0o755);
  return { dir, python };
}

/** Commands that change nothing: a kill at their end is the same point as a kill at the next one's start. */
export function readOnlyKind(kind: string): boolean {
  return (
    /^git (rev-parse|ls-remote|log|show|status|for-each-ref|tag --list|cat-file|diff|worktree list|remote get-url|config --get|describe|merge-base|branch --list)\b/.test(
      kind,
    ) || kind === 'python -c'
  );
}
