// Tiny real Docker images without a registry: FROM scratch + the host's static busybox. A fake
// `pip`/`uv` records "installed versions" as files under /opt/versions, so a Dockerfile pin change
// really changes what `pip show <pkg>` reports inside the container. Used by tests and `ferry demo`.

import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The host's static busybox (Debian: busybox-static); null when there is none. */
export function findBusybox(): string | null {
  return ['/usr/bin/busybox', '/bin/busybox'].find((p) => existsSync(p)) ?? null;
}

/** Fake pip / `uv pip`: `install a==1 b[x]==2` records versions, `show a` prints them like pip. */
export const FAKE_PIP = `#!/bin/sh
[ "$1" = pip ] && shift
cmd=$1; shift
case "$cmd" in
install)
  mkdir -p /opt/versions
  for a in "$@"; do
    case "$a" in
      -*) ;;
      *==*) n=\${a%%==*}; v=\${a#*==}; n=\${n%%\\[*}; echo "Version: $v" > /opt/versions/$n; echo "installed $n $v" ;;
    esac
  done ;;
show)
  if [ ! -f "/opt/versions/$1" ]; then echo "WARNING: Package(s) not found: $1" >&2; exit 1; fi
  echo "Name: $1"; cat "/opt/versions/$1" ;;
*) echo "fake pip: unsupported $cmd" >&2; exit 2 ;;
esac
`;

/** Write busybox, the fake pip/uv tools and /www/health into a build context dir. */
export function writeBusyboxContext(dir: string, busybox = findBusybox() ?? '/usr/bin/busybox'): void {
  mkdirSync(join(dir, 'tools'), { recursive: true });
  mkdirSync(join(dir, 'www'), { recursive: true });
  copyFileSync(busybox, join(dir, 'busybox'));
  chmodSync(join(dir, 'busybox'), 0o755);
  for (const tool of ['pip', 'uv']) {
    writeFileSync(join(dir, 'tools', tool), FAKE_PIP);
    chmodSync(join(dir, 'tools', tool), 0o755);
  }
  writeFileSync(join(dir, 'www', 'health'), 'ok\n');
}
