// MCP tool inputs map to the same ferry argv a person would type (pure).
import { describe, expect, it } from 'vitest';
import { TOOLS } from '../src/server/mcp-tools.js';

const tool = (name: string) => TOOLS.find((t) => t.name === name)!;

describe('mcp tool argv', () => {
  it('redeploy passes every flag it accepts, allow_unmatched included', () => {
    expect(
      tool('redeploy').argv({ versions_from: 'release-20260225-a3f7b2', allow_unmatched: true, dry_run: true }),
    ).toEqual(['redeploy', '--versions-from', 'release-20260225-a3f7b2', '--dry-run', '--allow-unmatched']);
    expect(tool('redeploy').argv({ resume: 'redeploy-20260225-abcdef', allow_unmatched: false })).toEqual([
      'redeploy',
      '--resume',
      'redeploy-20260225-abcdef',
    ]);
  });

  it('release runs as an agent, passes an attestation only when given; a resume does not also pass --run-id', () => {
    expect(tool('release').argv({ run_id: 'r-1' })).toEqual(['release', '--agent', '--run-id', 'r-1']);
    expect(tool('release').argv({ gate_attestation: '1740312612.000100:r-1', run_id: 'r-1' })).toEqual([
      'release',
      '--agent',
      '--run-id',
      'r-1',
      '--gate-attestation',
      '1740312612.000100:r-1',
    ]);
    expect(tool('release').argv({ gate_attestation: '1740312612.000100:r-1', run_id: 'r-1', resume: 'r-1' })).toEqual([
      'release',
      '--agent',
      '--resume',
      'r-1',
      '--gate-attestation',
      '1740312612.000100:r-1',
    ]);
  });
});
