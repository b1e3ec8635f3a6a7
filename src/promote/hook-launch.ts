// Self-deploy Phase B: the promote hook runs as a DETACHED process (its own session via setsid, stdio
// to a log file, unref'd) so it outlives the ferry that started it and the container being restarted.
// A tiny recorder wraps the hook and writes its exit code (or 128+signal) to a file atomically.

import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { quoteArg } from '../util/process.js';
import { sshArgv, type SshTarget } from './ssh.js';

/** Runs argv[2..] and records the exit status in argv[1]. CommonJS because `node -e` is. */
export const RECORDER_JS = `
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const [exitFile, cmd, ...args] = process.argv.slice(1);
process.on('SIGHUP', () => {});
const write = (code) => { fs.writeFileSync(exitFile + '.tmp', String(code) + '\\n'); fs.renameSync(exitFile + '.tmp', exitFile); };
console.log('[ferry-hook] started ' + new Date().toISOString() + ' pid ' + process.pid + ': ' + [cmd, ...args].join(' '));
const child = spawn(cmd, args, { stdio: 'inherit' });
child.on('error', (e) => { console.error('[ferry-hook] ' + e.message); write(127); });
child.on('exit', (code, sig) => {
  const status = code === null ? 128 + (os.constants.signals[sig] || 0) : code;
  console.log('[ferry-hook] exit ' + status + ' ' + new Date().toISOString());
  write(status);
});
`;

export interface HookLaunchPlan {
  /** What is spawned (detached) locally: the recorder, or ssh to the host. */
  file: string;
  args: string[];
  exitFile: string;
  logFile: string;
  remote: boolean;
}

/** Pure: the local detached command (node -e RECORDER exitFile hook…). */
export function localHookPlan(
  nodePath: string,
  hookArgv: readonly string[],
  exitFile: string,
  logFile: string,
): HookLaunchPlan {
  return { file: nodePath, args: ['-e', RECORDER_JS, exitFile, ...hookArgv], exitFile, logFile, remote: false };
}

/**
 * Pure: `ssh [-p -i -o…] <host> -- setsid -f sh -c '<hook> >>log 2>&1; echo $? >exit.tmp && mv exit.tmp exit' </dev/null >>log 2>&1`.
 * ssh joins its arguments into one remote shell line, so every element is quoted for that shell. The
 * detached shell gets no fd of the ssh channel (stdin /dev/null, out → log), so the ssh client returns
 * as soon as setsid has forked, and the hook survives both the client and the ferry that started it.
 * Its first log line names the remote pid, so a test (or an operator) can find it on the host.
 */
export function sshHookPlan(
  target: string | SshTarget,
  hookArgv: readonly string[],
  exitFile: string,
  logFile: string,
): HookLaunchPlan {
  const t: SshTarget = typeof target === 'string' ? { host: target, options: [] } : target;
  const hook = hookArgv.map(quoteArg).join(' ');
  const log = quoteArg(logFile);
  const tmp = quoteArg(exitFile + '.tmp');
  const script = `echo "[ferry-hook] started pid $$ $(date -u +%Y-%m-%dT%H:%M:%SZ)" >>${log}; ${hook} >>${log} 2>&1; code=$?; echo "[ferry-hook] exit $code" >>${log}; echo $code >${tmp} && mv ${tmp} ${quoteArg(exitFile)}`;
  const remote = `${['setsid', '-f', 'sh', '-c', script].map(quoteArg).join(' ')} </dev/null >>${log} 2>&1`;
  const argv = sshArgv(t, []);
  // sshArgv quotes a remote argv; this line is already quoted (it carries redirections), so it goes last as is.
  return { file: 'ssh', args: [...argv.slice(1, -1), remote], exitFile, logFile, remote: true };
}

/** Spawn detached (setsid), stdio → log file, unref: returns the pid and does not wait. */
export function launchDetached(plan: HookLaunchPlan, opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): number {
  mkdirSync(dirname(plan.logFile), { recursive: true });
  mkdirSync(dirname(plan.exitFile), { recursive: true });
  const fd = openSync(plan.logFile, 'a');
  try {
    const child = spawn(plan.file, plan.args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      cwd: opts.cwd,
      env: opts.env ?? process.env,
    });
    if (child.pid === undefined) throw new Error(`could not spawn ${plan.file}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** Is a (local) pid still alive? */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
