// One writer per workspace (issue 14, point 4): two releases with different run ids on the same repos
// both used to proceed (two release branches per repo). The second is refused LOCKED, naming the
// holder's run id and pid; once the holder is gone (kill -9) its lock is taken over.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildEcosystem, type Ecosystem } from '../fixtures/ecosystem.js';
import { ferry, ferrySpawn } from '../helpers/ferry.js';

let eco: Ecosystem | undefined;
afterAll(async () => eco?.cleanup());

describe('workspace lock', () => {
  it('a second release with another run id is refused LOCKED while the first waits at its gate', async () => {
    eco = await buildEcosystem({
      repos: [{ name: 'solo', ecosystem: 'python', version: '1.0.0', commits: [{ subject: 'feat: one' }] }],
    });
    // The dashboard channel keeps run A waiting at its gate (nobody decides) without a dashboard.
    eco.writeConfig({ release: { gate: { channels: ['dashboard'], timeout_minutes: 5 } } });
    const home = join(eco.root, '.ferry');
    const A = 'release-20260101-aaaaa1';
    const first = ferrySpawn(['--state-dir', home, 'release', '--run-id', A], { cwd: eco.workspace });
    const gate = join(home, 'gates', `${A}.json`);
    for (let i = 0; i < 300 && !existsSync(gate); i++) await sleep(100);
    expect(existsSync(gate), 'run A reached its gate').toBe(true);

    const second = await ferry(['--state-dir', home, 'release', '--run-id', 'release-20260101-bbbbb2'], {
      cwd: eco.workspace,
    });
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toContain('error[LOCKED]');
    expect(second.stderr).toContain(`run ${A}`);
    expect(second.stderr).toContain(`pid ${first.pid}`);
    expect(second.stderr).toContain(`ferry release --resume ${A}`);
    // Another --state-dir on the same repos is the same workspace: refused as well.
    const elsewhere = await ferry(
      ['--state-dir', join(eco.root, 'other-home'), 'release', '--run-id', 'release-20260101-ccccc3'],
      { cwd: eco.workspace },
    );
    expect(elsewhere.stderr).toContain('error[LOCKED]');
    // Only run A's release branch can exist, none of B's.
    expect(await eco.git('solo', ['branch', '--list', 'release/*'])).not.toContain('bbbbb2');

    first.kill('SIGKILL');
    await first;
    // A dead holder's lock is taken over: a new run proceeds to its own gate.
    const third = await ferry(
      [
        '--state-dir',
        home,
        'release',
        '--run-id',
        'release-20260101-ddddd4',
        '--gate-attestation',
        '1740312612.000100:release-20260101-ddddd4',
      ],
      { cwd: eco.workspace },
    );
    expect(third.stderr).not.toContain('LOCKED');
    expect(third.exitCode, third.stderr).toBe(0);
  });
});
