// A loopback front for a Swarm service, standing in for the routing mesh where IPVS is missing (as on
// this test machine). Like a Traefik/Caddy swarm provider it discovers backends from the Engine API:
// tasks whose state is `running` (Swarm reports health-checked tasks as `starting` until healthy) and
// whose desired state is `running`, reached on their host-mode published port on 127.0.0.1. A request
// whose connection to a backend fails before any response is retried once on another backend (GET only),
// as a load balancer with passive health checks does; every other failure reaches the client.

import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SwarmRuntime } from '../src/adapters/runtime/swarm.js';

export interface SwarmFront {
  url: string;
  /** Backend ports seen over time (for assertions that traffic moved). */
  seenPorts: Set<number>;
  /** Requests re-sent to another backend after a connection failure (reported, never hidden). */
  stats: { forwarded: number; retried: number; noBackend: number };
  close(): Promise<void>;
}

export async function startSwarmFront(
  swarm: SwarmRuntime,
  service: string,
  opts: { refreshMs?: number } = {},
): Promise<SwarmFront> {
  let backends: number[] = [];
  const seenPorts = new Set<number>();
  let rr = 0;
  const stats = { forwarded: 0, retried: 0, noBackend: 0 };
  const refresh = async (): Promise<void> => {
    try {
      const tasks = await swarm.listTasks(service);
      backends = tasks
        .filter((t) => t.state === 'running' && t.desiredState === 'running')
        .flatMap((t) => t.publishedPorts);
      for (const p of backends) seenPorts.add(p);
    } catch {
      // keep the last known backends
    }
  };
  await refresh();
  const timer = setInterval(() => void refresh(), opts.refreshMs ?? 100);

  const forward = (req: IncomingMessage, res: ServerResponse, attempt: number, tried: Set<number>): void => {
    const candidates = backends.filter((p) => !tried.has(p));
    const port = candidates.length ? candidates[rr++ % candidates.length]! : undefined;
    if (port === undefined) {
      stats.noBackend++;
      res.writeHead(503).end('no healthy backend\n');
      return;
    }
    tried.add(port);
    stats.forwarded++;
    if (attempt > 1) stats.retried++;
    const up = request(
      { host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers, timeout: 3000 },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    up.on('timeout', () => up.destroy(new Error('upstream timeout')));
    up.on('error', () => {
      if (!res.headersSent && attempt < 2 && req.method === 'GET') forward(req, res, attempt + 1, tried);
      else if (!res.headersSent) res.writeHead(502).end('bad gateway\n');
      else res.destroy();
    });
    up.end();
  };

  const server: Server = createServer((req, res) => forward(req, res, 1, new Set()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    seenPorts,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
