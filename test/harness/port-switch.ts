// A loopback TCP relay in front of a real server whose port can be really closed (connection refused,
// not a slow or failing answer) and opened again on the same port: a registry that goes down in the
// middle of a run and comes back. `closeWhen(file)` closes it the moment a file appears (a git hook
// touches it), so the outage starts at an exact point of the run without timing guesses.
import { existsSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface PortSwitch {
  /** `http://127.0.0.1:<port>/`: the same paths as the target, through the relay. */
  url: string;
  port: number;
  isOpen(): boolean;
  /** When it was last closed (ms since the epoch). */
  closedAt(): number | undefined;
  /** Stop listening and cut every open connection: the next connect is refused. */
  close(): Promise<void>;
  /** Listen on the same port again. */
  open(): Promise<void>;
  /** Close as soon as `file` exists (polled every 25 ms). */
  closeWhen(file: string): void;
  stop(): Promise<void>;
}

export async function portSwitch(target: string): Promise<PortSwitch> {
  const to = new URL(target);
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  let watch: NodeJS.Timeout | undefined;
  let closedAt: number | undefined;

  const listen = async (): Promise<void> => {
    const s = createServer((client) => {
      const upstream = createConnection({ host: to.hostname, port: Number(to.port) });
      for (const sock of [client, upstream]) {
        sockets.add(sock);
        sock.on('close', () => sockets.delete(sock));
        sock.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((ok, fail) => {
      s.once('error', fail);
      s.listen(port, '127.0.0.1', () => ok());
    });
    port = (s.address() as { port: number }).port;
    server = s;
  };
  const close = async (): Promise<void> => {
    const s = server;
    server = null;
    if (!s) return;
    closedAt = Date.now();
    for (const sock of sockets) sock.destroy();
    await new Promise<void>((ok) => s.close(() => ok()));
  };

  await listen();
  return {
    url: `http://127.0.0.1:${port}${to.pathname}`,
    port,
    isOpen: () => server !== null,
    closedAt: () => closedAt,
    close,
    open: async () => {
      if (!server) await listen();
    },
    closeWhen(file) {
      clearInterval(watch);
      watch = setInterval(() => {
        if (!existsSync(file)) return;
        clearInterval(watch);
        void close();
      }, 25);
    },
    async stop() {
      clearInterval(watch);
      await close();
    },
  };
}
