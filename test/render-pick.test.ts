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

describe('dry-run output', () => {
  const id = {
    ok: (s: string) => s,
    bad: (s: string) => s,
    warn: (s: string) => s,
    dim: (s: string) => s,
    bold: (s: string) => s,
  };
  const base = { ts: '2026-02-25T10:00:00.000Z', run_id: 'r-1', pipeline: 'release' };
  it('the heading and every step with its commands go to stdout (the plan); progress and warnings to stderr', () => {
    const out: string[] = [];
    const err: string[] = [];
    const plain = new PlainRenderer(id, false, (s) => void err.push(s), { write: (s) => void out.push(s), style: id });
    plain.event({ ...base, type: 'run.started', data: { dry_run: true } });
    plain.event({
      ...base,
      type: 'step.skipped',
      step: 'a/TAG',
      title: 'a: tag',
      status: 'dry_run',
      data: { intents: [{ kind: 'exec', text: 'git tag -a a/v1.0.1' }] },
    });
    plain.event({ ...base, type: 'log', level: 'warn', message: 'token unset' });
    plain.event({ ...base, type: 'run.finished', status: 'dry_run' });
    expect(out.join('')).toBe(
      'Dry run of release r-1: every step and command it would run; nothing is changed\n' +
        '[dry-run] a/TAG  a: tag\n    $ git tag -a a/v1.0.1\n',
    );
    expect(err.join('')).toBe('! token unset\ndry run: nothing was changed\n');
  });
});
