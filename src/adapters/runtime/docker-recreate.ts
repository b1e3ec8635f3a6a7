// Crash-safe container replacement. Order: create the replacement under `<name>-ferry-next`
// (not started), rename the old one to `<name>-ferry-prev`, rename next → name, stop prev, start,
// then remove prev. At every instant either `name` or `prev` holds a complete template, so a
// resume after kill -9 anywhere (decideRecovery) finishes with exactly one `name` on the new image.

import type Docker from 'dockerode';
import { ErrorCode, FerryError, isFerryError } from '../../errors.js';
import type { ContainerInfo, ImageInfo } from './types.js';
import { dockerError, toContainerInfo } from './docker-util.js';
import { RECREATE_OF_LABEL, decideRecovery, nextName, planReplacement, prevName } from './docker-recreate-plan.js';

/** What a recreate needs of the Docker runtime (DockerRuntime satisfies it; declared here so the two files don't import each other). */
export interface RecreateHost {
  readonly docker: Docker;
  inspectImage(ref: string): Promise<ImageInfo | null>;
  inspectRaw(name: string): Promise<Docker.ContainerInspectInfo | null>;
  start(name: string): Promise<void>;
  stop(name: string): Promise<void>;
  remove(name: string): Promise<void>;
}

async function imageConfig(rt: RecreateHost, id: string): Promise<Docker.ImageInspectInfo['Config'] | undefined> {
  try {
    return (await rt.docker.getImage(id).inspect()).Config;
  } catch {
    // The old image may have been pruned; then every container setting counts as explicit.
    return undefined;
  }
}

async function rename(rt: RecreateHost, from: string, to: string): Promise<void> {
  try {
    await rt.docker.getContainer(from).rename({ name: to });
  } catch (e) {
    throw dockerError(e, ErrorCode.DEPLOY_FAILED, `rename ${from} → ${to}`);
  }
}

async function createFrom(
  rt: RecreateHost,
  template: Docker.ContainerInspectInfo,
  image: string,
  name: string,
  temp: string,
  labels: Record<string, string>,
): Promise<void> {
  const plan = planReplacement(
    template,
    await imageConfig(rt, template.Image),
    image,
    temp,
    { ...labels, [RECREATE_OF_LABEL]: name },
    await imageConfig(rt, image),
  );
  let created: Docker.Container;
  try {
    created = await rt.docker.createContainer(plan.options);
  } catch (e) {
    throw dockerError(e, ErrorCode.DEPLOY_FAILED, `create ${temp} from ${image}`);
  }
  for (const net of plan.extraNetworks) {
    try {
      await rt.docker.getNetwork(net.name).connect({ Container: created.id, EndpointConfig: net.config });
    } catch (e) {
      throw dockerError(e, ErrorCode.DEPLOY_FAILED, `connect ${temp} to network ${net.name}`);
    }
  }
}

async function stopIfPresent(rt: RecreateHost, name: string): Promise<void> {
  try {
    await rt.stop(name);
  } catch (e) {
    if (!isFerryError(e) || e.code !== ErrorCode.NOT_FOUND) throw e;
  }
}

/** Rename next → name, start it; if it will not start, put the previous container back. */
async function promote(rt: RecreateHost, name: string): Promise<void> {
  await rename(rt, nextName(name), name);
  // The old one (now prev) must release its ports first; with AutoRemove, stopping deletes it.
  await stopIfPresent(rt, prevName(name));
  try {
    await rt.start(name);
  } catch (e) {
    const prev = await rt.inspectRaw(prevName(name));
    if (prev) {
      await rt.remove(name);
      await rename(rt, prevName(name), name);
      await rt.start(name).catch(() => undefined);
    }
    throw new FerryError(
      ErrorCode.DEPLOY_FAILED,
      `new container ${name} failed to start${prev ? '; previous container restored' : ''}: ${(e as Error).message}`,
      { cause: e },
    );
  }
}

export async function recreateContainer(
  rt: RecreateHost,
  name: string,
  image: string,
  labels: Record<string, string>,
): Promise<{ container: ContainerInfo; changed: boolean }> {
  // Four reads with no order between them: one round trip's wait instead of four.
  const [target, current, prev, next] = await Promise.all([
    rt.inspectImage(image),
    rt.inspectRaw(name),
    rt.inspectRaw(prevName(name)),
    rt.inspectRaw(nextName(name)),
  ]);
  if (!target)
    throw new FerryError(ErrorCode.NOT_FOUND, `image ${image} not found`, { fix: `docker image inspect ${image}` });
  const action = decideRecovery(
    {
      current: current ? { imageId: current.Image, running: current.State.Running } : null,
      prev: prev !== null,
      next: next ? { imageId: next.Image } : null,
    },
    target.id,
  );

  let changed = true;
  switch (action.kind) {
    case 'missing':
      throw new FerryError(
        ErrorCode.NOT_FOUND,
        `container ${name} not found; create it once (docker run --name ${name} …) so ferry can recreate it`,
        {
          fix: `docker ps -a --filter name=${name}`,
        },
      );
    case 'done':
      changed = false;
      if (action.start) {
        await stopIfPresent(rt, prevName(name));
        await rt.start(name);
      }
      break;
    case 'swap': {
      if (!current) throw new FerryError(ErrorCode.INTERNAL, 'swap without a current container');
      // Leftovers from an earlier attempt are stale: `name` is the live template. What the reads above
      // found absent is not removed (one more round trip each, on every recreate).
      if (next) await rt.remove(nextName(name));
      if (prev) await rt.remove(prevName(name));
      await createFrom(rt, current, image, name, nextName(name), labels);
      // Rename before stopping: a running container can be renamed, and an AutoRemove one would
      // vanish on stop — its name is free either way and `next` already holds the template.
      await rename(rt, name, prevName(name));
      await promote(rt, name);
      break;
    }
    case 'promote-next':
      await promote(rt, name);
      break;
    case 'finish-from-prev': {
      if (!prev) throw new FerryError(ErrorCode.INTERNAL, 'finish-from-prev without prev');
      if (next) await rt.remove(nextName(name));
      await createFrom(rt, prev, image, name, nextName(name), labels);
      await promote(rt, name);
      break;
    }
  }
  // After a swap or a promote `next` was renamed to `name`; only a `done` run can still have one.
  await Promise.all([rt.remove(prevName(name)), action.kind === 'done' && next ? rt.remove(nextName(name)) : null]);
  const final = await rt.inspectRaw(name);
  if (!final) throw new FerryError(ErrorCode.DEPLOY_FAILED, `container ${name} vanished after recreate`);
  return { container: toContainerInfo(final), changed };
}
