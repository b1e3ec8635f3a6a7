// `ferry completion bash|zsh|fish` prints a completion script; the hidden `ferry __complete -- <words>`
// answers it on every Tab (commands, flags, package and service names from ferry.yaml, run ids).
import type { Command } from 'commander';
import type { CliContext } from './context.js';

/** How to install each script (`ferry completion --help`; the README says the same). */
const INSTALL_LINES = `
Install (once, then open a new shell):
  bash  ferry completion bash > ~/.local/share/bash-completion/completions/ferry
        or add to ~/.bashrc:  source <(ferry completion bash)
  zsh   ferry completion zsh > "\${fpath[1]}/_ferry"
        or add to ~/.zshrc after compinit:  source <(ferry completion zsh)
  fish  ferry completion fish > ~/.config/fish/completions/ferry.fish

Completes commands, flags, package names (ferry.yaml), services and environments, run ids (--resume,
runs show), error codes (explain) and file names (--config).`;

export function register(program: Command, ctx: CliContext): void {
  program
    .command('completion <shell>')
    .description('print the shell completion script (bash, zsh or fish): commands, flags, packages, services, run ids')
    .addHelpText('after', INSTALL_LINES)
    .action(async (shell: string) => {
      const { COMPLETION_SCRIPTS } = await import('./completion-scripts.js');
      const script = COMPLETION_SCRIPTS[shell];
      if (!script) {
        const { ErrorCode, FerryError } = await import('../errors.js');
        throw new FerryError(ErrorCode.USAGE, `no completion for shell ${JSON.stringify(shell)}`, {
          fix: 'ferry completion bash   # or zsh, fish',
        });
      }
      // Under --json stdout carries only JSON: the script as a string (schema/completion.schema.json).
      if (ctx.globals().json) ctx.result({ shell, script });
      else process.stdout.write(script);
    });

  program
    .command('__complete', { hidden: true })
    .argument('[words...]')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (words: string[]) => {
      const { complete } = await import('./complete.js');
      const { ErrorCode } = await import('../errors.js');
      // Completion must never print an error into the user's prompt: anything unreadable offers nothing.
      const safe = async (f: () => Promise<string[]>): Promise<string[]> => f().catch(() => []);
      const config = () => ctx.config().then((l) => l.config);
      const candidates = await complete(program, words.length ? words : [''], {
        packages: () => safe(async () => (await config()).packages.map((p) => p.name)),
        environments: () => safe(async () => Object.keys((await config()).environments ?? {})),
        services: () =>
          safe(async () => Object.values((await config()).environments ?? {}).flatMap((e) => Object.keys(e.services))),
        runIds: () =>
          safe(async () => {
            const { listRuns } = await import('../engine/history.js');
            return (await listRuns(await ctx.home())).map((r) => r.run_id);
          }),
        errorCodes: () => Object.values(ErrorCode),
      });
      process.stdout.write(candidates.map((c) => c + '\n').join(''));
    });
}
