// ferry.yaml's `redeploy.runtime.stop_timeout_seconds` (the default stop timeout for containers that
// set none of their own) and `socket` reach the Docker runtime a redeploy uses (issue 15.5).
import { describe, expect, it } from 'vitest';
import { redeployDeps } from '../src/redeploy/wiring.js';
import { DockerRuntime } from '../src/adapters/runtime/docker.js';
import type { FerryConfig } from '../src/config/schema.js';

const config = (runtime: Record<string, unknown>) => ({ redeploy: { runtime }, notify: {} }) as unknown as FerryConfig;

describe('redeploy wiring', () => {
  it('passes the configured default stop timeout and socket to the Docker runtime', () => {
    const deps = redeployDeps(
      config({ kind: 'docker', image: 'x:1', services: [], stop_timeout_seconds: 3, socket: '/tmp/ferry-no.sock' }),
      () => undefined,
    );
    const rt = deps.runtime() as DockerRuntime;
    expect(rt).toBeInstanceOf(DockerRuntime);
    expect(rt.stopTimeoutSeconds).toBe(3);
    expect((rt.docker.modem as unknown as { socketPath?: string }).socketPath).toBe('/tmp/ferry-no.sock');
    expect(deps.runtime()).toBe(rt);
  });

  it('without one, the engine default applies (no t= sent; the container StopTimeout wins)', () => {
    const rt = redeployDeps(config({ kind: 'docker', image: 'x:1', services: [] }), () => undefined).runtime();
    expect((rt as DockerRuntime).stopTimeoutSeconds).toBeUndefined();
  });
});
