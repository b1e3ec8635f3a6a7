// Pure half of container recreation: from the old container's inspect data, the create options
// for its replacement, and the recovery decision after a crash. No Docker calls here.

import type Docker from 'dockerode';

/** Temp names used while swapping; fixed per container so at most one leftover of each exists. */
export function nextName(name: string): string {
  return `${name}-ferry-next`;
}
export function prevName(name: string): string {
  return `${name}-ferry-prev`;
}

/** Label marking a container as ferry's replacement-in-progress of `name`. */
export const RECREATE_OF_LABEL = 'ferry.recreate.of';

export interface CreatePlan {
  options: Docker.ContainerCreateOptions;
  /** Networks beyond the first, connected after create (the Engine takes one at create time). */
  extraNetworks: Array<{ name: string; config: Docker.EndpointSettings }>;
}

type ImageConfig = {
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | string | null;
  Labels?: Record<string, string> | null;
  WorkingDir?: string;
  User?: string;
  Healthcheck?: unknown;
  StopSignal?: string;
};

function sameList(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * Create options for a replacement of `old` running `image`. Settings that merely came from the
 * old image (its ENV, CMD, labels…) are dropped so the new image's own values apply; what the
 * operator set on the container (env, cmd, ports, binds, restart policy, networks, labels) is kept.
 */
export function planReplacement(
  old: Docker.ContainerInspectInfo,
  oldImage: ImageConfig | undefined,
  image: string,
  name: string,
  extraLabels: Record<string, string> = {},
  newImage?: ImageConfig,
): CreatePlan {
  const cfg = old.Config;
  const img = oldImage ?? {};
  const imageEnv = new Set(img.Env ?? []);
  const env = (cfg.Env ?? []).filter((e) => !imageEnv.has(e));
  const imageLabels = img.Labels ?? {};
  // NOTE: Docker merges the image's labels into the container's, and `docker inspect` does not say
  // which the operator set (`--label`, compose `labels:`). A label equal to the old image's is dropped
  // only when the new image sets that key too: then the new image's value is the right one either way
  // (it is image metadata such as org.opencontainers.image.version). When the new image lacks the key,
  // the label may be the operator's (traefik.enable, a monitoring tag): kept, since losing it breaks
  // routing or alerts, while keeping an old image's descriptive label harms nothing. Without the new
  // image's config every label equal to the old image's counts as the image's.
  const newLabels = newImage ? (newImage.Labels ?? {}) : null;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(cfg.Labels ?? {})) {
    if (k === RECREATE_OF_LABEL) continue;
    if (imageLabels[k] === v && (!newLabels || k in newLabels)) continue;
    labels[k] = v;
  }
  Object.assign(labels, extraLabels);

  const options: Docker.ContainerCreateOptions = {
    name,
    Image: image,
    Env: env,
    Labels: labels,
    ExposedPorts: cfg.ExposedPorts,
    Tty: cfg.Tty,
    OpenStdin: cfg.OpenStdin,
    StdinOnce: cfg.StdinOnce,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
  };
  if (!sameList(cfg.Cmd, img.Cmd)) options.Cmd = cfg.Cmd ?? undefined;
  if (!sameList(cfg.Entrypoint, img.Entrypoint))
    options.Entrypoint = (cfg.Entrypoint as string[] | string | undefined) ?? undefined;
  if (cfg.WorkingDir && cfg.WorkingDir !== img.WorkingDir) options.WorkingDir = cfg.WorkingDir;
  if (cfg.User && cfg.User !== img.User) options.User = cfg.User;
  // Docker defaults the hostname to the short container id; only an explicit one is kept.
  if (cfg.Hostname && !old.Id.startsWith(cfg.Hostname)) options.Hostname = cfg.Hostname;
  const stopSignal = (cfg as { StopSignal?: string }).StopSignal;
  if (stopSignal && stopSignal !== img.StopSignal) options.StopSignal = stopSignal;
  // `docker run --stop-timeout N` lives in the container config, not HostConfig: without this the
  // replacement would fall back to the engine's 10 s and a SIGTERM-deaf PID 1 would stall every stop.
  const stopTimeout = (cfg as { StopTimeout?: number }).StopTimeout;
  if (typeof stopTimeout === 'number') options.StopTimeout = stopTimeout;
  if (cfg.Healthcheck && !sameList(cfg.Healthcheck, img.Healthcheck)) options.Healthcheck = cfg.Healthcheck;

  options.HostConfig = { ...(old.HostConfig as Docker.HostConfig) };

  const endpoints = Object.entries(old.NetworkSettings?.Networks ?? {});
  const mode = old.HostConfig.NetworkMode ?? 'default';
  const extraNetworks: CreatePlan['extraNetworks'] = [];
  const keep = (ep: Docker.NetworkInfo): Docker.EndpointSettings => {
    // Container-specific ids/addresses are the engine's to assign; aliases drop the old short id.
    const aliases = (ep.Aliases ?? []).filter((a: string) => !old.Id.startsWith(a));
    const out: Docker.EndpointSettings = {};
    if (aliases.length) out.Aliases = aliases;
    if (ep.IPAMConfig) out.IPAMConfig = ep.IPAMConfig;
    if (ep.Links) out.Links = ep.Links;
    return out;
  };
  const userNets = endpoints.filter(([n]) => !['bridge', 'host', 'none'].includes(n));
  const first = userNets.find(([n]) => n === mode) ?? userNets[0];
  if (first) {
    options.NetworkingConfig = { EndpointsConfig: { [first[0]]: keep(first[1]) } };
    for (const [n, ep] of userNets) if (n !== first[0]) extraNetworks.push({ name: n, config: keep(ep) });
  }
  return { options, extraNetworks };
}

/** What exists for `name` when recreate() starts; a crash may have left any combination. */
export interface RecreateSnapshot {
  current: { imageId: string; running: boolean } | null;
  prev: boolean;
  next: { imageId: string } | null;
}

export type RecoveryAction =
  /** Already on target: ensure running, drop leftovers. */
  | { kind: 'done'; start: boolean }
  /** Normal path (template = current); stale temp containers are removed first. */
  | { kind: 'swap' }
  /** Crashed after the old one was renamed away but with the replacement ready: rename it in and start it. */
  | { kind: 'promote-next' }
  /** Crashed after the old one was renamed away, no usable replacement: build it from prev's config. */
  | { kind: 'finish-from-prev' }
  | { kind: 'missing' };

/** Decide how to reach "exactly one container named `name`, running `targetId`" from any crash point. */
export function decideRecovery(s: RecreateSnapshot, targetId: string): RecoveryAction {
  if (s.current) {
    if (s.current.imageId === targetId) return { kind: 'done', start: !s.current.running };
    return { kind: 'swap' };
  }
  if (s.next?.imageId === targetId) return { kind: 'promote-next' };
  if (s.prev) return { kind: 'finish-from-prev' };
  return { kind: 'missing' };
}
