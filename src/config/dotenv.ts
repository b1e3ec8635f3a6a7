// A dotenv parser. Env files (seed: `source ~/.omnibase/.env`) are read as data and never executed,
// so `$(cmd)` or `${VAR}` in a value stays literal text instead of running or expanding.

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { ErrorCode, FerryError } from '../errors.js';

export interface DotenvIssue {
  line: number;
  message: string;
}

export interface DotenvResult {
  values: Record<string, string>;
  /** Lines that are not `KEY=VALUE`, a comment or blank. */
  issues: DotenvIssue[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const DOUBLE_QUOTE_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '"': '"',
  '\\': '\\',
  $: '$',
  '`': '`',
};

/**
 * Parse dotenv text: `KEY=value`, optional `export ` prefix, `#` comments (whole-line, or after
 * whitespace in an unquoted value), single quotes (literal), double quotes (escapes \n \r \t \" \\,
 * may span lines), backticks (literal). Later keys win, like sourcing the file would.
 */
export function parseDotenv(text: string): DotenvResult {
  const values: Record<string, string> = {};
  const issues: DotenvIssue[] = [];
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let i = 0;
  let line = 1;

  const skipToEol = (): void => {
    while (i < src.length && src[i] !== '\n') i++;
  };

  while (i < src.length) {
    // Leading whitespace.
    while (src[i] === ' ' || src[i] === '\t') i++;
    if (src[i] === '\n') {
      i++;
      line++;
      continue;
    }
    if (i >= src.length) break;
    if (src[i] === '#') {
      skipToEol();
      continue;
    }
    const startLine = line;
    const eol = src.indexOf('\n', i) === -1 ? src.length : src.indexOf('\n', i);
    const eq = src.indexOf('=', i);
    if (eq === -1 || eq > eol) {
      issues.push({ line: startLine, message: 'expected KEY=VALUE' });
      i = eol;
      continue;
    }
    let key = src.slice(i, eq).trim();
    if (key.startsWith('export ') || key.startsWith('export\t')) key = key.slice(7).trim();
    if (!KEY.test(key)) {
      issues.push({ line: startLine, message: `invalid variable name ${JSON.stringify(key)}` });
      i = eol;
      continue;
    }
    i = eq + 1;
    while (src[i] === ' ' || src[i] === '\t') i++;
    const q = src[i];
    let value = '';
    if (q === '"' || q === "'" || q === '`') {
      i++;
      let closed = false;
      while (i < src.length) {
        const c = src[i] as string;
        if (c === q) {
          closed = true;
          i++;
          break;
        }
        if (c === '\\' && q === '"' && i + 1 < src.length) {
          const n = src[i + 1] as string;
          const mapped = DOUBLE_QUOTE_ESCAPES[n];
          value += mapped ?? `\\${n}`;
          if (n === '\n') line++;
          i += 2;
          continue;
        }
        if (c === '\n') line++;
        value += c;
        i++;
      }
      if (!closed) {
        issues.push({ line: startLine, message: `unterminated ${q} quote` });
        break;
      }
      // Only whitespace or a comment may follow the closing quote.
      const rest = src.slice(i, src.indexOf('\n', i) === -1 ? src.length : src.indexOf('\n', i));
      if (rest.trim() !== '' && !rest.trim().startsWith('#')) {
        issues.push({ line, message: `unexpected text after closing quote: ${JSON.stringify(rest.trim())}` });
      }
      skipToEol();
    } else {
      const raw = src.slice(i, eol);
      // An unquoted value ends at ` #` (a comment), as in bash and the dotenv packages.
      const hash = raw.search(/[ \t]#/);
      value = (hash === -1 ? raw : raw.slice(0, hash)).trim();
      i = eol;
    }
    values[key] = value;
  }
  return { values, issues };
}

/**
 * Read and parse an env file.
 * @throws FerryError CONFIG_INVALID listing `file:line` for every malformed line.
 */
/** An env file larger than this is not an env file (and `/dev/zero` never ends). */
const MAX_ENV_FILE_BYTES = 1024 * 1024;

export function readDotenvFile(file: string): Record<string, string> {
  const { values, issues } = parseDotenv(readBounded(file));
  if (issues.length > 0) {
    const lines = issues.map((x) => `${file}:${x.line} ${x.message}`);
    throw new FerryError(ErrorCode.CONFIG_INVALID, `invalid env file ${file}:\n${lines.join('\n')}`, {
      fix: `edit ${file}`,
      details: { file, issues },
    });
  }
  return values;
}

/** The file's text, read with a size limit. @throws CONFIG_INVALID for a directory, device or huge file. */
function readBounded(file: string): string {
  let fd: number | null = null;
  try {
    const st = statSync(file);
    if (!st.isFile())
      throw new FerryError(ErrorCode.CONFIG_INVALID, `env file ${file} is not a regular file`, {
        fix: `point env_files at a KEY=value file, not ${st.isDirectory() ? 'a directory' : 'a device'}`,
        details: { file },
      });
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(MAX_ENV_FILE_BYTES + 1);
    const n = readSync(fd, buf, 0, buf.length, 0);
    if (n > MAX_ENV_FILE_BYTES)
      throw new FerryError(ErrorCode.CONFIG_INVALID, `env file ${file} is larger than 1 MiB`, {
        fix: `point env_files at a KEY=value file`,
        details: { file },
      });
    return buf.subarray(0, n).toString('utf8');
  } catch (e) {
    if ((e as { isFerryError?: boolean }).isFerryError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw e;
    throw new FerryError(
      ErrorCode.CONFIG_INVALID,
      `env file ${file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      {
        fix: `check env_files in ferry.yaml`,
        details: { file },
      },
    );
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
