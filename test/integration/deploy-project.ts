// A real project for `ferry deploy` tests: a git repo with code, a `.claude/` config dir, an
// ignored `.env` and a busybox Dockerfile; a bare "config repo" to push to; a running service
// container built from the Dockerfile; and a last-deploy state recording all of it as deployed.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { stringify } from 'yaml';
import { deploySchema, type DeployConfig, type DeployConfigInput } from '../../src/config/sections/deploy.js';
import type { EngineOptions } from '../../src/engine/run.js';
import { writeLastDeploy } from '../../src/deploy/last-deploy.js';
import type { LastDeployState } from '../../src/deploy/types.js';
import { exec } from '../../src/util/process.js';
import {
  busyboxDockerfile,
  freePort,
  runService,
  TEST_LABEL,
  uniqueName,
  writeBusyboxContext,
} from '../fixtures/docker-images.js';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Ferry Test',
  GIT_AUTHOR_EMAIL: 'test@ferry.test',
  GIT_COMMITTER_NAME: 'Ferry Test',
  GIT_COMMITTER_EMAIL: 'test@ferry.test',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export async function git(cwd: string, args: string[]): Promise<string> {
  return (await exec('git', ['-c', 'commit.gpgsign=false', ...args], { cwd, env: GIT_ENV })).stdout.trim();
}

export interface DeployProject {
  tmp: string;
  /** The project repo; ferry.yaml would sit here (configDir). */
  repo: string;
  configBare: string;
  configWork: string;
  container: string;
  port: number;
  image: string;
  config: DeployConfig;
  /** The deploy section as written in ferry.yaml. */
  configInput: DeployConfigInput;
  /** Write <repo>/ferry.yaml with this deploy section (for CLI tests). */
  writeFerryYaml(): void;
  engine: EngineOptions;
  stateFile: string;
  write(path: string, text: string): void;
  /** Commit a file to the config repo and push it; returns the new sha. */
  pushConfig(path: string, text: string, subject: string): Promise<string>;
  configHead(): Promise<string>;
  head(): Promise<string>;
  /** Record the current tree, config repo and running image as deployed. */
  writeBaseline(imageId: string): Promise<LastDeployState>;
  cleanup(): void;
}

const sha256 = (text: string | Buffer): string => 'sha256:' + createHash('sha256').update(text).digest('hex');

export interface MakeProjectOptions {
  docker: Docker;
  suite: string;
  /** Image the service container starts from (already built); also the tag ferry rebuilds. */
  image: string;
  extraConfig?: Partial<DeployConfigInput>;
  /** Don't start the service container. */
  noContainer?: boolean;
}

export async function makeDeployProject(o: MakeProjectOptions): Promise<DeployProject> {
  const tmp = mkdtempSync(join(tmpdir(), 'ferry-deploy-'));
  const repo = join(tmp, 'project');
  const write = (p: string, text: string): void => {
    mkdirSync(join(repo, p, '..'), { recursive: true });
    writeFileSync(join(repo, p), text);
  };
  mkdirSync(repo);
  await git(repo, ['init', '-q', '-b', 'main']);
  write('agent/agent.py', 'def run():\n    return "v1"\n');
  write('.claude/settings.json', '{"permissions": []}\n');
  write('README.md', '# project\n');
  write('.gitignore', '.env\n.ferry/\nimage/busybox\n');
  write('.env', 'MODE=one\n');
  writeBusyboxContext(join(repo, 'image'));
  // The suite label makes images ferry builds from this Dockerfile removable by cleanupSuite.
  write(
    'image/Dockerfile',
    busyboxDockerfile().replace('FROM scratch\n', `FROM scratch\nLABEL ${TEST_LABEL}=${o.suite}\n`),
  );
  await git(repo, ['add', '-A']);
  await git(repo, ['commit', '-q', '-m', 'initial project']);

  const configBare = join(tmp, 'master-config.git');
  const configWork = join(tmp, 'master-config');
  await git(tmp, ['init', '-q', '--bare', '-b', 'main', configBare]);
  await git(tmp, ['clone', '-q', configBare, configWork]);
  writeFileSync(join(configWork, 'CLAUDE.md'), '# master config\n');
  await git(configWork, ['add', '-A']);
  await git(configWork, ['commit', '-q', '-m', 'Initial master config']);
  await git(configWork, ['push', '-q', 'origin', 'HEAD:main']);

  const container = uniqueName('ferry-deploy-web');
  const port = await freePort();
  if (!o.noContainer) await runService(o.docker, { name: container, image: o.image, suite: o.suite, hostPort: port });

  const stateDir = join(repo, '.ferry');
  const configInput: DeployConfigInput = {
    config_repos: [{ name: 'master-config', url: `file://${configBare}`, ref: 'main' }],
    runtime: {
      kind: 'docker',
      context: 'image',
      dockerfile: 'Dockerfile',
      image: o.image,
      services: [{ name: 'web', container, health: `http://127.0.0.1:${port}/health` }],
    },
    verify: { retries: 8, interval_seconds: 0.25, timeout_seconds: 2 },
    ...o.extraConfig,
  };
  const config = deploySchema.parse(configInput);
  const stateFile = join(repo, config.state_file);
  const p: DeployProject = {
    tmp,
    repo,
    configBare,
    configWork,
    container,
    port,
    image: o.image,
    config,
    configInput,
    writeFerryYaml: () => writeFileSync(join(repo, 'ferry.yaml'), stringify({ version: 1, deploy: configInput })),
    engine: { stateDir, dryRun: false, verbose: false },
    stateFile,
    write,
    async pushConfig(path, text, subject) {
      mkdirSync(join(configWork, path, '..'), { recursive: true });
      writeFileSync(join(configWork, path), text);
      await git(configWork, ['add', '-A']);
      await git(configWork, ['commit', '-q', '-m', subject]);
      await git(configWork, ['push', '-q', 'origin', 'HEAD:main']);
      return git(configWork, ['rev-parse', 'HEAD']);
    },
    configHead: () => git(configWork, ['rev-parse', 'HEAD']),
    head: () => git(repo, ['rev-parse', 'HEAD']),
    async writeBaseline(imageId) {
      const state: LastDeployState = {
        timestamp: '2026-01-01T00:00:00.000Z',
        config_commits: { 'master-config': await p.configHead() },
        docker_image_tag: o.image,
        docker_image_digest: imageId,
        build_timestamp: '2026-01-01T00:00:00.000Z',
        code_commit: await p.head(),
        file_hashes: { '.env': sha256(readFileSync(join(repo, '.env'))) },
      };
      await writeLastDeploy(stateFile, state);
      return state;
    },
    cleanup: () => rmSync(tmp, { recursive: true, force: true }),
  };
  return p;
}
