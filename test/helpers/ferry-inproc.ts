// Many CLI invocations without a node start-up each: a few long-lived processes (ferry-inproc-child.mjs)
// run the built CLI's `main(argv)` case after case. A node start-up plus the CLI's imports is ~0.4 s of
// CPU; the bad-input corpus runs hundreds of cases, almost all of which fail in milliseconds after that.
// What only a process of its own can show (an uncaught error, process.exit, a handle left running, a
// hang) comes back `unclean` or `hang`, and the caller runs that case again with `ferry()`.
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FERRY_BIN, ferryEnv, spawnedOutputProblems, type FerryRun } from './ferry.js';
import { checkCliOutput } from './json-output.js';
import { mapLimit } from '../../src/util/concurrency.js';

const CHILD = fileURLToPath(new URL('./ferry-inproc-child.mjs', import.meta.url));
const CLI = join(dirname(FERRY_BIN), '..', 'dist', 'cli.js');

export interface InprocRun extends FerryRun {
  /** Why a separate process could have behaved differently (empty: it could not). */
  unclean: string[];
}

interface Done {
  id: number;
  exitCode: number;
  stdout: string;
  stderr: string;
  unclean: string[];
}

class Server {
  private child: ChildProcess | null = null;
  private ready: Promise<void> | null = null;

  constructor(private readonly env: Record<string, string | undefined>) {}

  private start(): Promise<void> {
    const child = fork(CHILD, [CLI, FERRY_BIN], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    // Its own stdout/stderr are captured per case inside; drain the pipes so nothing blocks.
    child.stdout?.resume();
    child.stderr?.resume();
    this.child = child;
    return new Promise((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`ferry-inproc child exited with ${code} before it was ready`)));
    });
  }

  async run(id: number, args: string[], cwd: string, timeoutMs: number, drainMs: number): Promise<InprocRun> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) this.ready = this.start();
    await this.ready;
    const child = this.child!;
    return new Promise((resolve) => {
      const finish = (r: InprocRun) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(r);
      };
      const onMessage = (m: Done) => {
        // The final newline dropped, as ferry() (execa) does.
        if (m.id === id)
          finish({
            exitCode: m.exitCode,
            unclean: m.unclean,
            stdout: m.stdout.replace(/\n$/, ''),
            stderr: m.stderr.replace(/\n$/, ''),
          });
      };
      const onExit = () => finish({ exitCode: -1, stdout: '', stderr: '', unclean: ['the process ended mid-case'] });
      const timer = setTimeout(() => {
        // A hang: the same verdict `ferry()` gives on its timeout (exit code -1), and a fresh process next.
        child.kill('SIGKILL');
        finish({ exitCode: -1, stdout: '', stderr: '', unclean: [] });
      }, timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ id, args, cwd, drainMs });
    });
  }

  stop(): void {
    this.child?.kill('SIGKILL');
  }
}

export interface InprocOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Processes side by side. */
  concurrency: number;
  /** A case running longer is a hang (exit code -1), as with `ferry()`. */
  timeoutMs: number;
  /** How long a finished case may keep handles open before it counts as unclean. */
  drainMs?: number;
}

/** Runs every argv in `cases` through the CLI's main in `concurrency` long-lived processes, in order of the input. */
export async function ferryInproc(cases: readonly string[][], o: InprocOptions): Promise<InprocRun[]> {
  const servers = Array.from({ length: o.concurrency }, () => new Server(ferryEnv({ env: o.env })));
  const free = [...servers];
  try {
    return await mapLimit(
      cases.map((args, id) => ({ args, id })),
      o.concurrency,
      async ({ args, id }) => {
        const s = free.pop()!;
        try {
          const r = await s.run(id, args, o.cwd, o.timeoutMs, o.drainMs ?? 5_000);
          // Checked against schema/ like every ferry() run (reported after the test: setup-json-outputs.ts).
          spawnedOutputProblems.push(...checkCliOutput(args, r.stdout, r.exitCode));
          return r;
        } finally {
          free.push(s);
        }
      },
    );
  } finally {
    for (const s of servers) s.stop();
  }
}
