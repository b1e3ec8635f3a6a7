// ContainerRuntime over the Docker Engine API (dockerode). Translates engine failures into ferry
// codes: unreachable engine → RUNTIME_UNAVAILABLE, build/create/start failures → DEPLOY_FAILED.

import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { loadDockerode } from './dockerode.js';
import { ErrorCode, FerryError } from '../../errors.js';
import type { BuildInput, ContainerInfo, ContainerRuntime, ExecInContainerResult, ImageInfo } from './types.js';
import { recreateContainer } from './docker-recreate.js';
import { dockerError, messageOf, statusOf, toContainerInfo, toImageInfo } from './docker-util.js';

export { dockerError, toContainerInfo } from './docker-util.js';

export interface DockerRuntimeOptions {
  /** Unix socket path; default: DOCKER_HOST or /var/run/docker.sock (dockerode's defaults). */
  socket?: string;
  /**
   * Seconds `stop`/`restart` wait after the stop signal before SIGKILL, for containers that set no
   * StopTimeout of their own (docker run --stop-timeout). Unset: the engine's default (10 s).
   */
  stopTimeoutSeconds?: number;
}

/** Build-stream lines are JSON objects; this pulls out the text and any error. */
interface BuildEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

export class DockerRuntime implements ContainerRuntime {
  readonly docker: Docker;
  readonly stopTimeoutSeconds: number | undefined;

  constructor(opts: DockerRuntimeOptions = {}) {
    const D = loadDockerode();
    this.docker = opts.socket ? new D({ socketPath: opts.socket }) : new D();
    this.stopTimeoutSeconds = opts.stopTimeoutSeconds;
  }

  /**
   * `t` for stop/restart: none when the container has its own StopTimeout (the engine then uses it,
   * as `docker stop` does) or no default is configured; else the configured default.
   */
  private async stopOptions(name: string): Promise<{ t?: number }> {
    if (this.stopTimeoutSeconds === undefined) return {};
    const raw = await this.inspectRaw(name);
    const own = (raw?.Config as { StopTimeout?: number } | undefined)?.StopTimeout;
    return typeof own === 'number' ? {} : { t: this.stopTimeoutSeconds };
  }

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (e) {
      throw new FerryError(ErrorCode.RUNTIME_UNAVAILABLE, `Docker engine unreachable (${messageOf(e)})`, {
        fix: 'docker info',
        cause: e,
        retryable: true,
      });
    }
  }

  async build(input: BuildInput): Promise<ImageInfo> {
    const [tag, ...moreTags] = input.tags;
    // The context is every top-level entry (tar-fs recurses); .dockerignore is honoured by dockerode.
    const src = readdirSync(input.contextDir).filter((n) => n !== '.git');
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.buildImage(
        { context: input.contextDir, src },
        { t: tag, dockerfile: input.dockerfile, labels: input.labels ?? {}, rm: true, forcerm: true },
      );
    } catch (e) {
      throw dockerError(e, ErrorCode.DEPLOY_FAILED, `docker build of ${input.contextDir} failed`);
    }
    let buildError: string | undefined;
    let imageId: string | undefined;
    let partial = '';
    const emit = (text: string): void => {
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) input.onLog?.(l);
    };
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (err) => (err ? reject(dockerError(err, ErrorCode.DEPLOY_FAILED, 'docker build stream failed')) : resolve()),
        (ev: BuildEvent) => {
          if (ev.stream) emit(ev.stream);
          else if (ev.status) emit(`${ev.status}\n`);
          if (ev.error) buildError = ev.errorDetail?.message ?? ev.error;
          if (ev.aux?.ID) imageId = ev.aux.ID;
        },
      );
    });
    if (partial.trim()) input.onLog?.(partial);
    if (buildError) {
      throw new FerryError(ErrorCode.DEPLOY_FAILED, `docker build failed: ${buildError.trim()}`, {
        details: { context: input.contextDir, dockerfile: input.dockerfile },
      });
    }
    const ref = tag ?? imageId;
    if (!ref) throw new FerryError(ErrorCode.DEPLOY_FAILED, 'docker build produced no image id');
    for (const t of moreTags) await this.tag(ref, t);
    const info = await this.inspectImage(ref);
    if (!info) throw new FerryError(ErrorCode.DEPLOY_FAILED, `built image ${ref} not found after build`);
    return info;
  }

  async inspectImage(ref: string): Promise<ImageInfo | null> {
    try {
      return toImageInfo(await this.docker.getImage(ref).inspect());
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw dockerError(e, ErrorCode.DEPLOY_FAILED, `inspect image ${ref}`);
    }
  }

  async tag(source: string, target: string): Promise<void> {
    const at = target.lastIndexOf(':');
    const hasTag = at > target.lastIndexOf('/');
    const repo = hasTag ? target.slice(0, at) : target;
    const tag = hasTag ? target.slice(at + 1) : 'latest';
    try {
      await this.docker.getImage(source).tag({ repo, tag });
    } catch (e) {
      if (statusOf(e) === 404) throw new FerryError(ErrorCode.NOT_FOUND, `image ${source} not found`, { cause: e });
      throw dockerError(e, ErrorCode.DEPLOY_FAILED, `tag ${source} as ${target}`);
    }
  }

  async inspectContainer(name: string): Promise<ContainerInfo | null> {
    const raw = await this.inspectRaw(name);
    return raw ? toContainerInfo(raw) : null;
  }

  /** Full inspect data, or null when there is no such container. */
  async inspectRaw(name: string): Promise<Docker.ContainerInspectInfo | null> {
    try {
      return await this.docker.getContainer(name).inspect();
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw dockerError(e, ErrorCode.DEPLOY_FAILED, `inspect container ${name}`);
    }
  }

  recreate(
    name: string,
    image: string,
    opts: { labels?: Record<string, string> } = {},
  ): Promise<{ container: ContainerInfo; changed: boolean }> {
    return recreateContainer(this, name, image, opts.labels ?? {});
  }

  async listTags(repo: string): Promise<Array<{ ref: string; id: string; created: number }>> {
    const images = await this.docker.listImages({ filters: JSON.stringify({ reference: [`${repo}:*`] }) });
    return images
      .flatMap((i) =>
        (i.RepoTags ?? [])
          .filter((t) => t.startsWith(`${repo}:`))
          .map((ref) => ({ ref, id: i.Id, created: i.Created })),
      )
      .sort((a, b) => b.created - a.created);
  }

  async removeTag(ref: string): Promise<void> {
    try {
      await this.docker.getImage(ref).remove({ noprune: false });
    } catch (e) {
      if (statusOf(e) === 404) return;
      throw dockerError(e, ErrorCode.DEPLOY_FAILED, `remove tag ${ref}`);
    }
  }

  async start(name: string): Promise<void> {
    try {
      await this.docker.getContainer(name).start();
    } catch (e) {
      if (statusOf(e) === 304) return; // already started
      if (statusOf(e) === 404) throw new FerryError(ErrorCode.NOT_FOUND, `container ${name} not found`, { cause: e });
      throw dockerError(e, ErrorCode.DEPLOY_FAILED, `start ${name}`);
    }
  }

  async stop(name: string): Promise<void> {
    try {
      await this.docker.getContainer(name).stop(await this.stopOptions(name));
    } catch (e) {
      if (statusOf(e) === 304) return; // already stopped
      if (statusOf(e) === 404) throw new FerryError(ErrorCode.NOT_FOUND, `container ${name} not found`, { cause: e });
      throw dockerError(e, ErrorCode.DEPLOY_FAILED, `stop ${name}`);
    }
  }

  async restart(name: string): Promise<void> {
    try {
      await this.docker.getContainer(name).restart(await this.stopOptions(name));
    } catch (e) {
      if (statusOf(e) === 404) throw new FerryError(ErrorCode.NOT_FOUND, `container ${name} not found`, { cause: e });
      throw dockerError(e, ErrorCode.DEPLOY_FAILED, `restart ${name}`);
    }
  }

  /** Remove a container (force); a missing one is fine. */
  async remove(name: string): Promise<void> {
    try {
      await this.docker.getContainer(name).remove({ force: true, v: false });
    } catch (e) {
      if (statusOf(e) === 404) return;
      throw dockerError(e, ErrorCode.DEPLOY_FAILED, `remove ${name}`);
    }
  }

  async exec(name: string, argv: string[], opts: { timeoutMs?: number } = {}): Promise<ExecInContainerResult> {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    try {
      const ex = await this.docker
        .getContainer(name)
        .exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, Tty: false });
      const stream = await ex.start({ hijack: true, stdin: false });
      const out = new PassThrough();
      const err = new PassThrough();
      const chunks: { out: Buffer[]; err: Buffer[] } = { out: [], err: [] };
      out.on('data', (b: Buffer) => chunks.out.push(b));
      err.on('data', (b: Buffer) => chunks.err.push(b));
      this.docker.modem.demuxStream(stream, out, err);
      const text = (b: Buffer[]): string => Buffer.concat(b).toString('utf8');
      await new Promise<void>((resolve, reject) => {
        let timedOut = false;
        const timer = setTimeout(() => {
          // Destroying the stream emits 'close': the timeout, not that close, decides the outcome.
          timedOut = true;
          (stream as unknown as { destroy?: () => void }).destroy?.();
          // Closing the stream does not stop the process in the container: stop it, and keep what it printed.
          void killExec(ex).then((killed) => {
            reject(
              new FerryError(
                ErrorCode.COMMAND_TIMEOUT,
                `docker exec ${name} ${argv.join(' ')} timed out after ${timeoutMs} ms; ${killed}`,
                {
                  details: { stdout: text(chunks.out), stderr: text(chunks.err) },
                },
              ),
            );
          });
        }, timeoutMs);
        const done = (): void => {
          if (timedOut) return;
          clearTimeout(timer);
          resolve();
        };
        stream.on('end', done);
        stream.on('close', done);
        stream.on('error', (e: unknown) => {
          if (timedOut) return;
          clearTimeout(timer);
          reject(e);
        });
      });
      // The exit code lands slightly after the stream ends; poll briefly.
      let info = await ex.inspect();
      for (let i = 0; info.Running && i < 50; i++) {
        await new Promise((r) => setTimeout(r, 20));
        info = await ex.inspect();
      }
      return { exitCode: info.ExitCode ?? -1, stdout: text(chunks.out), stderr: text(chunks.err) };
    } catch (e) {
      if (e instanceof FerryError) throw e;
      if (statusOf(e) === 404) throw new FerryError(ErrorCode.NOT_FOUND, `container ${name} not found`, { cause: e });
      if (statusOf(e) === 409)
        throw new FerryError(ErrorCode.DEPLOY_FAILED, `container ${name} is not running`, { cause: e });
      throw dockerError(e, ErrorCode.COMMAND_FAILED, `docker exec ${name}`);
    }
  }
}

export function createDockerRuntime(opts: DockerRuntimeOptions = {}): DockerRuntime {
  return new DockerRuntime(opts);
}

/**
 * The Engine API cannot stop an exec'd process; its host pid (ExecInspect.Pid) can be signalled when
 * the engine runs on this machine in ferry's pid namespace. /proc/<pid>/cgroup must name the
 * container: with a remote engine, or ferry itself in a container, the same number may be another
 * process, which is never signalled. Says what happened.
 */
async function killExec(ex: Docker.Exec): Promise<string> {
  try {
    const info = await ex.inspect();
    if (!info.Running) return 'the process had already ended';
    const pid = info.Pid;
    const cgroup = await readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => '');
    if (!pid || !info.ContainerID || !cgroup.includes(info.ContainerID))
      return 'it may still run in the container (ferry cannot reach its process from here): stop it there by hand';
    process.kill(pid, 'SIGKILL');
    return `the process (host pid ${pid}) was killed`;
  } catch (e) {
    return `it may still run in the container (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): stop it there by hand`;
  }
}
