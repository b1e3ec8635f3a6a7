// The generated corpus of hostile inputs (issue 14): flag values, config values and whole config files
// with spaces, quotes, `;`, `$()`, backticks, newlines, `..`, huge values, non-UTF-8 bytes and YAML
// bombs. Each case is argv for the CLI plus, optionally, the text of the ferry.yaml it runs against.
import { stringify } from 'yaml';

export interface BadCase {
  name: string;
  args: string[];
  /** A ferry.yaml to write for this case (string or raw bytes); absent: the good one. */
  config?: string | Buffer;
}

/** Strings no field should trust. PWNED marks a command injection: the harness looks for the file. */
export const NASTY: readonly string[] = [
  '',
  ' ',
  'a b',
  '"',
  "'",
  'x;touch PWNED',
  '$(touch PWNED)',
  '`touch PWNED`',
  'x\ny',
  '..',
  '../../etc/passwd',
  'A'.repeat(20_000),
  '-',
  '--help',
  '%s%n%x',
  '{run_id}{unknown}',
  'ü/ß',
  '🚢',
  '1e309',
  '-1',
  'NaN',
  'a..b',
  '/abs/path',
  'x\ty',
  '\u202egnp.exe',
  'refs/heads/main',
  '@{-1}',
  'x.lock',
];

const BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]',
  'version: 1',
].join('\n');

export function badCases(base: Record<string, unknown>): BadCase[] {
  const cases: BadCase[] = [];
  const dry = ['release', '--dry-run'];
  for (const [i, v] of NASTY.entries()) {
    cases.push({ name: `--bump #${i}`, args: [...dry, '--bump', v] });
    cases.push({ name: `--run-id #${i}`, args: [...dry, '--run-id', v] });
    cases.push({ name: `--resume #${i}`, args: [...dry, '--resume', v] });
    cases.push({ name: `--gate-attestation #${i}`, args: [...dry, '--gate-attestation', v] });
    cases.push({ name: `--registry-timeout-minutes #${i}`, args: [...dry, '--registry-timeout-minutes', v] });
    cases.push({ name: `package name #${i}`, args: [...dry, v] });
    const release = (base.release ?? {}) as Record<string, unknown>;
    for (const key of ['tag', 'branch', 'commit_message'] as const) {
      cases.push({
        name: `release.${key} #${i}`,
        args: ['config', 'check'],
        config: stringify({ ...base, release: { ...release, [key]: v } }),
      });
    }
    const pkgs = base.packages as Record<string, unknown>[];
    cases.push({
      name: `packages[0].name #${i}`,
      args: ['config', 'check'],
      config: stringify({ ...base, packages: [{ ...pkgs[0], name: v }, ...pkgs.slice(1)] }),
    });
  }
  const whole: Array<[string, string | Buffer]> = [
    ['YAML alias bomb', BOMB],
    ['undefined alias', 'version: 1\npackages: *nothing\n'],
    ['non-UTF-8 bytes', Buffer.from([0x76, 0x65, 0x72, 0x3a, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0x0a])],
    ['tabs', 'version: 1\n\tpackages: []\n'],
    ['empty', ''],
    ['a list', '- 1\n- 2\n'],
    ['huge value', `version: 1\nworkspace: ${'x'.repeat(2_000_000)}\n`],
    ['deep nesting', `version: 1\nx: ${'['.repeat(5000)}${']'.repeat(5000)}\n`],
    ['env_files a directory', stringify({ ...base, env_files: ['/tmp'] })],
    ['env_files /dev/zero', stringify({ ...base, env_files: ['/dev/zero'] })],
    ['env_files missing', stringify({ ...base, env_files: ['/nonexistent/.env'] })],
    ['workspace /dev/null', stringify({ ...base, workspace: '/dev/null' })],
    ['version 2', stringify({ ...base, version: 2 })],
    ['duplicate keys', 'version: 1\nversion: 1\n'],
  ];
  for (const [name, config] of whole) {
    cases.push({ name, args: ['config', 'check'], config });
    cases.push({ name: `${name} (dry run)`, args: [...dry], config });
  }
  for (const v of ['/dev/null', '/dev/zero', '/etc/passwd', '/proc/self', '']) {
    cases.push({ name: `--state-dir ${v}`, args: ['--state-dir', v, ...dry] });
    cases.push({ name: `--config ${v}`, args: ['--config', v, 'config', 'check'] });
  }
  return cases;
}
