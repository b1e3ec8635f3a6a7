import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { plural } from '../util/text.js';

// `file:line:col key` for a key path of the config file, as the schema errors print it.
async function keyLocator(file: string): Promise<(path: (string | number)[]) => string> {
  const { readFileSync } = await import('node:fs');
  const { LineCounter, parseDocument } = await import('yaml');
  const { formatKeyPath, locate } = await import('../config/locate.js');
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter });
  return (path) => {
    const { line, col } = lineCounter.linePos(locate(doc, path).offset);
    return `${file}:${line}:${col} ${formatKeyPath(path)}`;
  };
}

export function register(program: Command, ctx: CliContext): void {
  const config = program
    .command('config')
    .description('inspect and validate ferry.yaml')
    .addHelpText(
      'after',
      `
Examples:
  ferry config check                          validate the ferry.yaml found from here
  ferry --config ops/ferry.yaml config check  validate another file

Problems are reported as file:line:col key: what was expected (exit 2); nothing is written.`,
    );
  config
    .command('check')
    .description('validate ferry.yaml (every problem with file:line and key) and print the package tiers')
    .action(async () => {
      const loaded = await ctx.config();
      // Templates first: a tag or branch git refuses must fail here, not at TAG after the merge.
      (await import('../config/template-check.js')).assertTemplates(loaded);
      const { configuredGraph, discoverPackages } = await import('../config/discover.js');
      const { checkTiers } = await import('../config/graph.js');
      const { join } = await import('node:path');
      const { graph, warnings } = configuredGraph(loaded);
      // The same tier check `ferry release` runs as its drift guard: "ok" here must not become GRAPH_DRIFT there.
      const discovery = discoverPackages(loaded.workspaceDir);
      const tiers = checkTiers({ packages: loaded.config.packages }, discovery.packages);
      const where = await keyLocator(loaded.path);
      const problems = [
        ...tiers.contradictions.map((c) => {
          const i = loaded.config.packages.findIndex((p) => p.name === c.package);
          return `${where(['packages', i, 'tier'])}: ${c.package} is in tier ${c.tier}, but it depends on ${c.dependency} (tier ${c.dependencyTier}); use tier ${c.dependencyTier + 1} or more`;
        }),
        ...tiers.unconfigured.map(
          (n) => `${n}: depends on (or is depended on by) configured packages but is not in packages:`,
        ),
      ];
      // A package with no manifest in the workspace stops `ferry release` (GRAPH_DRIFT); a config used
      // only for deploys may not have the clones, so warn rather than fail.
      // A cloned repo whose `path:` holds no manifest is a wrong path, not a missing clone: fail.
      const { existsSync } = await import('node:fs');
      loaded.config.packages.forEach((p, i) => {
        const repoDir = join(loaded.workspaceDir, p.repo ?? p.name);
        const manifest = p.ecosystem === 'python' ? 'pyproject.toml' : 'package.json';
        if (/^[a-z+]+:\/\/|^git@/.test(p.repo ?? '') || !existsSync(repoDir)) return;
        if (!existsSync(join(repoDir, p.path, manifest)))
          problems.push(
            `${where(['packages', i, p.path === '.' ? 'repo' : 'path'])}: no ${manifest} in ${join(repoDir, p.path)} (${p.name}'s package directory inside repo ${p.repo ?? p.name})`,
          );
      });
      for (const n of tiers.undiscovered) {
        const i = loaded.config.packages.findIndex((p) => p.name === n);
        const p = loaded.config.packages[i]!;
        const manifest = p.ecosystem === 'python' ? 'pyproject.toml' : 'package.json';
        const dir = join(loaded.workspaceDir, p.repo ?? p.name, p.path);
        if (existsSync(join(loaded.workspaceDir, p.repo ?? p.name)) && !existsSync(join(dir, manifest))) continue;
        const stop = 'ferry release would stop with GRAPH_DRIFT';
        const said = warnings.findIndex((w) => w.startsWith(`${n}: `));
        if (said >= 0) warnings[said] = `${warnings[said]}; ${stop}`;
        else
          warnings.push(
            `${where(['packages', i, 'repo'])}: no git repo at ${dir} with a ${manifest} named ${n}; ${stop}`,
          );
      }
      // Deploy decisions that would have nothing to run: warn, not fail (they may never come up).
      if (loaded.config.deploy)
        warnings.push(...(await import('../deploy/config-warnings.js')).deployConfigWarnings(loaded.config.deploy));
      const envs = loaded.config.environments ?? {};
      for (const [name, e] of Object.entries(envs)) {
        if (name !== e.promote_from && !(e.promote_from in envs)) {
          warnings.push(
            `${where(['environments', name])}: promote_from ${JSON.stringify(e.promote_from)} names no environment under environments: (${Object.keys(envs).join(', ')}); ferry promote --env ${name} would find no staging verdict to check`,
          );
        }
      }
      for (const w of warnings) ctx.note(`warning: ${w}`);
      if (problems.length > 0) {
        const { ErrorCode, FerryError } = await import('../errors.js');
        throw new FerryError(
          ErrorCode.CONFIG_INVALID,
          `${loaded.path}: packages: do not match the dependencies in the workspace (ferry release would stop with GRAPH_DRIFT):\n  ${problems.join('\n  ')}`,
          {
            fix: `edit packages: in ${loaded.path}, then: ferry config check`,
            details: { problems, computed_tiers: tiers.computed },
          },
        );
      }
      ctx.result({ ok: true, path: loaded.path, tiers: graph.tiers, warnings });
      ctx.print(
        `${loaded.path}: ok (${plural(graph.names.length, 'package')} in ${plural(graph.tiers.length, 'tier')})`,
      );
      // A configured minimum tier can leave a level empty; say so rather than print a bare "tier 4:".
      graph.tiers.forEach((names, i) =>
        ctx.print(
          `  tier ${i + 1}: ${names.length > 0 ? names.join(', ') : '(empty: no package is configured in this tier)'}`,
        ),
      );
      // The other sections were validated too: say what they hold, so "0 packages" does not read as "nothing checked".
      const c = loaded.config;
      if (c.redeploy)
        ctx.print(
          `  redeploy: repo ${c.redeploy.repo}, runtime ${c.redeploy.runtime.kind}${c.redeploy.runtime.kind === 'docker' ? ` (${plural(c.redeploy.runtime.services.length, 'service')})` : ''}`,
        );
      if (c.deploy)
        ctx.print(
          `  deploy: ${plural(c.deploy.config_repos.length, 'config repo')}, ${plural(Object.keys(c.deploy.checks).length, 'health check')}${c.deploy.runtime ? `, runtime ${c.deploy.runtime.kind}` : ''}`,
        );
      for (const [name, e] of Object.entries(envs))
        ctx.print(`  environment ${name}: ${Object.keys(e.services).join(', ') || '(no services)'}`);
    });
}
