// Where a dependency is declared: the 1-based line of its entry in pyproject.toml or package.json,
// so a dependency cycle can name the exact lines to change. Found by the table a group lives in
// (`[project]`, `[tool.poetry.dependencies]`, `"peerDependencies": {`), then the first entry naming it.

import { readFileSync } from 'node:fs';
import type { DependencyRef, Ecosystem } from './read.js';

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// PEP 503: `acme_core`, `Acme.Core` and `acme-core` are one name.
function pythonNameRe(name: string): string {
  return name
    .split(/[-_.]+/)
    .map(escapeRe)
    .join('[-_.]+');
}

/** Tables of a pyproject that hold each dependency group, most specific first. */
function pythonTables(ref: DependencyRef): RegExp[] {
  const g = ref.extra ? escapeRe(ref.extra) : '[^\\].]+';
  switch (ref.group) {
    case 'main':
      return [/^project$/, /^tool\.poetry\.dependencies$/];
    case 'optional':
      return [/^project\.optional-dependencies$/, /^tool\.poetry\.dependencies$/, /^tool\.poetry\.extras$/];
    case 'dev':
      return [
        /^dependency-groups$/,
        new RegExp(`^tool\\.poetry\\.group\\.${g}\\.dependencies$`),
        /^tool\.poetry\.dev-dependencies$/,
      ];
    default:
      return [];
  }
}

const NPM_FIELDS: Record<string, string[]> = {
  main: ['dependencies'],
  optional: ['optionalDependencies', 'peerDependencies'],
  dev: ['devDependencies'],
  peer: ['peerDependencies'],
};

/** Pure: the line of `ref` in the manifest text, or null when it cannot be found. */
export function dependencyLine(text: string, ecosystem: Ecosystem, ref: DependencyRef): number | null {
  const lines = text.split('\n');
  if (ecosystem === 'npm') {
    const entry = new RegExp(`^\\s*"${escapeRe(ref.name)}"\\s*:`);
    for (const field of NPM_FIELDS[ref.group] ?? []) {
      const start = lines.findIndex((l) => new RegExp(`^\\s*"${field}"\\s*:\\s*\\{`).test(l));
      if (start < 0) continue;
      for (let i = start + 1; i < lines.length && !/^\s*\}/.test(lines[i]!); i++)
        if (entry.test(lines[i]!)) return i + 1;
    }
    const any = lines.findIndex((l) => entry.test(l));
    return any < 0 ? null : any + 1;
  }
  // A requirement string (`"acme-core>=1"`) or a poetry key (`acme-core = …`, `"acme-core" = …`).
  const n = pythonNameRe(ref.name);
  const entry = new RegExp(`(["']\\s*${n}\\s*(?=[\\s\\[<>=!~;@,"']|$))|(^\\s*["']?${n}["']?\\s*=)`, 'i');
  let table = '';
  const tableOf: string[] = [];
  for (const l of lines) {
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(l);
    if (header?.[1]) table = header[1].replace(/\s*\.\s*/g, '.').replace(/["']/g, '');
    tableOf.push(table);
  }
  for (const want of pythonTables(ref)) {
    const i = lines.findIndex((l, j) => want.test(tableOf[j]!) && !/^\s*\[/.test(l) && entry.test(l));
    if (i >= 0) return i + 1;
  }
  const any = lines.findIndex((l) => !/^\s*(\[|#)/.test(l) && entry.test(l));
  return any < 0 ? null : any + 1;
}

/** `file:line` of `ref` in the manifest `file` (just `file` when the line is not found or unreadable). */
export function dependencyLocation(file: string, ecosystem: Ecosystem, ref: DependencyRef): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return file;
  }
  const line = dependencyLine(text, ecosystem, ref);
  return line === null ? file : `${file}:${line}`;
}
