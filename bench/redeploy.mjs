// `ferry redeploy` against the raw docker commands it runs, on the real engine: one service whose PID 1
// (busybox httpd) ignores SIGTERM and that was started with `--stop-timeout 2`, so every stop waits
// its 2 s and a redeploy that dropped the container's own timeout (the engine's 10 s) shows at once.
// The floor is the same work typed by hand: build the image with the new pin, stop (honouring the
// container's timeout), remove, run it again, poll its health URL, check the version inside it.
// ferry does that plus its worktree, pin edit, state, events and result file; its overhead is the ratio.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const BUSYBOX = ['/usr/bin/busybox', '/bin/busybox'].find((p) => existsSync(p));

// The fake pip of src/testkit/busybox-image.ts, cut down to what the case needs: `install` records a
// version under /opt/versions, `show` prints it as pip does (ferry's VERIFY reads `Version: X`).
const PIP = `#!/bin/sh
cmd=$1; shift
case "$cmd" in
install) mkdir -p /opt/versions; for a in "$@"; do case "$a" in *==*) echo "Version: \${a#*==}" > "/opt/versions/\${a%%==*}";; esac; done ;;
show) [ -f "/opt/versions/$1" ] || exit 1; echo "Name: $1"; cat "/opt/versions/$1" ;;
esac
`;

// What one redeploy of one service asks of the engine, as docker CLI commands: the same build (its pin
// change, ferry's two labels and two tags), stop, remove, run, the health poll and the version check.
const FLOOR = `set -e
docker build -q --build-arg APP_VERSION="$V" --label "ferry.run_id=$RUN" --label ferry.pipeline=redeploy \
  -t "$IMAGE:$RUN" -t "$IMAGE:latest" "$CTX" >/dev/null
docker stop "$C" >/dev/null
docker rm "$C" >/dev/null
docker run -d --name "$C" --stop-timeout 2 -p "127.0.0.1:$PORT:80" --label "ferry.bench=$SUITE" "$IMAGE:latest" >/dev/null
i=0; until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health"; do i=$((i+1)); [ $i -lt 200 ] || exit 1; sleep 0.05; done
docker exec "$C" pip show app | grep -qx "Version: $V"
`;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

function dockerUsable() {
  try {
    sh('docker', ['version', '--format', '{{.Server.Version}}']);
    return Boolean(BUSYBOX);
  } catch {
    return false;
  }
}

export function CASES(bin) {
  if (!dockerUsable()) return [];
  let dir;
  let suite;
  let container;
  let image;
  let port;
  let n = 0;
  let m = 0;
  const day = '20260101';
  return [
    {
      name: 'redeploy: 1 service ignoring SIGTERM, --stop-timeout 2, vs its docker commands',
      why: 'the container keeps its own stop timeout (2 s, not the engine 10 s); ferry adds little to build/stop/rm/run/health',
      runs: 3,
      sizes: ['default', 'full'],
      target: 1.1,
      limit: 2,
      setup: async () => {
        suite = randomBytes(4).toString('hex');
        dir = mkdtempSync(join(tmpdir(), 'ferry-bench-redeploy-'));
        container = `ferry-bench-${suite}-app`;
        image = `ferry-bench-${suite}/app:latest`;
        port = await freePort();
        const repo = join(dir, 'infra');
        mkdirSync(join(repo, 'tools'), { recursive: true });
        mkdirSync(join(repo, 'www'), { recursive: true });
        copyFileSync(BUSYBOX, join(repo, 'busybox'));
        chmodSync(join(repo, 'busybox'), 0o755);
        writeFileSync(join(repo, 'tools', 'pip'), PIP, { mode: 0o755 });
        writeFileSync(join(repo, 'www', 'health'), 'ok\n');
        writeFileSync(join(repo, '.dockerignore'), '.git\n');
        // No STOPSIGNAL: `docker stop` sends SIGTERM, which httpd as PID 1 ignores.
        writeFileSync(
          join(repo, 'Dockerfile'),
          [
            'FROM scratch',
            `LABEL ferry.bench=${suite}`,
            'COPY busybox /bin/busybox',
            'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
            'ENV PATH=/usr/local/bin:/bin',
            'COPY tools/ /usr/local/bin/',
            'COPY www/ /www/',
            'ARG APP_VERSION=1.0.0',
            'RUN pip install app==${APP_VERSION}',
            'EXPOSE 80',
            'CMD ["httpd", "-f", "-p", "80", "-h", "/www"]',
            '',
          ].join('\n'),
        );
        const g = (args) => sh('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@ferry.test', ...args], repo);
        g(['init', '-q', '-b', 'main']);
        g(['add', '-A']);
        g(['commit', '-q', '-m', 'infra']);
        sh('docker', ['build', '-q', '-t', image, repo]);
        sh('docker', [
          'run',
          '-d',
          '--name',
          container,
          '--stop-timeout',
          '2',
          '-p',
          `127.0.0.1:${port}:80`,
          '--label',
          `ferry.bench=${suite}`,
          image,
        ]);
        const health = `http://127.0.0.1:${port}/health`;
        writeFileSync(
          join(dir, 'ferry.yaml'),
          JSON.stringify({
            version: 1,
            workspace: '.',
            redeploy: {
              repo: 'infra',
              dockerfile: 'Dockerfile',
              runtime: {
                kind: 'docker',
                context: '.',
                dockerfile: 'Dockerfile',
                image,
                services: [{ name: 'app', container, health }],
              },
              verify: { health: { app: health }, container, preset: 'pip', timeout_seconds: 2 },
              notify: 'stdout',
            },
          }),
        );
      },
      teardown: () => {
        // Every recreate must have kept the container's own stop timeout (the 10 s default would also
        // show in the ratio, but this names the cause).
        const kept = n ? sh('docker', ['inspect', '--format', '{{.Config.StopTimeout}}', container]).trim() : '2';
        for (const name of [container, `${container}-ferry-next`, `${container}-ferry-prev`])
          execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
        const ids = sh('docker', ['images', '-q', '--filter', `label=ferry.bench=${suite}`])
          .split('\n')
          .filter(Boolean);
        if (ids.length) execFileSync('docker', ['rmi', '-f', ...new Set(ids)], { stdio: 'ignore' });
        rmSync(dir, { recursive: true, force: true });
        if (kept !== '2') throw new Error(`after ferry's redeploys the container's StopTimeout is ${kept}, not 2`);
      },
      baseline: () => {
        m++;
        return {
          cmd: 'bash',
          args: ['-c', FLOOR],
          env: {
            V: `1.0.${m}`,
            RUN: `floor-${m}`,
            IMAGE: image.slice(0, image.lastIndexOf(':')),
            CTX: join(dir, 'infra'),
            C: container,
            PORT: String(port),
            SUITE: suite,
          },
        };
      },
      subject: () => {
        n++;
        return {
          cmd: 'node',
          args: [
            bin,
            'redeploy',
            '--versions',
            `app=1.1.${n}`,
            '--skip-sync',
            '--run-id',
            `redeploy-${day}-${String(n).padStart(6, '0')}`,
          ],
          cwd: dir,
          env: { CI: 'true' },
        };
      },
    },
  ];
}
