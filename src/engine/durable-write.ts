// Writes that survive a full disk, a read-only mount and kill -9: temp file, every byte checked
// (a short write on a full disk is an error, not a shorter file), fsync, rename, fsync the directory.
// On any failure the temp file is removed and the previous file is left exactly as it was.
//
// NOTE: write-file-atomic ignores the byte count writeSync returns, so on a filling tmpfs it renamed a
// truncated temp file over the good state (the 16 KiB STATE_CORRUPT of issue 14).
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname } from 'node:path';
import { ErrorCode, FerryError } from '../errors.js';

/** Why a write failed, in the words a user acts on. */
export function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'EROFS':
      return 'the file system is read-only';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a directory';
    case 'EISDIR':
      return 'the path is a directory';
    case 'EFBIG':
      return 'the file is too large for this file system';
    case 'SHORT_WRITE':
      return 'the disk accepted only part of the data (disk full?)';
    default:
      return code ? `${code}: ${(e as Error).message}` : String((e as Error)?.message ?? e);
  }
}

/** The STATE_WRITE_FAILED error for `path`; `fix` is the resume command when the caller knows it. */
export function writeFailed(path: string, e: unknown, fix?: string): FerryError {
  return new FerryError(
    ErrorCode.STATE_WRITE_FAILED,
    `could not write ${path}: ${ioReason(e)}; the previous state is intact`,
    {
      fix: fix ?? `free space or make ${dirname(path)} writable, then run the same command again`,
      details: { path, errno: (e as NodeJS.ErrnoException)?.code ?? null },
      cause: e,
    },
  );
}

/** Write every byte of `buf` to `fd` or throw (SHORT_WRITE when the disk stops taking bytes). */
export function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) {
    const n = writeSync(fd, buf, off, buf.length - off);
    if (n <= 0) throw Object.assign(new Error('short write'), { code: 'SHORT_WRITE' });
    off += n;
  }
}

function fsyncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

export interface DurableWriteOptions {
  mode?: number;
  /** Keep the file being replaced as `<path>.bak` (a hard link: no copy, no extra space). */
  backup?: boolean;
}

/**
 * Replace `path` with `data` atomically and durably.
 * @throws STATE_WRITE_FAILED (disk full, read-only, permission) with the previous file intact.
 */
export function writeFileDurable(path: string, data: string | Buffer, opts: DurableWriteOptions = {}): void {
  const dir = dirname(path);
  const tmp = `${dir}/.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  let fd: number | null = null;
  try {
    mkdirSync(dir, { recursive: true });
    fd = openSync(tmp, 'wx', opts.mode ?? 0o644);
    writeAll(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    if (opts.backup) keepBackup(path);
    renameSync(tmp, path);
    fsyncDir(dir);
  } catch (e) {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        /* already failing */
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
    throw writeFailed(path, e);
  }
}

/** `<path>.bak` becomes the current file (before it is replaced); nothing when there is none yet. */
function keepBackup(path: string): void {
  const bak = `${path}.bak`;
  try {
    unlinkSync(bak);
  } catch {
    /* none yet */
  }
  try {
    linkSync(path, bak);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
