// Shell completion candidates, computed from the commander tree itself (so a new command or flag completes
// without touching this file) plus what the workspace knows: package and service names from ferry.yaml,
// run ids from the state directory. The shell scripts (completion-scripts.ts) ask `ferry __complete`.
import type { Command, Option } from 'commander';

/** Told to the shell instead of candidates: complete a file name here. */
export const FILES = ':files';

/** What the workspace offers; each returns [] when it cannot tell (no ferry.yaml, no runs). */
export interface CompletionSources {
  packages(): Promise<string[]>;
  environments(): Promise<string[]>;
  services(): Promise<string[]>;
  runIds(): Promise<string[]>;
  errorCodes(): string[];
}

const SHELLS = ['bash', 'zsh', 'fish'];

/** Option values by long flag name: a source, a fixed list, or a file name. */
function optionValues(opt: Option, src: CompletionSources): Promise<string[]> | string[] {
  if (opt.argChoices?.length) return opt.argChoices;
  switch (opt.long) {
    case '--resume':
    case '--run-id':
    case '--versions-from':
      return src.runIds();
    case '--env':
      return src.environments();
    case '--bump':
      return ['major', 'minor', 'patch'];
    case '--range-pins':
      return ['exact', 'floor'];
    case '--config':
    case '--state-dir':
    case '--dir':
    case '--dockerfile':
    case '--allow':
      return [FILES];
    default:
      return [];
  }
}

/** Positional argument values by the argument's name in `.command('stage <service>')`. */
function argumentValues(name: string, cmd: Command, src: CompletionSources): Promise<string[]> | string[] {
  switch (name) {
    case 'packages':
      return src.packages();
    case 'service':
      return src.services();
    case 'run_id':
      return src.runIds();
    case 'code':
      return src.errorCodes();
    case 'shell':
      return SHELLS;
    case 'command':
      return visibleCommands(cmd.parent ?? cmd);
    default:
      return [];
  }
}

function visibleCommands(cmd: Command): string[] {
  return cmd
    .createHelp()
    .visibleCommands(cmd)
    .map((c) => c.name());
}

/** The options a word may be at this point: the command's own, then every ancestor's (global flags). */
function visibleOptions(cmd: Command): Option[] {
  const out: Option[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) out.push(...c.createHelp().visibleOptions(c));
  return out;
}

function findOption(cmd: Command, word: string): Option | undefined {
  const flag = word.split('=')[0];
  for (let c: Command | null = cmd; c; c = c.parent) {
    const o = c.options.find((x) => x.long === flag || x.short === flag);
    if (o) return o;
  }
  return undefined;
}

/**
 * Candidates for the last of `words` (the word being typed, possibly empty); the words before it are the
 * command line after `ferry`. Returns only candidates that start with the typed prefix, or [FILES].
 */
export async function complete(program: Command, words: readonly string[], src: CompletionSources): Promise<string[]> {
  const cur = words.at(-1) ?? '';
  let cmd = program;
  let positional = 0;
  let valueOf: Option | null = null;
  let operandsOnly = false;
  for (const w of words.slice(0, -1)) {
    if (valueOf) {
      valueOf = null;
      continue;
    }
    if (w === '--') {
      operandsOnly = true;
      continue;
    }
    if (!operandsOnly && w.startsWith('-') && w !== '-') {
      const opt = findOption(cmd, w);
      if (opt && (opt.required || opt.optional) && !w.includes('=')) valueOf = opt;
      continue;
    }
    const sub = positional === 0 ? cmd.commands.find((c) => c.name() === w || c.aliases().includes(w)) : undefined;
    if (sub) cmd = sub;
    else positional++;
  }
  let values: string[];
  if (valueOf) values = await optionValues(valueOf, src);
  else if (cur.startsWith('-') && !operandsOnly)
    values = visibleOptions(cmd).flatMap((o) => [o.long ?? o.short ?? ''].filter(Boolean));
  else if (positional === 0 && cmd.commands.length > 0) values = visibleCommands(cmd);
  else {
    const args = cmd.registeredArguments;
    const last = args.at(-1);
    const arg = positional < args.length ? args[positional] : last?.variadic ? last : undefined;
    values = arg ? await argumentValues(arg.name(), cmd, src) : [];
  }
  if (values.length === 1 && values[0] === FILES) return values;
  return [...new Set(values)].filter((v) => v.startsWith(cur));
}
