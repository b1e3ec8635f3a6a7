// The seed's build skill ends its output with a `=== DEPLOYMENT STATE ===` block of KEY=VALUE
// lines (MASTER_CONFIG_COMMIT, DOCKER_IMAGE_TAG, DOCKER_IMAGE_DIGEST, IMAGE_SIZE, BUILD_TIMESTAMP).
// When a rebuild runs such a command instead of the built-in build, ferry records those fields. Pure.

export interface BuildBlock {
  imageTag: string | null;
  imageDigest: string | null;
  imageSize: string | null;
  buildTimestamp: string | null;
  /** Config repo name → commit, for keys `<PREFIX>_CONFIG_COMMIT` matched to a configured repo. */
  configCommits: Record<string, string>;
}

const MARKER = /^=+\s*DEPLOYMENT STATE\s*=+$/;

export function parseDeploymentStateBlock(output: string): Record<string, string> | null {
  const lines = output.split(/\r?\n/);
  const at = lines.findIndex((l) => MARKER.test(l.trim()));
  if (at === -1) return null;
  const kv: Record<string, string> = {};
  for (const raw of lines.slice(at + 1)) {
    const line = raw.trim();
    if (!line) {
      if (Object.keys(kv).length) break;
      continue;
    }
    if (/^=+/.test(line)) break;
    const m = /^([A-Z][A-Z0-9_]*)\s*[=:]\s*(.*)$/.exec(line);
    if (m) kv[m[1]!] = m[2]!.replace(/^["']|["']$/g, '');
  }
  return kv;
}

const snake = (s: string): string => s.toUpperCase().replace(/[^A-Z0-9]+/g, '_');

/** `MASTER_CONFIG_COMMIT` → the one configured repo whose name contains MASTER (cc-master-agent-config). */
export function matchConfigKey(key: string, repoNames: readonly string[]): string | null {
  const m = /^(.+)_CONFIG_COMMIT$/.exec(key) ?? /^(.+)_COMMIT$/.exec(key);
  if (!m || key === 'CODE_COMMIT') return null;
  const prefix = m[1]!;
  const exact = repoNames.find((n) => snake(n) === prefix || snake(n) === `${prefix}_CONFIG`);
  if (exact) return exact;
  const hits = repoNames.filter((n) => `_${snake(n)}_`.includes(`_${prefix}_`));
  return hits.length === 1 ? hits[0]! : null;
}

export function readBuildBlock(output: string, repoNames: readonly string[]): BuildBlock | null {
  const kv = parseDeploymentStateBlock(output);
  if (!kv) return null;
  const configCommits: Record<string, string> = {};
  for (const [k, v] of Object.entries(kv)) {
    const repo = matchConfigKey(k, repoNames);
    if (repo && v) configCommits[repo] = v;
  }
  return {
    imageTag: kv.DOCKER_IMAGE_TAG || null,
    imageDigest: kv.DOCKER_IMAGE_DIGEST || null,
    imageSize: kv.IMAGE_SIZE || null,
    buildTimestamp: kv.BUILD_TIMESTAMP || null,
    configCommits,
  };
}
