// Shared setup for the promote/stage/swarm/self-deploy tests: distinct busybox images (healthy or
// with a failing /health), and ferry.yaml-shaped environments parsed through the real schema.

import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { environmentsSchema, type EnvironmentsConfig } from '../src/config/sections/environments.js';
import { buildBusyboxImage } from './fixtures/docker-images.js';

/** Build a busybox httpd image whose content differs by `marker`; `healthy: false` drops /www/health (404). */
export function buildMarkedImage(
  docker: Docker,
  tag: string,
  suite: string,
  marker: string,
  healthy = true,
): Promise<string> {
  return buildBusyboxImage(docker, tag, suite, {
    customize: (dir) => {
      writeFileSync(join(dir, 'www', 'version'), `${marker}\n`);
      if (!healthy) unlinkSync(join(dir, 'www', 'health'));
    },
  });
}

export function environments(raw: unknown): EnvironmentsConfig {
  return environmentsSchema.parse(raw);
}

/** Ids of every image tagged `<repo>:…` (a rebuild of TARGET_IMAGE would add one); other suites' images don't count. */
export async function repoImageIds(docker: Docker, repo: string): Promise<string[]> {
  const images = await docker.listImages({ all: true, filters: JSON.stringify({ reference: [`${repo}:*`] }) });
  return images.map((i) => i.Id).sort();
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
