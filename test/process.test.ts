// The one process helper: argv only, captured output, timeouts, clear failures (real processes).
import { describe, expect, it } from 'vitest';
import { createExec, exec, formatCommand } from '../src/util/process.js';

describe('exec', () => {
  it('passes argv untouched (no shell): spaces and shell characters stay one argument', async () => {
    const r = await exec('node', [
      '-e',
      'console.log(JSON.stringify(process.argv.slice(1)))',
      'a b',
      '$(touch x); rm -rf /',
      "'q'",
    ]);
    expect(JSON.parse(r.stdout)).toEqual(['a b', '$(touch x); rm -rf /', "'q'"]);
    expect(formatCommand('echo', ['a b', 'c'])).toBe("echo 'a b' c");
  });

  it('a failing command is COMMAND_FAILED with its exit code and output tail', async () => {
    await expect(exec('node', ['-e', 'console.error("boom"); process.exit(3)'])).rejects.toMatchObject({
      code: 'COMMAND_FAILED',
      message: 'node -e \'console.error("boom"); process.exit(3)\' exited 3: boom',
    });
    // The first line carries the cause (git's `fatal: …`, not the blank or progress lines around it), so
    // a one-line rendering of the error still says why; the output tail follows for context.
    const script =
      'console.log("progress 1/2"); console.error(""); console.error("hint: x"); console.error("fatal: bad object worktrees/a/HEAD"); process.exit(128)';
    const err = (await exec('node', ['-e', script]).catch((e: Error) => e)) as Error;
    expect(err.message.split('\n')[0]).toMatch(/ exited 128: fatal: bad object worktrees\/a\/HEAD$/);
    expect(err.message).toContain('progress 1/2');
    const r = await exec('node', ['-e', 'process.exit(4)'], { reject: false });
    expect(r.exitCode).toBe(4);
  });

  it('a program that is not installed says so instead of "exited -1"', async () => {
    await expect(exec('ferry-no-such-program', ['x'])).rejects.toMatchObject({
      code: 'COMMAND_FAILED',
      message: expect.stringContaining(
        'ferry-no-such-program x could not start: ferry-no-such-program is not installed or not on PATH',
      ),
      details: expect.objectContaining({ notFound: true }),
    });
  });

  it('times out with COMMAND_TIMEOUT, and hooks see every command and result', async () => {
    const seen: string[] = [];
    const run = createExec({
      onCommand: (c) => seen.push(`cmd ${c}`),
      onResult: (r) => seen.push(`exit ${r.exitCode}`),
    });
    await expect(run('node', ['-e', 'setTimeout(() => {}, 10000)'], { timeoutMs: 300 })).rejects.toMatchObject({
      code: 'COMMAND_TIMEOUT',
      message: expect.stringContaining('timed out after 300 ms'),
    });
    expect(seen[0]).toBe("cmd node -e 'setTimeout(() => {}, 10000)'");
    expect(seen).toHaveLength(2);
  });
});
