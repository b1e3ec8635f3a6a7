// Run the built CLI (dist/, built by `npm test` before vitest) as a real child process.
import { execa, type ResultPromise } from 'execa';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkCliOutput } from './json-output.js';

// The run's private build snapshot (test/global-setup.ts), else the repo's own bin.
export const FERRY_BIN =
  process.env.FERRY_TEST_BUILD_DIR && existsSync(join(process.env.FERRY_TEST_BUILD_DIR, 'bin', 'ferry.js'))
    ? join(process.env.FERRY_TEST_BUILD_DIR, 'bin', 'ferry.js')
    : fileURLToPath(new URL('../../bin/ferry.js', import.meta.url));

export interface FerryRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface FerryRunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/** The environment every test run of the CLI gets (plain output, test commands on), plus `o.env`. */
export function ferryEnv(o: FerryRunOptions): Record<string, string | undefined> {
  return { FERRY_TEST_COMMANDS: '1', NO_COLOR: '1', CI: 'true', ...o.env };
}

export async function ferry(args: string[], o: FerryRunOptions = {}): Promise<FerryRun> {
  const r = await execa('node', [FERRY_BIN, ...args], {
    cwd: o.cwd,
    env: ferryEnv(o),
    input: o.input ?? '',
    reject: false,
    timeout: o.timeoutMs ?? 110_000,
  });
  const run = { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  // Every --json output a test sees must be what schema/ publishes for its command.
  const problems = checkCliOutput(args, run.stdout, run.exitCode);
  if (problems.length > 0)
    throw new Error(`--json output does not match the published schemas:\n${problems.join('\n')}`);
  return run;
}

/** Problems found in ferrySpawn() runs; test/setup-json-outputs.ts fails the test that has any. */
export const spawnedOutputProblems: string[] = [];

/** Start ferry in the background (for kill -9 and concurrency tests). */
export function ferrySpawn(args: string[], o: FerryRunOptions = {}): ResultPromise {
  const child = execa('node', [FERRY_BIN, ...args], {
    cwd: o.cwd,
    env: ferryEnv(o),
    reject: false,
    stdin: 'ignore',
    buffer: true,
  });
  // Observed, not changed: the caller still gets execa's promise (kill, pid, …).
  void child.then(
    (r) => {
      spawnedOutputProblems.push(...checkCliOutput(args, String(r.stdout), r.exitCode ?? -1));
    },
    () => undefined,
  );
  return child;
}

/** Every stdout line parsed as JSON (throws on the first line that is not JSON). */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
