// Container runtime operations ferry needs, over the Docker Engine API (dockerode) or Swarm.

export interface BuildInput {
  contextDir: string;
  /** Relative to contextDir. */
  dockerfile: string;
  tags: string[];
  labels?: Record<string, string>;
  onLog?: (line: string) => void;
}

export interface ImageInfo {
  /** sha256:… image id (content-addressed config digest). */
  id: string;
  tags: string[];
  /** Repo digests when pushed/pulled; empty for local builds. */
  repoDigests: string[];
  created: string;
  /** Size in bytes, when the engine reports it. */
  size?: number;
}

export interface ContainerInfo {
  id: string;
  name: string;
  /** Image id (sha256:…) the container runs. */
  imageId: string;
  /** Image reference it was created from (tag). */
  image: string;
  running: boolean;
  status: string;
  labels: Record<string, string>;
  /** Bind mounts (host path → container path): how a service can see code that is not in its image. */
  binds?: Array<{ source: string; destination: string }>;
}

export interface ExecInContainerResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ContainerRuntime {
  /** @throws RUNTIME_UNAVAILABLE when the engine cannot be reached. */
  ping(): Promise<void>;
  /** Build an image; streams the build log. @throws DEPLOY_FAILED with the build error. */
  build(input: BuildInput): Promise<ImageInfo>;
  inspectImage(ref: string): Promise<ImageInfo | null>;
  /** Tag an existing image (build-once promote). */
  tag(source: string, target: string): Promise<void>;
  inspectContainer(name: string): Promise<ContainerInfo | null>;
  /**
   * Replace the named container with one from `image`, keeping name, ports, env, volumes,
   * labels and networks of the old one. Idempotent: if it already runs `image`'s id, no-op.
   */
  recreate(
    name: string,
    image: string,
    opts?: { labels?: Record<string, string> },
  ): Promise<{ container: ContainerInfo; changed: boolean }>;
  /** Tags `<repo>:<tag>` with their image id and creation time (newest first). */
  listTags?(repo: string): Promise<Array<{ ref: string; id: string; created: number }>>;
  /** Remove one tag (the image goes only when it was its last reference and no container uses it). */
  removeTag?(ref: string): Promise<void>;
  start(name: string): Promise<void>;
  stop(name: string): Promise<void>;
  restart(name: string): Promise<void>;
  exec(name: string, argv: string[], opts?: { timeoutMs?: number }): Promise<ExecInContainerResult>;
}
