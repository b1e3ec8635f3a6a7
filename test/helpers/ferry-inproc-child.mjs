// One process that runs many ferry CLI invocations, one after another, for test/helpers/ferry-inproc.ts.
// Each is the built CLI's own `main(argv)` (what bin/ferry.js calls), with this process's argv, cwd,
// stdout and stderr given to it for the time of the case. It reports what a separate process would have
// shown, and anything only a separate process can judge (an uncaught error, process.exit, a handle that
// outlives the command) as `unclean`: the parent runs that case again in a process of its own.
import { pathToFileURL } from 'node:url';

const [cliPath, binPath] = process.argv.slice(2);
const { main } = await import(pathToFileURL(cliPath).href);

/** The case being run: its output and whatever made it unclean. */
let current = null;
const late = [];

const realExit = process.exit.bind(process);
for (const [stream, key] of [
  [process.stdout, 'stdout'],
  [process.stderr, 'stderr'],
]) {
  stream.write = (chunk, encoding, cb) => {
    if (typeof encoding === 'function') [cb, encoding] = [encoding, undefined];
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(encoding ?? 'utf8');
    if (current) current[key] += text;
    else late.push(text);
    if (cb) process.nextTick(cb);
    return true;
  };
}
const unclean = (why) => (current ? current.unclean.push(why) : late.push(why));
process.on('unhandledRejection', (e) => unclean(`unhandled rejection: ${e?.stack ?? e}`));
process.on('uncaughtException', (e) => unclean(`uncaught exception: ${e?.stack ?? e}`));
process.exit = (code) => {
  // A command that ends the process itself: say so, then end as it asked.
  if (current) process.send({ ...current, exitCode: code ?? process.exitCode ?? 0, unclean: ['process.exit'] });
  realExit(code);
};

/** Active handles by kind, to see what a case left running. */
function handles() {
  const n = new Map();
  for (const k of process.getActiveResourcesInfo()) n.set(k, (n.get(k) ?? 0) + 1);
  return n;
}
let idle = new Map();
const leftover = () => [...handles()].filter(([k, c]) => c > (idle.get(k) ?? 0)).map(([k]) => k);

process.on('message', async ({ id, args, cwd, drainMs }) => {
  current = { id, stdout: '', stderr: '', unclean: [] };
  if (late.length) current.unclean.push(`output after the previous case ended: ${late.splice(0).join('')}`);
  const listeners = [process.stdout, process.stderr].map((s) => new Set(s.listeners('error')));
  process.argv = [process.argv[0], binPath, ...args];
  process.exitCode = undefined;
  process.chdir(cwd);
  try {
    await main(process.argv);
  } catch (e) {
    // What bin/ferry.js does with an error main lets through.
    console.error(e);
    process.exitCode = 70;
  }
  // A separate process ends only when nothing is left running: wait for that, up to drainMs.
  const until = Date.now() + drainMs;
  while (leftover().length && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  const left = leftover();
  if (left.length) current.unclean.push(`still running after the command: ${left.join(', ')}`);
  [process.stdout, process.stderr].forEach((s, i) => {
    for (const l of s.listeners('error')) if (!listeners[i].has(l)) s.off('error', l);
  });
  const done = { ...current, exitCode: process.exitCode ?? 0 };
  current = null;
  process.exitCode = undefined;
  process.send(done);
});
// What an idle server holds (its IPC channel, now listened to) is not a case's leftover.
idle = handles();
process.send({ ready: true });
