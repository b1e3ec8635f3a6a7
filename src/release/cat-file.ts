// One `git cat-file --batch` process per repo, kept open for the whole scan: every object a plan
// reads (manifests, version files, trees to find them, a manifest at an older commit) is one line
// in and one record out, not one process each.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ErrorCode, FerryError } from '../errors.js';

export interface GitObject {
  /** The object id. */
  oid: string;
  type: string;
  data: Buffer;
}

interface Pending {
  spec: string;
  resolve(o: GitObject | null): void;
  reject(e: Error): void;
}

export class CatFile {
  private readonly p: ChildProcessWithoutNullStreams;
  private buf: Buffer = Buffer.alloc(0);
  private readonly queue: Pending[] = [];
  private dead: Error | null = null;
  private readonly closed: Promise<void>;
  /** Requests not yet written: the specs asked in one tick go out as one write (a pipe write each is a syscall each). */
  private out = '';

  constructor(private readonly dir: string) {
    this.p = spawn('git', ['cat-file', '--batch'], {
      cwd: dir,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    });
    const err: Buffer[] = [];
    this.p.stdout.on('data', (b: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, b]) : b;
      this.drain();
    });
    this.p.stderr.on('data', (b: Buffer) => err.push(b));
    // A write after the process died surfaces as the failure below, not as an unhandled EPIPE.
    this.p.stdin.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      const fail = (why: string): void => {
        this.dead = new FerryError(ErrorCode.COMMAND_FAILED, `git cat-file --batch failed in ${dir}: ${why}`, {
          fix: `git -C ${dir} status   # check the repo is a valid clone`,
        });
        for (const q of this.queue.splice(0)) q.reject(this.dead);
      };
      this.p.on('error', (e) => {
        fail(e.message);
        resolve();
      });
      this.p.on('close', (code) => {
        if (this.queue.length) fail(`exited ${code}: ${Buffer.concat(err).toString('utf8').trim()}`);
        resolve();
      });
    });
  }

  /** The object `spec` names (`<rev>:<path>`, a sha…), or null when there is none. */
  read(spec: string): Promise<GitObject | null> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.ended) return Promise.reject(new Error(`git cat-file session for ${this.dir} read after close`));
    if (/[\n\r]/.test(spec)) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.queue.push({ spec, resolve, reject });
      if (!this.out) process.nextTick(() => this.flush());
      this.out += `${spec}\n`;
    });
  }

  private flush(): void {
    const out = this.out;
    this.out = '';
    if (out && !this.ended) this.p.stdin.write(out);
  }

  private ended = false;

  /** The text of the blob at `rev:path` (null when missing, not a blob, or binary). */
  async text(rev: string, path: string): Promise<string | null> {
    const o = await this.read(`${rev}:${path.replace(/^\.\//, '')}`);
    if (!o || o.type !== 'blob' || o.data.includes(0)) return null;
    return o.data.toString('utf8');
  }

  /** The entries of the tree at `rev:path` (`path` '' for the root), null when it is not a tree. */
  async tree(rev: string, path: string): Promise<{ name: string; dir: boolean }[] | null> {
    const o = await this.read(`${rev}:${path.replace(/^\.\/?/, '').replace(/\/+$/, '')}`);
    if (!o || o.type !== 'tree') return null;
    // Raw tree: `<mode> <name>\0<binary object id>` per entry (20 bytes for SHA-1, 32 for SHA-256).
    const idLen = this.idLength;
    const out: { name: string; dir: boolean }[] = [];
    let at = 0;
    while (at < o.data.length) {
      const sp = o.data.indexOf(32, at);
      const nul = o.data.indexOf(0, sp);
      if (sp === -1 || nul === -1) break;
      const mode = o.data.subarray(at, sp).toString('latin1');
      out.push({ name: o.data.subarray(sp + 1, nul).toString('utf8'), dir: mode === '40000' });
      at = nul + 1 + idLen;
    }
    return out;
  }

  private idLength = 20;

  /** Ends the session once the reads asked so far are answered (idempotent). */
  async close(): Promise<void> {
    if (!this.ended) {
      this.flush();
      this.ended = true;
      this.p.stdin.end();
    }
    await this.closed;
  }

  private drain(): void {
    while (this.queue.length) {
      const eol = this.buf.indexOf(10);
      if (eol === -1) return;
      const header = this.buf.subarray(0, eol).toString('utf8');
      const m = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(header);
      if (!m) {
        // `<spec> missing` / `<spec> ambiguous`: no object, nothing more to read for it.
        this.buf = this.buf.subarray(eol + 1);
        this.queue.shift()!.resolve(null);
        continue;
      }
      const size = Number(m[3]);
      if (this.buf.length < eol + 1 + size + 1) return;
      this.idLength = m[1]!.length / 2;
      const data = Buffer.from(this.buf.subarray(eol + 1, eol + 1 + size));
      this.buf = this.buf.subarray(eol + 1 + size + 1);
      this.queue.shift()!.resolve({ oid: m[1]!, type: m[2]!, data });
    }
  }
}

export interface CatFileReader {
  /** The session of the repo in `dir` (opened on first use, kept until close()). */
  session(dir: string): CatFile;
  text(dir: string, rev: string, path: string): Promise<string | null>;
  /** Ends every session (idempotent; a later read opens a new one). */
  close(): Promise<void>;
}

/**
 * Files at revisions across repos, one cat-file session per repo (opened on first use); close() ends
 * them all. The scan and the plan's rewrites share one reader, so a repo costs one session, not two.
 */
export function catFileReader(): CatFileReader {
  const sessions = new Map<string, CatFile>();
  const session = (dir: string): CatFile => {
    let s = sessions.get(dir);
    if (!s) sessions.set(dir, (s = new CatFile(dir)));
    return s;
  };
  return {
    session,
    text: (dir, rev, path) => session(dir).text(rev, path),
    async close() {
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.all(open.map((s) => s.close()));
    },
  };
}
