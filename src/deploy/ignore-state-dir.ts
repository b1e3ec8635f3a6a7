// `ferry deploy` creates `.ferry/` (run state, last-deploy record) in the user's repo; when it
// does, git-ignore it the way `ferry init` does, unless git already ignores it.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { addFerryIgnore } from '../config/init.js';
import type { Exec } from '../util/process.js';

export interface IgnoreEdit {
  gitignore: string;
  entry: string;
}

/**
 * For each existing `.ferry` dir inside a git work tree that git does not ignore yet, add
 * `.ferry/` to the .gitignore beside it. Dirs with another name (a custom --state-dir) and dirs
 * outside a repo are left alone. Returns the edits made.
 */
export async function ignoreStateDirs(exec: Exec, dirs: readonly string[]): Promise<IgnoreEdit[]> {
  const edits: IgnoreEdit[] = [];
  for (const dir of dirs) {
    if (basename(dir) !== '.ferry' || !existsSync(dir)) continue;
    const parent = dirname(dir);
    // 0: ignored already (any .gitignore, info/exclude, global excludes); 1: not ignored; 128: not a repo.
    const r = await exec('git', ['-C', parent, 'check-ignore', '-q', '--', '.ferry/'], { reject: false });
    if (r.exitCode !== 1) continue;
    const gitignore = join(parent, '.gitignore');
    const before = existsSync(gitignore) ? await readFile(gitignore, 'utf8') : null;
    const after = addFerryIgnore(before);
    if (after === null) continue;
    await writeFile(gitignore, after);
    edits.push({ gitignore, entry: '.ferry/' });
  }
  return edits;
}
