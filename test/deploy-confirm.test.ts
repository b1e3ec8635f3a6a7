// The confirmation prompt on a real readline terminal interface: only y/yes proceeds, and
// Ctrl+C, Ctrl+D or a closed input are a "no" instead of a crash (or a prompt that never returns).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { promptYesNo } from '../src/deploy/confirm.js';

async function answer(keys: string | null): Promise<{ ok: boolean; shown: string }> {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (b: Buffer) => (shown += b.toString()));
  const pending = promptYesNo('Proceed with rebuild?', input, output);
  await new Promise((r) => setTimeout(r, 20));
  if (keys === null) input.end();
  else input.write(keys);
  const ok = await pending;
  return { ok, shown };
}

describe('deploy confirmation prompt', () => {
  it('y and yes proceed; anything else, and Enter alone, do not', async () => {
    expect((await answer('y\r')).ok).toBe(true);
    expect((await answer('YES\r')).ok).toBe(true);
    expect((await answer('n\r')).ok).toBe(false);
    expect((await answer('\r')).ok).toBe(false);
    expect((await answer('yep\r')).ok).toBe(false);
  });

  it('shows the question with the default', async () => {
    expect((await answer('n\r')).shown).toContain('Proceed with rebuild? [y/N] ');
  });

  it('Ctrl+C and Ctrl+D decline instead of throwing, and end the prompt line', async () => {
    for (const key of ['\x03', '\x04']) {
      const r = await answer(key);
      expect(r.ok).toBe(false);
      expect(r.shown.endsWith('\n')).toBe(true);
    }
  });

  it('an input that closes before an answer declines instead of hanging', async () => {
    expect((await answer(null)).ok).toBe(false);
  });
});
