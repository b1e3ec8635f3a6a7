// Headless Chromium for page tests: Debian's chromium (installed by .ci/setup), driven over CDP by
// playwright-core. Never a downloaded browser build. Screenshots go to test-artifacts/<suite>/.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [process.env.FERRY_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function chromiumPath(): string {
  const found = CANDIDATES.find((p): p is string => Boolean(p) && existsSync(p!));
  if (!found) throw new Error('no chromium: run bash .ci/setup (apt-get install chromium) or set FERRY_CHROMIUM');
  return found;
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu'] });
}

/** test-artifacts/<suite>/ at the repo root (kept after the run; CI uploads or a person looks). */
export function artifactsDir(suite: string): string {
  const dir = join(fileURLToPath(new URL('../../test-artifacts/', import.meta.url)), suite);
  mkdirSync(dir, { recursive: true });
  return dir;
}
