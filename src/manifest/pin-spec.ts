// PEP 440 version specifiers as Dockerfiles pin them (`pkg==0.7.0`, `pkg>=0.8.0,<2.0.0`, `pkg~=0.7`):
// parse one, check a new version against it, and rewrite it. Versions compare by PEP 440 (not semver,
// not strings: 0.10.0 > 0.9.0, 1.0rc1 < 1.0). Pure.

import { compare, satisfies } from '@renovatebot/pep440';

export type RangePinMode = 'exact' | 'floor';

export interface SpecClause {
  op: string;
  version: string;
}

const OP = /^(===|==|~=|>=|<=|!=|>|<)\s*(\S+)$/;

/** `>=0.8.0,<2.0.0` → clauses; null when any part is not `<op><version>`. */
export function parseSpec(spec: string): SpecClause[] | null {
  const out: SpecClause[] = [];
  for (const part of spec.split(',')) {
    const m = OP.exec(part.trim());
    if (!m) return null;
    out.push({ op: m[1]!, version: m[2]! });
  }
  return out.length ? out : null;
}

/** `==X` / `===X` without a wildcard: the pin names one version. */
export function exactVersion(clauses: readonly SpecClause[]): string | null {
  const [only, ...rest] = clauses;
  if (!only || rest.length || (only.op !== '==' && only.op !== '===') || only.version.includes('*')) return null;
  return only.version;
}

/** `~=0.7` → `1`, `~=0.7.1` → `0.8` (the compatible-release upper bound, exclusive). */
export function compatibleUpper(version: string): string {
  const release = (/^(?:\d+!)?(\d+(?:\.\d+)*)/.exec(version)?.[1] ?? version).split('.');
  const head = release.slice(0, Math.max(1, release.length - 1));
  head[head.length - 1] = String(Number(head[head.length - 1]) + 1);
  return head.join('.');
}

const cmp = (a: string, b: string): number => compare(a, b);

/** Why `next` does not fit the pin: below its floor (a downgrade), above its ceiling, or excluded. */
export type SpecProblem = { kind: 'downgrade' | 'above' | 'excluded'; clause: string };

/** What replacing the pin with `next` means: null when it fits (or is the same exact version). */
export function checkSpec(clauses: readonly SpecClause[], next: string): SpecProblem | null {
  const exact = exactVersion(clauses);
  if (exact) return cmp(next, exact) < 0 ? { kind: 'downgrade', clause: `==${exact}` } : null;
  for (const c of clauses) {
    const text = `${c.op}${c.version}`;
    if (satisfies(next, text)) continue;
    switch (c.op) {
      case '>=':
      case '>':
        return { kind: 'downgrade', clause: text };
      case '<':
      case '<=':
        return { kind: 'above', clause: text };
      case '!=':
        return { kind: 'excluded', clause: text };
      default: {
        // ~=X and ==X.* bound both ways: below X is a downgrade, past the prefix is above.
        const floor = c.version.replace(/\.\*$/, '');
        return { kind: cmp(next, floor) < 0 ? 'downgrade' : 'above', clause: text };
      }
    }
  }
  return null;
}

/**
 * The pin that installs `next` while keeping the file's intent. exact: `==next` (what gets built is
 * exactly the released version). floor: the range with `next` as its lower bound
 * (`>=0.8.0,<2.0.0` → `>=0.9.0,<2.0.0`, `~=0.7` → `>=0.9.0,<1`); a lone `==X` stays exact.
 */
export function rewriteSpec(clauses: readonly SpecClause[], next: string, mode: RangePinMode): string {
  const exact = exactVersion(clauses);
  if (exact) return `${clauses[0]!.op}${next}`;
  if (mode === 'exact') return `==${next}`;
  const kept: string[] = [];
  for (const c of clauses) {
    if (c.op === '>=' || c.op === '>') continue;
    if (c.op === '~=') kept.push(`<${compatibleUpper(c.version)}`);
    else kept.push(`${c.op}${c.version}`);
  }
  return [`>=${next}`, ...kept].join(',');
}
