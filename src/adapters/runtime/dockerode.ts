// dockerode, loaded on first use. dockerode requires its BuildKit gRPC session module (@grpc/grpc-js,
// protobufjs) and docker-modem its ssh2 agent at load time, though only a BuildKit build (`version: "2"`)
// or an `ssh://` engine calls them: measured, they are ~3/4 of dockerode's load time (0.73 of 0.95 s on a
// loaded machine), paid by every redeploy/deploy/promote start. ferry builds with the classic builder
// over a unix socket or tcp, so both are put in the require cache as thin functions that load the
// real module the first time they are called: nothing is lost if some day they are.
import Module, { createRequire } from 'node:module';
import type DockerT from 'dockerode';

const require = createRequire(import.meta.url);

/** Put a function that loads `id` (resolved by `from`) when first called into the require cache. */
function defer(from: NodeJS.Require, id: string): void {
  let path: string;
  try {
    path = from.resolve(id);
  } catch {
    return; // another layout: load it the ordinary way
  }
  if (require.cache[path]) return;
  let real: ((...args: unknown[]) => unknown) | undefined;
  const stub = function (this: unknown, ...args: unknown[]): unknown {
    if (!real) {
      delete require.cache[path];
      real = from(id) as (...args: unknown[]) => unknown;
    }
    return real.apply(this, args);
  };
  const m = new Module(path);
  m.filename = path;
  m.loaded = true;
  m.exports = stub;
  require.cache[path] = m;
}

let Docker: typeof DockerT | undefined;

export function loadDockerode(): typeof DockerT {
  if (Docker) return Docker;
  try {
    const fromDockerode = createRequire(require.resolve('dockerode'));
    defer(fromDockerode, './session.js');
    defer(createRequire(fromDockerode.resolve('docker-modem')), './ssh.js');
  } catch {
    /* resolution failed: plain load below */
  }
  Docker = require('dockerode') as typeof DockerT;
  return Docker;
}
