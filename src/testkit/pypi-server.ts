// A local PyPI-compatible index for tests, driven by real twine and real pip-style reads:
//  - legacy upload API (POST multipart to / or /legacy/, `:action=file_upload`, Basic auth with a token)
//    with Warehouse's duplicate rules: same file again → 200 no-op, same filename other bytes → 400;
//    and its metadata rule: a `Requires-Dist` that is a direct URL (`pkg @ git+https://…`) → 400;
//  - PEP 503 HTML and PEP 691 JSON simple index at /simple/ and /simple/<normalized>/;
//  - JSON API /pypi/<name>/json and /pypi/<name>/<version>/json;  - downloads at /files/<filename>.
// Knobs: simple-index visibility lag (PyPI's JSON API shows releases before pip can see them),
// and "fail the next N requests" with 429 + Retry-After or 5xx.

import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizePythonName } from '../manifest/names.js';

export interface StoredFile {
  filename: string;
  name: string;
  version: string;
  packagetype: string;
  sha256: string;
  md5: string;
  size: number;
  uploadedAt: number;
  path: string;
}

export interface FailRule {
  status: number;
  retryAfterSec?: number;
  /** upload = POSTs, read = GETs. Default any. */
  scope?: 'upload' | 'read' | 'any';
  /** Uploads only: store the file first, then answer with the failure (a reply lost after the write). */
  afterStore?: boolean;
}

export interface PypiServer {
  /** Index root (serves /simple/, /pypi/, /files/), trailing slash. */
  url: string;
  /** Upload endpoint for twine --repository-url. */
  uploadUrl: string;
  token: string;
  /** Files appear on /simple/ only this long after upload (Infinity: never). */
  simpleLagMs: number;
  failNext(n: number, rule: FailRule): void;
  /** POSTs that named this filename (accepted, no-op or rejected). */
  uploadAttempts(filename: string): number;
  /** Uploads that stored this filename (at most 1). */
  stored(filename: string): number;
  files(): StoredFile[];
  requests: Array<{ method: string; path: string; status: number; accept?: string }>;
  stop(): Promise<void>;
}

export function normalize(name: string): string {
  return normalizePythonName(name);
}

const PEP691 = 'application/vnd.pypi.simple.v1+json';

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
  reason?: string,
): void {
  if (reason) res.statusMessage = reason;
  res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startPypiServer(opts: { token?: string; simpleLagMs?: number } = {}): Promise<PypiServer> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-pypi-'));
  await mkdir(join(dir, 'files'));
  const token =
    opts.token ?? `pypi-test-${createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 24)}`;
  const files = new Map<string, StoredFile>();
  const attempts = new Map<string, number>();
  const storedCount = new Map<string, number>();
  const failQueue: FailRule[] = [];
  const requests: PypiServer['requests'] = [];
  let base = '';

  const projectFiles = (norm: string) => [...files.values()].filter((f) => normalize(f.name) === norm);
  const fileUrl = (f: StoredFile) => `${base}files/${encodeURIComponent(f.filename)}`;
  const jsonFile = (f: StoredFile) => ({
    filename: f.filename,
    url: fileUrl(f),
    digests: { sha256: f.sha256, md5: f.md5 },
    md5_digest: f.md5,
    packagetype: f.packagetype,
    size: f.size,
    upload_time_iso_8601: new Date(f.uploadedAt).toISOString(),
    yanked: false,
  });

  async function upload(req: IncomingMessage, res: ServerResponse, lostReply?: FailRule): Promise<number> {
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Basic ')) {
      send(res, 401, 'authentication required', { 'www-authenticate': 'Basic realm="pypi"' });
      return 401;
    }
    const password = Buffer.from(auth.slice(6), 'base64').toString().split(':').slice(1).join(':');
    if (password !== token) {
      send(
        res,
        403,
        'Invalid or non-existent authentication information.',
        {},
        'Invalid or non-existent authentication information.',
      );
      return 403;
    }
    const body = await readBody(req);
    const form = await new Request('http://x/', {
      method: 'POST',
      headers: { 'content-type': req.headers['content-type'] ?? '' },
      body,
    }).formData();
    const content = form.get('content');
    const name = String(form.get('name') ?? '');
    const version = String(form.get('version') ?? '');
    if (form.get(':action') !== 'file_upload' || !(content instanceof Blob) || !name || !version) {
      send(res, 400, 'Invalid upload request.', {}, 'Invalid upload request.');
      return 400;
    }
    const filename = (content as File).name;
    attempts.set(filename, (attempts.get(filename) ?? 0) + 1);
    // Warehouse refuses a direct-URL dependency in the metadata (PEP 508 `name @ url`): an index
    // package must be installable from the index alone.
    const direct = form
      .getAll('requires_dist')
      .map(String)
      .find((r) => /^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@/.test(r));
    if (direct !== undefined) {
      const msg = `Can't have direct dependency: '${direct}'. See https://packaging.python.org/specifications/core-metadata for more information.`;
      send(res, 400, msg, {}, msg);
      return 400;
    }
    const bytes = Buffer.from(await content.arrayBuffer());
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const declared = form.get('sha256_digest');
    if (typeof declared === 'string' && declared && declared !== sha256) {
      send(
        res,
        400,
        'The digest supplied does not match a digest calculated from the uploaded file.',
        {},
        'Digest mismatch.',
      );
      return 400;
    }
    const existing = files.get(filename);
    if (existing) {
      // Warehouse: the identical file again is a no-op 200; other bytes under the same name are refused.
      if (existing.sha256 === sha256) {
        send(res, 200, 'OK');
        return 200;
      }
      const msg = `File already exists ('${filename}', with sha256 hash '${sha256}'). See https://pypi.org/help/#file-name-reuse for more information.`;
      send(res, 400, msg, {}, msg);
      return 400;
    }
    const path = join(dir, 'files', filename);
    await writeFile(path, bytes);
    files.set(filename, {
      filename,
      name,
      version,
      packagetype: String(form.get('filetype') ?? ''),
      sha256,
      md5: createHash('md5').update(bytes).digest('hex'),
      size: bytes.length,
      uploadedAt: Date.now(),
      path,
    });
    storedCount.set(filename, (storedCount.get(filename) ?? 0) + 1);
    if (lostReply) {
      send(
        res,
        lostReply.status,
        `simulated ${lostReply.status} after storing`,
        lostReply.retryAfterSec === undefined ? {} : { 'retry-after': String(lostReply.retryAfterSec) },
      );
      return lostReply.status;
    }
    send(res, 200, 'OK');
    return 200;
  }

  function simple(req: IncomingMessage, res: ServerResponse, project: string | undefined, wantJson: boolean): number {
    if (project === undefined) {
      const names = [...new Set([...files.values()].map((f) => f.name))];
      if (wantJson)
        send(res, 200, JSON.stringify({ meta: { 'api-version': '1.1' }, projects: names.map((name) => ({ name })) }), {
          'content-type': PEP691,
        });
      else
        send(
          res,
          200,
          `<!DOCTYPE html><html><body>${names.map((n) => `<a href="/simple/${normalize(n)}/">${n}</a>`).join('\n')}</body></html>`,
          { 'content-type': 'text/html' },
        );
      return 200;
    }
    const norm = normalize(project);
    if (norm !== project) {
      send(res, 301, '', { location: `/simple/${norm}/` });
      return 301;
    }
    const now = Date.now();
    const visible = projectFiles(norm).filter((f) => f.uploadedAt + server.simpleLagMs <= now);
    if (visible.length === 0) {
      send(res, 404, 'Not Found');
      return 404;
    }
    if (wantJson) {
      const doc = {
        meta: { 'api-version': '1.1' },
        name: norm,
        versions: [...new Set(visible.map((f) => f.version))],
        files: visible.map((f) => ({
          filename: f.filename,
          url: fileUrl(f),
          hashes: { sha256: f.sha256 },
          'requires-python': null,
          size: f.size,
          'upload-time': new Date(f.uploadedAt).toISOString(),
          yanked: false,
        })),
      };
      send(res, 200, JSON.stringify(doc), { 'content-type': PEP691 });
    } else {
      const links = visible.map((f) => `<a href="${fileUrl(f)}#sha256=${f.sha256}">${f.filename}</a><br/>`).join('\n');
      send(
        res,
        200,
        `<!DOCTYPE html><html><head><meta name="pypi:repository-version" content="1.1"><title>Links for ${norm}</title></head><body><h1>Links for ${norm}</h1>\n${links}\n</body></html>`,
        {
          'content-type': 'application/vnd.pypi.simple.v1+html',
        },
      );
    }
    return 200;
  }

  function jsonApi(res: ServerResponse, project: string, version: string | undefined): number {
    const all = projectFiles(normalize(project));
    if (all.length === 0) {
      send(res, 404, JSON.stringify({ message: 'Not Found' }), { 'content-type': 'application/json' });
      return 404;
    }
    const versions = [...new Set(all.map((f) => f.version))];
    const latest = versions[versions.length - 1] ?? '';
    const shown = version ?? latest;
    const urls = all.filter((f) => f.version === shown);
    if (urls.length === 0) {
      send(res, 404, JSON.stringify({ message: 'Not Found' }), { 'content-type': 'application/json' });
      return 404;
    }
    const doc: Record<string, unknown> = {
      info: { name: all[0]?.name, version: shown },
      urls: urls.map(jsonFile),
      last_serial: files.size,
    };
    if (!version)
      doc.releases = Object.fromEntries(versions.map((v) => [v, all.filter((f) => f.version === v).map(jsonFile)]));
    send(res, 200, JSON.stringify(doc), { 'content-type': 'application/json' });
    return 200;
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const u = new URL(req.url ?? '/', 'http://localhost');
    const path = decodeURIComponent(u.pathname);
    const isUpload = req.method === 'POST';
    const rule = failQueue[0];
    if (rule?.afterStore && isUpload) {
      failQueue.shift();
      const stored = await upload(req, res, rule);
      return stored;
    }
    if (rule && !rule.afterStore && (rule.scope ?? 'any') !== (isUpload ? 'read' : 'upload')) {
      failQueue.shift();
      if (isUpload) await readBody(req);
      send(
        res,
        rule.status,
        `simulated ${rule.status}`,
        rule.retryAfterSec === undefined ? {} : { 'retry-after': String(rule.retryAfterSec) },
      );
      return rule.status;
    }
    if (isUpload && (path === '/' || path === '/legacy/' || path === '/legacy')) return upload(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'Method Not Allowed');
      return 405;
    }
    const wantJson = (req.headers.accept ?? '').includes(PEP691) || u.searchParams.get('format') === PEP691;
    let m: RegExpExecArray | null;
    if (path === '/simple/' || path === '/simple') return simple(req, res, undefined, wantJson);
    if ((m = /^\/simple\/([^/]+)\/?$/.exec(path))) return simple(req, res, m[1], wantJson);
    if ((m = /^\/pypi\/([^/]+)\/json$/.exec(path))) return jsonApi(res, m[1] ?? '', undefined);
    if ((m = /^\/pypi\/([^/]+)\/([^/]+)\/json$/.exec(path))) return jsonApi(res, m[1] ?? '', m[2]);
    if ((m = /^\/files\/([^/]+)$/.exec(path))) {
      const f = files.get(m[1] ?? '');
      if (!f) {
        send(res, 404, 'Not Found');
        return 404;
      }
      send(res, 200, await readFile(f.path), { 'content-type': 'application/octet-stream' });
      return 200;
    }
    send(res, 404, 'Not Found');
    return 404;
  }

  const http = createServer((req, res) => {
    route(req, res).then(
      (status) => requests.push({ method: req.method ?? '', path: req.url ?? '', status, accept: req.headers.accept }),
      (e: unknown) => {
        requests.push({ method: req.method ?? '', path: req.url ?? '', status: 500 });
        if (!res.headersSent) send(res, 500, String(e));
      },
    );
  });
  await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
  const addr = http.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;

  const server: PypiServer = {
    url: base,
    uploadUrl: `${base}legacy/`,
    token,
    simpleLagMs: opts.simpleLagMs ?? 0,
    failNext: (n, rule) => {
      for (let i = 0; i < n; i++) failQueue.push(rule);
    },
    uploadAttempts: (f) => attempts.get(f) ?? 0,
    stored: (f) => storedCount.get(f) ?? 0,
    files: () => [...files.values()],
    requests,
    stop: async () => {
      http.closeAllConnections();
      await new Promise<void>((ok) => http.close(() => ok()));
      await rm(dir, { recursive: true, force: true });
    },
  };
  return server;
}
