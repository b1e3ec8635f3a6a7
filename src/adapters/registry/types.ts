// Package registries (npm, PyPI). Publishing is idempotent by (name, version, artifact digest).

export interface Artifact {
  /** Path of the file to upload (.tgz for npm, .whl/.tar.gz for Python). */
  path: string;
  filename: string;
  /** sha256 hex of the file. */
  sha256: string;
  /** npm only: the tarball's SRI sha512 (`sha512-<base64>`), what a packument's dist.integrity holds. */
  integrity?: string;
  /** npm only: the tarball's sha1 hex, what a packument's dist.shasum holds. */
  shasum?: string;
}

export interface PublishedVersion {
  exists: boolean;
  /** sha256 per filename as the registry reports it (Python: per file; npm: the tarball's shasum/integrity). */
  files: Record<string, string>;
}

export interface WaitOptions {
  /** The exact command that resumes the run, put in PYPI_TIMEOUT's `fix`. */
  fix?: string;
}

export interface PublishInput {
  name: string;
  version: string;
  /** Package directory (npm publish runs here; Python build runs here). */
  packageDir: string;
  /** Scratch dir for build outputs. */
  distDir: string;
  log: (m: string) => void;
  signal?: AbortSignal;
}

export interface Registry {
  readonly kind: 'npm' | 'pypi';
  /** What the registry already has for this exact version. */
  lookup(name: string, version: string): Promise<PublishedVersion>;
  /** Pure: the commands and requests build + publish + wait would make, for --dry-run and step intents. */
  describe?(input: PublishInput): string[];
  /** Build the artifacts (without uploading). */
  build(input: PublishInput): Promise<Artifact[]>;
  /**
   * Upload unless the same version with the same digest is there (→ 'skipped').
   * @throws PUBLISH_CONFLICT when the version exists with different content; PUBLISH_FAILED otherwise.
   * Retries 429/5xx with backoff honouring Retry-After.
   */
  publish(input: PublishInput, artifacts: Artifact[]): Promise<'uploaded' | 'skipped'>;
  /**
   * Poll the endpoint installers read (npm packument; PEP 691 simple index) until the version shows.
   * @throws PYPI_TIMEOUT (both ecosystems) after timeoutMs.
   */
  waitVisible(
    name: string,
    version: string,
    timeoutMs: number,
    log: (m: string) => void,
    signal?: AbortSignal,
    opts?: WaitOptions,
  ): Promise<void>;
}
