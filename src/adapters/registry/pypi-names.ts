// Pure PyPI naming rules: PEP 503 name normalisation, a light PEP 440 version normalisation,
// which distribution files belong to which version, and parsing the simple index (PEP 691 JSON / PEP 503 HTML).

import { badInput } from './common.js';
import { normalizePythonName } from '../../manifest/names.js';

const PEP440 =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(alpha|beta|preview|pre|rc|a|b|c)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/;
const PRE: Record<string, string> = {
  alpha: 'a',
  a: 'a',
  beta: 'b',
  b: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
};

const PEP508_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/** PEP 503: lowercase, runs of -_. become one dash. */
export function normalizePypiName(name: string): string {
  return normalizePythonName(name);
}

export function assertPypiName(name: string): void {
  if (!PEP508_NAME.test(name)) throw badInput('Python package name', name, 'letters, digits, and . _ - (PEP 508)');
}

export function assertPep440(version: string): void {
  if (!PEP440.test(version.toLowerCase())) throw badInput('version', version, 'a PEP 440 version such as 1.2.3');
}

/** PEP 440 canonical form, to compare the versions ferry writes with the ones in filenames. */
export function pep440Normalize(version: string): string {
  const v = version.trim().toLowerCase();
  const m = PEP440.exec(v);
  if (!m) return v;
  const [, epoch, release = '', pre, preN, postImplicit, post, postN, dev, devN, local] = m;
  let out = epoch && Number(epoch) !== 0 ? `${Number(epoch)}!` : '';
  out += release
    .split('.')
    .map((n) => String(Number(n)))
    .join('.');
  if (pre) out += `${PRE[pre]}${Number(preN ?? 0)}`;
  if (postImplicit !== undefined) out += `.post${Number(postImplicit)}`;
  else if (post) out += `.post${Number(postN ?? 0)}`;
  if (dev) out += `.dev${Number(devN ?? 0)}`;
  if (local) out += `+${local.replace(/[-_]/g, '.')}`;
  return out;
}

const SDIST_EXT = /\.(tar\.gz|zip|tar\.bz2|tgz)$/i;

/** Name and version a distribution filename declares (wheel or sdist); undefined for other files. */
export function filenameVersion(filename: string): { name: string; version: string } | undefined {
  if (filename.endsWith('.whl')) {
    const parts = filename.slice(0, -4).split('-');
    if (parts.length < 5 || !parts[0] || !parts[1]) return undefined;
    return { name: parts[0], version: parts[1].replace(/_/g, '-') };
  }
  const m = SDIST_EXT.exec(filename);
  if (!m) return undefined;
  const stem = filename.slice(0, m.index);
  const dash = stem.lastIndexOf('-');
  if (dash <= 0) return undefined;
  return { name: stem.slice(0, dash), version: stem.slice(dash + 1) };
}

export function fileMatchesVersion(filename: string, name: string, version: string): boolean {
  const f = filenameVersion(filename);
  return (
    f !== undefined &&
    normalizePypiName(f.name) === normalizePypiName(name) &&
    pep440Normalize(f.version) === pep440Normalize(version)
  );
}

export interface IndexFile {
  filename: string;
  sha256?: string;
}

/** PEP 691 JSON or PEP 503 HTML project page → its files (with sha256 when given). */
export function parseSimpleIndex(text: string, contentType: string | null): IndexFile[] {
  if (contentType?.includes('json')) {
    const doc = JSON.parse(text) as { files?: Array<{ filename?: string; hashes?: Record<string, string> }> };
    return (doc.files ?? [])
      .filter((f) => typeof f.filename === 'string')
      .map((f) => ({ filename: f.filename as string, sha256: f.hashes?.sha256 }));
  }
  const files: IndexFile[] = [];
  for (const m of text.matchAll(/<a\s[^>]*href="([^"]*)"[^>]*>([^<]*)<\/a>/gi)) {
    const href = m[1] ?? '';
    const sha = /#sha256=([0-9a-f]{64})/i.exec(href)?.[1];
    files.push({ filename: (m[2] ?? '').trim(), ...(sha ? { sha256: sha.toLowerCase() } : {}) });
  }
  return files;
}

/** What `Accept` pip sends for the simple index: PEP 691 JSON preferred, HTML as fallback. */
export const SIMPLE_ACCEPT =
  'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01';
