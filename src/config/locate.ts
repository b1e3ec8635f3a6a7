// Map a key path in a parsed YAML document back to `line:col` in the source, and turn zod issues
// into `file:line:col key.path: what was expected` lines. Kept apart from load.ts so `ferry config
// check`, init and tests share one formatter.

import { isMap, isPair, isScalar, isSeq, LineCounter } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import type { z } from 'zod';

export type KeyPath = readonly PropertyKey[];

export interface ConfigIssue {
  file: string;
  line: number;
  col: number;
  /** Dotted key path (`packages[2].ecosystem`), `(root)` for the document itself. */
  key: string;
  message: string;
}

export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out === '' ? '(root)' : out;
}

export function formatIssue(i: ConfigIssue): string {
  return `${i.file}:${i.line}:${i.col} ${i.key}: ${i.message}`;
}

interface Located {
  /** Source offset of the key (for map entries) or item (for sequence entries) found deepest. */
  offset: number;
  /** True when the whole path exists in the document. */
  found: boolean;
}

function pairFor(node: unknown, seg: PropertyKey): Pair<unknown, unknown> | undefined {
  if (!isMap(node)) return undefined;
  for (const item of node.items) {
    if (!isPair(item)) continue;
    const k = isScalar(item.key) ? item.key.value : item.key;
    if (String(k) === String(seg)) return item;
  }
  return undefined;
}

function startOf(node: unknown): number | undefined {
  const r = (node as Node | null | undefined)?.range;
  return r ? r[0] : undefined;
}

/** Walk `path` through the document; point at the deepest key that exists (the parent when a key is missing). */
export function locate(doc: Document, path: KeyPath): Located {
  let node: unknown = doc.contents;
  let offset = startOf(node) ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = pairFor(node, seg);
      if (!pair) return { offset, found: false };
      offset = startOf(pair.key) ?? startOf(pair.value) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return { offset, found: false };
      offset = startOf(item) ?? offset;
      node = item;
    } else {
      return { offset, found: false };
    }
  }
  return { offset, found: true };
}

/** The key path of the deepest map key or sequence item whose range contains `offset`. */
export function pathAtOffset(doc: Document, offset: number): PropertyKey[] {
  const path: PropertyKey[] = [];
  let node: unknown = doc.contents;
  for (;;) {
    let next: unknown;
    if (isMap(node)) {
      for (const item of node.items) {
        const start = startOf(item.key);
        const r = (item.value as Node | null)?.range;
        const end = r ? r[2] : start !== undefined ? start + 1 : undefined;
        if (start !== undefined && end !== undefined && offset >= start && offset <= end) {
          path.push(isScalar(item.key) ? String(item.key.value) : String(item.key));
          next = item.value;
          break;
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, idx) => {
        const r = (item as Node | null)?.range;
        if (next === undefined && r && offset >= r[0] && offset <= r[2]) {
          path.push(idx);
          next = item;
        }
      });
    }
    if (next === undefined) return path;
    node = next;
  }
}

function hasPath(data: unknown, path: KeyPath): boolean {
  let cur: unknown = data;
  for (const seg of path) {
    if (typeof cur !== 'object' || cur === null || !(String(seg) in (cur as Record<string, unknown>))) return false;
    cur = (cur as Record<string, unknown>)[String(seg)];
  }
  return cur !== undefined;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}

function valueAt(data: unknown, path: KeyPath): unknown {
  let cur: unknown = data;
  for (const seg of path) cur = (cur as Record<string, unknown> | undefined)?.[String(seg)];
  return cur;
}

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0] as number;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j] as number;
      d[j] = Math.min((d[j] as number) + 1, (d[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length] as number;
}

/** The closest candidate within a small edit distance, for "did you mean". */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (dist < bestD) {
      best = c;
      bestD = dist;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

interface LooseDef {
  type?: string;
  shape?: Record<string, unknown>;
  element?: unknown;
  valueType?: unknown;
  innerType?: unknown;
  in?: unknown;
  options?: unknown[];
}

function defOf(schema: unknown): LooseDef {
  return ((schema as { _zod?: { def?: LooseDef } } | undefined)?._zod?.def ?? {}) as LooseDef;
}

/** Keys the schema allows at `path` (best effort through optional/default/union wrappers). */
export function allowedKeys(schema: unknown, path: KeyPath, data: unknown): string[] {
  let cur: unknown[] = [schema];
  const unwrap = (s: unknown): unknown[] => {
    const def = defOf(s);
    if (def.innerType !== undefined) return unwrap(def.innerType);
    if (def.type === 'pipe' && def.in !== undefined) return unwrap(def.in);
    if (def.type === 'union' && def.options) return def.options.flatMap(unwrap);
    return [s];
  };
  const step = (s: unknown, seg: PropertyKey): unknown[] => {
    const def = defOf(s);
    if (def.type === 'object' && def.shape) return def.shape[String(seg)] === undefined ? [] : [def.shape[String(seg)]];
    if (def.type === 'array' && def.element !== undefined) return [def.element];
    if (def.type === 'record' && def.valueType !== undefined) return [def.valueType];
    return [];
  };
  const kind = valueAt(data, [...path, 'kind']);
  for (const seg of path) cur = cur.flatMap(unwrap).flatMap((s) => step(s, seg));
  const keys = new Set<string>();
  for (const s of cur.flatMap(unwrap)) {
    const def = defOf(s);
    if (def.type !== 'object' || !def.shape) continue;
    // For a discriminated union, offer only the keys of the option the `kind` selects.
    const k = defOf(def.shape.kind);
    const lit = (k as { values?: unknown[] }).values;
    if (kind !== undefined && Array.isArray(lit) && !lit.includes(kind)) continue;
    for (const key of Object.keys(def.shape)) keys.add(key);
  }
  return [...keys];
}

type Issue = z.core.$ZodIssue;

/** `string or false` from the first issue of each union branch. */
function unionExpectations(branches: readonly (readonly Issue[])[]): string {
  const parts = new Set<string>();
  for (const b of branches) {
    const first = b[0];
    if (first?.code === 'invalid_type') parts.add(first.expected);
    else if (first?.code === 'invalid_value') for (const v of first.values) parts.add(JSON.stringify(v));
    else parts.add('a valid value');
  }
  return [...parts].join(' or ') || 'a valid value';
}

/** One human line per zod issue (unknown keys give one line each). */
export function zodIssueLines(
  issues: readonly Issue[],
  ctx: { file: string; doc: Document; lineCounter: LineCounter; data: unknown; schema: unknown },
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const at = (path: KeyPath, message: string): void => {
    const { offset } = locate(ctx.doc, path);
    const { line, col } = ctx.lineCounter.linePos(offset);
    out.push({ file: ctx.file, line, col, key: formatKeyPath(path), message });
  };
  for (const issue of issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(ctx.schema, path, ctx.data);
      for (const key of issue.keys) {
        const hint = nearest(key, allowed);
        const expected = allowed.length > 0 ? ` (expected one of: ${allowed.join(', ')})` : '';
        at([...path, key], `unknown key${hint ? ` — did you mean \`${hint}\`?` : expected}`);
      }
      continue;
    }
    const present = hasPath(ctx.data, path);
    let expected: string;
    // A schema's own message (`expected \`version: 1\``) beats the generic one.
    const custom = !/^(Invalid|Too (small|big)|Unrecognized)/.test(issue.message);
    if (custom) expected = issue.message;
    else if (issue.code === 'invalid_type') expected = `expected ${issue.expected}`;
    else if (issue.code === 'invalid_value')
      expected = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    else if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
      expected = `expected one of ${(issue.options as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (issue.code === 'invalid_union') expected = `expected ${unionExpectations(issue.errors)}`;
    else if (issue.code === 'invalid_format' && issue.format === 'url') expected = 'expected a URL';
    else expected = issue.message.replace(/^(Invalid input|Too small|Too big|Invalid option): /, '');
    if (!present) {
      at(path, `missing required key (${expected})`);
    } else if (
      issue.code === 'invalid_type' ||
      issue.code === 'invalid_value' ||
      (issue.code === 'invalid_union' && !custom)
    ) {
      at(path, `${expected}, got ${describeValue(valueAt(ctx.data, path))}`);
    } else {
      at(path, expected);
    }
  }
  return out;
}
