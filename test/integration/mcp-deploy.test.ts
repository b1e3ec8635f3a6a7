// ferry_deploy through the official MCP client on a real Docker project (a FROM-scratch busybox
// image, unique names): its structuredContent is valid against schema/deploy-result.schema.json and
// equal to what `ferry --json deploy` prints for the same situation; a deploy the analysis says needs
// a rebuild stops for yes=true exactly like the CLI, and with yes=true it rebuilds and its result is
// the run's result file (what the CLI prints as its last line).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBusyboxImage, cleanupSuite, uniqueName } from '../fixtures/docker-images.js';
import { ferry, jsonLines } from '../helpers/ferry.js';
import { connectMcp } from '../helpers/mcp.js';
import { validateAgainst } from '../helpers/schema.js';
import { makeDeployProject, type DeployProject } from './deploy-project.js';

const docker = new Docker();
const suite = uniqueName('mcp-deploy');
const image = `ferry-test-${suite}:latest`;
let imageId = '';
let p: DeployProject;
let client: Client;

type Result = Record<string, unknown>;
const cli = async (args: string[]): Promise<{ exitCode: number; result: Result }> => {
  const r = await ferry(['--json', 'deploy', ...args], { cwd: p.repo });
  return { exitCode: r.exitCode, result: jsonLines(r.stdout).at(-1)! };
};
const tool = async (args: Record<string, unknown>): Promise<{ isError: boolean; result: Result }> => {
  const r = await client.callTool({ name: 'ferry_deploy', arguments: { wait_seconds: 600, ...args } });
  const s = r.structuredContent as Result;
  expect(validateAgainst('deploy-result', s)).toEqual([]);
  return { isError: r.isError === true, result: s };
};
/** What differs between two deploys of the same situation: the run id (each is its own run) and the clock. */
const timeless = (r: Result): Result =>
  JSON.parse(
    JSON.stringify(r, (k, v: unknown) =>
      k === 'run_id' && typeof v === 'string' && /^deploy-\d{8}-[0-9a-f]{6}$/.test(v)
        ? '<run id>'
        : /(_at|_ms|timestamp|duration|elapsed)$/.test(k) || k === 'ts'
          ? '<time>'
          : v,
    ),
  ) as Result;

beforeAll(async () => {
  imageId = await buildBusyboxImage(docker, image, suite);
  p = await makeDeployProject({ docker, suite, image });
  p.writeFerryYaml();
  await p.writeBaseline(imageId);
  client = await connectMcp({ cwd: p.repo });
});
afterAll(async () => {
  await client?.close();
  await cleanupSuite(docker, suite, [image]);
  p?.cleanup();
});

describe('mcp: ferry_deploy', () => {
  it('nothing changed: the same result as `ferry --json deploy`', async () => {
    const viaCli = await cli([]);
    const viaMcp = await tool({});
    expect([viaCli.exitCode, viaMcp.isError]).toEqual([0, false]);
    expect(viaMcp.result).toMatchObject({ skill: 'deploy', status: 'success', action: 'status' });
    expect(timeless(viaMcp.result)).toEqual(timeless(viaCli.result));
  });

  it('a pushed config change: dry run and the stop for yes=true equal the CLI; yes=true rebuilds and returns the run result', async () => {
    await p.pushConfig('commands/analyze-logs.md', '# analyze logs\n', 'Add /analyze-logs command');
    const dryCli = await cli(['--dry-run']);
    const dryMcp = await tool({ dry_run: true });
    expect(dryMcp.result).toMatchObject({ status: 'dry_run', action: 'rebuild' });
    expect(timeless(dryMcp.result)).toEqual(timeless(dryCli.result));

    const stopCli = await cli([]);
    const stopMcp = await tool({});
    expect([stopCli.exitCode, stopMcp.isError]).toEqual([1, true]);
    expect(stopMcp.result).toMatchObject({
      status: 'confirmation_required',
      error: { code: 'CONFIRMATION_REQUIRED', fix: 'ferry deploy --yes' },
    });
    expect(timeless(stopMcp.result)).toEqual(timeless(stopCli.result));

    const done = await tool({ yes: true });
    expect(done.isError).toBe(false);
    expect(done.result).toMatchObject({ skill: 'deploy', status: 'success', action: 'rebuild' });
    const runId = String(done.result.run_id);
    const file = JSON.parse(readFileSync(join(p.repo, '.ferry', 'results', runId, 'deploy.json'), 'utf8')) as Result;
    expect(done.result).toEqual(file);
    const state = JSON.parse(readFileSync(p.stateFile, 'utf8')) as { docker_image_digest: string };
    expect(state.docker_image_digest).not.toBe(imageId);
    expect((await docker.getContainer(p.container).inspect()).Image).toBe(state.docker_image_digest);
    // The run is in the history the agent follows, completed.
    const shown = await client.callTool({ name: 'ferry_run_show', arguments: { run_id: runId } });
    expect((shown.structuredContent as { view: { status: string } }).view.status).toBe('completed');
  });
});
