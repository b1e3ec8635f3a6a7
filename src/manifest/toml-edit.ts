// Format-preserving TOML edits through @decimalturn/toml-patch: parse to plain data, change the data,
// patch the original text with the difference. Comments, key order, quoting, dotted keys, inline
// tables and multi-line arrays survive because only the changed values are rewritten. Chosen over
// Debian's python3-tomlkit because it runs in-process (edits stay pure functions, no interpreter per
// edit, and npm-only users need no Python); it is dependency-free and tested against toml-test.

import { parse, patch } from '@decimalturn/toml-patch';
import { ErrorCode, FerryError } from '../errors.js';

export type TomlTable = Record<string, unknown>;

export function isTable(v: unknown): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** @throws CONFIG_INVALID naming the file when the text is not TOML. */
export function parseTomlDoc(text: string, file: string): TomlTable {
  try {
    return parse(text) as TomlTable;
  } catch (e) {
    throw new FerryError(ErrorCode.CONFIG_INVALID, `${file}: invalid TOML: ${(e as Error).message.split('\n')[0]}`, {
      fix: `edit ${file}`,
      cause: e,
      details: { file },
    });
  }
}

/** Patch `text` so it holds `doc` (a changed copy of its parse), touching only what differs. */
export function patchToml(text: string, doc: TomlTable, file: string): string {
  try {
    return patch(text, doc);
  } catch (e) {
    throw new FerryError(ErrorCode.MANIFEST_EDIT_FAILED, `${file}: the TOML edit failed: ${(e as Error).message}`, {
      fix: `edit ${file} by hand, then run ferry again`,
      cause: e,
      details: { file },
    });
  }
}

/** The table at a dotted path (no dots inside keys), or undefined. */
export function tableAt(doc: TomlTable, path: readonly string[]): TomlTable | undefined {
  let t: unknown = doc;
  for (const k of path) {
    if (!isTable(t)) return undefined;
    t = t[k];
  }
  return isTable(t) ? t : undefined;
}

/**
 * 1-based line of the first occurrence of `needle` in `text` at or after `from` (a char offset);
 * `used` keeps two equal values in one file from reporting the same line twice.
 */
export function lineOf(text: string, needle: string, used: Set<number>, from = 0): number | null {
  let at = text.indexOf(needle, from);
  while (at !== -1 && used.has(at)) at = text.indexOf(needle, at + 1);
  if (at === -1) return null;
  used.add(at);
  return text.slice(0, at).split('\n').length;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** 1-based line where `key = …` is written inside the table `path` (after its `[header]` when it has one). */
export function lineOfKey(text: string, key: string, path: readonly string[]): number | null {
  const header = new RegExp(`^\\s*\\[\\s*${path.map(escapeRe).join('\\s*\\.\\s*')}\\s*\\]`, 'm').exec(text);
  const from = header ? header.index : 0;
  const m = new RegExp(`^[ \\t]*["']?${escapeRe(key)}["']?[ \\t]*=`, 'm').exec(text.slice(from));
  return m ? text.slice(0, from + m.index).split('\n').length : null;
}
