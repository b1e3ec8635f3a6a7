import { describe, expect, it } from 'vitest';
import { pickRenderer } from '../src/cli/render/index.js';
import { JsonRenderer } from '../src/cli/render/json.js';
import { LiveRenderer } from '../src/cli/render/live.js';
import { PlainRenderer } from '../src/cli/render/plain.js';

describe('pickRenderer', () => {
  const base = { json: false, verbose: false, color: false };
  it('--json wins; a terminal gets the live list; anything else plain lines', async () => {
    expect(await pickRenderer({ ...base, json: true, tty: true, columns: 120 })).toBeInstanceOf(JsonRenderer);
    expect(await pickRenderer({ ...base, tty: true, columns: 120 })).toBeInstanceOf(LiveRenderer);
    expect(await pickRenderer({ ...base, tty: false, columns: 120 })).toBeInstanceOf(PlainRenderer);
  });
  it('a terminal that reports 0 columns gets plain lines (the live list would wrap per character); an unknown width keeps the live list', async () => {
    expect(await pickRenderer({ ...base, tty: true, columns: 0 })).toBeInstanceOf(PlainRenderer);
    expect(await pickRenderer({ ...base, tty: true })).toBeInstanceOf(LiveRenderer);
  });
});

describe('plain gate lines', () => {
  const plain = new PlainRenderer(
    { ok: (s) => s, bad: (s) => s, warn: (s) => s, dim: (s) => s, bold: (s) => s },
    false,
    () => undefined,
  );
  const ev = (status: string) => ({
    ts: '2026-02-25T10:00:00.000Z',
    run_id: 'r-1',
    pipeline: 'release',
    type: 'gate.rejected' as const,
    status,
    message: 'm',
  });
  it('say unavailable or timed out for those codes; only a human reject reads "rejected"', () => {
    expect(plain.format(ev('GATE_UNAVAILABLE'))).toBe('✗ gate unavailable: m');
    expect(plain.format(ev('GATE_TIMEOUT'))).toBe('✗ gate timed out: m');
    expect(plain.format(ev('GATE_REJECTED'))).toBe('✗ gate rejected: m');
  });
});
