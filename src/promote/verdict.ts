// Verdict markdown files (seed deployer-agent.md): YAML frontmatter is the machine-readable verdict,
// the body is for humans. Gates read ONLY the frontmatter, through a YAML parser, and accept
// exactly SUCCESS or FAILED (uppercase).

import { parse, stringify } from 'yaml';
import { ErrorCode, FerryError } from '../errors.js';

export type VerdictKind = 'staging' | 'deploy';
export type VerdictStatus = 'SUCCESS' | 'FAILED';

/** The seed's file names and status keys. */
export const VERDICT_FILE: Record<VerdictKind, string> = { staging: '15-staging-log.md', deploy: '14-deploy-log.md' };
export const STATUS_KEY: Record<VerdictKind, 'staging_status' | 'deploy_status'> = {
  staging: 'staging_status',
  deploy: 'deploy_status',
};

export interface VerdictInput {
  kind: VerdictKind;
  status: VerdictStatus;
  /** ISO timestamp. */
  timestamp: string;
  base_url: string | null;
  /** sha256:… id of the image that was tested (staging) or promoted (deploy). */
  image_id: string;
  run_id: string;
  service: string;
  environment: string;
  /** Additional frontmatter (deploy: previous_image_id, exit_code, rolled_back…). */
  extra?: Record<string, string | number | boolean | null>;
  /** Human summary line. */
  summary: string;
  /** Command output, pasted on failure. */
  output?: string;
}

export interface Verdict {
  kind: VerdictKind;
  status: VerdictStatus;
  frontmatter: Record<string, unknown>;
}

const FENCE = '```';

export function renderVerdict(v: VerdictInput): string {
  const fm: Record<string, unknown> = {
    [STATUS_KEY[v.kind]]: v.status,
    timestamp: v.timestamp,
    base_url: v.base_url,
    image_id: v.image_id,
    run_id: v.run_id,
    service: v.service,
    environment: v.environment,
    ...(v.extra ?? {}),
  };
  const title = v.kind === 'staging' ? '# Staging Gate Log' : '# Deploy Log';
  const parts = ['---', stringify(fm).trimEnd(), '---', '', title, '', v.summary, ''];
  if (v.output !== undefined && v.output.trim() !== '') {
    // A fence longer than any backtick run in the output keeps the output from closing it.
    const longest = Math.max(2, ...[...v.output.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = '`'.repeat(Math.max(FENCE.length, longest + 1));
    parts.push(fence, v.output.trimEnd(), fence, '');
  }
  return parts.join('\n');
}

/** Split off the YAML frontmatter block; null when the file has none. */
export function extractFrontmatter(text: string): string | null {
  const m = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  return m ? (m[1] ?? '') : null;
}

/**
 * Parse a verdict file's frontmatter. The body is never looked at.
 * @throws STATE_CORRUPT when there is no frontmatter, it is not YAML, or the status is not exactly SUCCESS|FAILED.
 */
export function parseVerdict(text: string, kind: VerdictKind, file = VERDICT_FILE[kind]): Verdict {
  const raw = extractFrontmatter(text);
  if (raw === null)
    throw new FerryError(ErrorCode.STATE_CORRUPT, `${file} has no YAML frontmatter`, { details: { file } });
  let fm: unknown;
  try {
    fm = parse(raw);
  } catch (e) {
    throw new FerryError(ErrorCode.STATE_CORRUPT, `${file}: frontmatter is not valid YAML`, {
      cause: e,
      details: { file },
    });
  }
  if (typeof fm !== 'object' || fm === null || Array.isArray(fm)) {
    throw new FerryError(ErrorCode.STATE_CORRUPT, `${file}: frontmatter is not a mapping`, { details: { file } });
  }
  const record = fm as Record<string, unknown>;
  const status = record[STATUS_KEY[kind]];
  if (status !== 'SUCCESS' && status !== 'FAILED') {
    throw new FerryError(
      ErrorCode.STATE_CORRUPT,
      `${file}: ${STATUS_KEY[kind]} must be exactly SUCCESS or FAILED, got ${JSON.stringify(status ?? null)}`,
      {
        details: { file, value: status ?? null },
      },
    );
  }
  return { kind, status, frontmatter: record };
}
