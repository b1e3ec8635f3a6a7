// Thin apply half of the pin editor: read the Dockerfile, rewrite in memory, write atomically.
// Validation happens before any read or write, so bad input changes nothing.

import { readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { ErrorCode, FerryError } from '../errors.js';
import {
  formatPinLines,
  parseVersions,
  rewriteDockerfilePins,
  type PinChange,
  type PinEdit,
} from '../manifest/dockerfile-pins.js';
import type { RangePinMode } from '../manifest/pin-spec.js';

export interface ApplyPinsInput {
  /** `a=1,b=2` (validated) or an already-parsed map. */
  versions: string | Record<string, string>;
  dockerfile: string;
  allowUnmatched?: boolean;
  allowDowngrade?: boolean;
  rangePins?: RangePinMode;
  dryRun?: boolean;
  /** How errors and the preview name the file (default: the path given). */
  label?: string;
}

export interface ApplyPinsResult {
  pins: Record<string, PinChange>;
  changed: boolean;
  /** Every pin occurrence with its line (the dry-run preview). */
  edits: PinEdit[];
  not_in_dockerfile: string[];
  /** The seed's stderr lines. */
  lines: string[];
}

/** @throws USAGE (bad --versions), NOT_FOUND (no Dockerfile), PIN_UNMATCHED, PIN_CONFLICT */
export async function applyPins(input: ApplyPinsInput): Promise<ApplyPinsResult> {
  const versions =
    typeof input.versions === 'string'
      ? parseVersions(input.versions, '--versions', 'ferry pins --dockerfile <file>')
      : input.versions;
  let before: string;
  try {
    before = await readFile(input.dockerfile, 'utf8');
  } catch (e) {
    throw new FerryError(ErrorCode.NOT_FOUND, `Dockerfile not found: ${input.dockerfile}`, {
      cause: e,
      fix: `ls ${input.dockerfile}`,
    });
  }
  const r = rewriteDockerfilePins(before, versions, {
    allowUnmatched: input.allowUnmatched,
    allowDowngrade: input.allowDowngrade,
    rangePins: input.rangePins,
    file: input.label ?? input.dockerfile,
  });
  if (r.changed && !input.dryRun) await writeFileAtomic(input.dockerfile, r.content);
  return {
    pins: r.pins,
    changed: r.changed,
    edits: r.edits,
    not_in_dockerfile: r.not_in_dockerfile,
    lines: formatPinLines(r.pins),
  };
}
