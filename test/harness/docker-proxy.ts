// A test-only proxy for the Docker Engine socket: ferry talks to it (redeploy.runtime.socket) and it
// forwards every API call to the real engine, so the crash matrix can kill ferry (kill -9, its whole
// process group) inside any engine call: at its start (the engine never sees the request) or at its
// end (the engine did the work and answered, ferry never reads the answer). ferry's Docker client is
// dockerode (HTTP over the socket, no child process), so this is where its engine calls can be cut.
// A call's kind is its method and path with names and ids made generic (`POST /containers/{c}/rename`);
// its step is the step the run's state file says is running, so a point reads like the git wrappers'
// `<step>|docker <kind>|<start|end>`, and with `log` set each call is recorded as `<step>\t<kind>`.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface DockerProxyOptions {
  /** Unix socket the proxy listens on. */
  listen: string;
  /** The real engine. */
  upstream?: string;
  /** The run's state file (where the running step is read from); read at each call. */
  stateFile: () => string;
  /** Names (containers, images, the run id) replaced by placeholders, so a kind is the same for every service and run. */
  names: () => Array<[string, string]>;
}

export interface DockerProxy {
  /** Arm (or disarm with []) kill points and say whose process group to kill. */
  arm(o: { pid: number; points: string[]; hitFile?: string; log?: string }): void;
  close(): Promise<void>;
}

/** Calls that change nothing: a kill at their end is the same point as a kill at the next one's start. */
export function readOnlyDockerKind(kind: string): boolean {
  return /^docker (GET|HEAD) /.test(kind);
}

function runningStep(stateFile: string): string {
  if (!existsSync(stateFile)) return '';
  try {
    const s = JSON.parse(readFileSync(stateFile, 'utf8')) as { steps?: Record<string, { status?: string }> };
    return Object.entries(s.steps ?? {}).find(([, r]) => r.status === 'running')?.[0] ?? '';
  } catch {
    return '';
  }
}

export function dockerKind(method: string, url: string, names: Array<[string, string]>): string {
  let path = url.split('?')[0]!.replace(/^\/v\d+(\.\d+)?\//, '/');
  path = decodeURIComponent(path);
  // Longest names first: a service's temp names (`<c>-ferry-next`) keep their suffix.
  for (const [name, ph] of [...names].sort((a, b) => b[0].length - a[0].length)) path = path.split(name).join(ph);
  path = path.replace(/sha256:[0-9a-f]{64}/g, '{id}').replace(/\b[0-9a-f]{64}\b/g, '{id}');
  return `docker ${method} ${path}`;
}

export async function startDockerProxy(o: DockerProxyOptions): Promise<DockerProxy> {
  const upstream = o.upstream ?? '/var/run/docker.sock';
  let armed: { pid: number; points: Set<string>; hitFile?: string; log?: string } = { pid: 0, points: new Set() };
  const sockets = new Set<Socket>();

  /** The point, and whether it kills now (`start`) or after the engine answered (`end`). */
  const decide = (req: IncomingMessage): { start: boolean; end: boolean; point: string } => {
    const kind = dockerKind(req.method ?? 'GET', req.url ?? '/', o.names());
    const step = runningStep(o.stateFile());
    if (armed.log && step) appendFileSync(armed.log, `${step}\t${kind}\n`);
    const point = `${step}|${kind}`;
    return { point, start: armed.points.has(`${point}|start`), end: armed.points.has(`${point}|end`) };
  };
  const kill = (point: string): void => {
    const { pid, hitFile } = armed;
    if (!pid) return;
    if (hitFile) appendFileSync(hitFile, `${point}\n`);
    // Each run is armed once: after the kill nothing more of it may be cut.
    armed = { ...armed, pid: 0, points: new Set() };
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };

  const server: Server = createServer((req, res) => {
    const d = decide(req);
    if (d.start) {
      kill(`${d.point}|start`);
      req.socket.destroy();
      return;
    }
    const up = request(
      { socketPath: upstream, method: req.method, path: req.url, headers: req.headers, agent: false },
      (ur) => {
        if (!d.end) {
          res.writeHead(ur.statusCode ?? 502, ur.headers);
          ur.pipe(res);
          return;
        }
        // The engine's whole answer is read, then ferry dies without seeing it.
        ur.resume();
        ur.on('end', () => {
          kill(`${d.point}|end`);
          req.socket.destroy();
        });
      },
    );
    up.on('error', () => req.socket.destroy());
    req.pipe(up);
  });
  // Hijacked calls (exec start with `Upgrade: tcp`): a raw two-way pipe after the request line.
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const d = decide(req);
    if (d.start) {
      kill(`${d.point}|start`);
      socket.destroy();
      return;
    }
    const up = connect(upstream);
    sockets.add(up);
    up.on('close', () => sockets.delete(up));
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    up.write(lines.join('\r\n') + '\r\n\r\n');
    if (head.length) up.write(head);
    socket.pipe(up);
    if (d.end) {
      up.on('data', () => undefined);
      up.on('end', () => {
        kill(`${d.point}|end`);
        socket.destroy();
      });
    } else up.pipe(socket);
    const drop = (): void => {
      up.destroy();
      socket.destroy();
    };
    up.on('error', drop);
    socket.on('error', drop);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.listen, () => resolve());
  });
  return {
    arm(a) {
      armed = { pid: a.pid, points: new Set(a.points), hitFile: a.hitFile, log: a.log };
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
