// Reading a node's files under a root (`/` on a live node, a captured tree with --root), one code
// path for both. Symlinks are followed *inside* the root (an absolute link target restarts at the
// root, never at the host's `/`), loops are cut after 40 hops, and nothing is sized from stat:
// proc and sysfs files report size 0, so files are read in chunks until EOF (capped).
//
// Every function returns a result or a plain-language reason naming the file; none throws.

import { AsyncLocalStorage } from 'node:async_hooks';
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the collectors looked at, for `kubelet-doctor collect` (bundle/collect.ts): the collectors own the
 * paths, and a bundle takes exactly what they read. Node paths (absolute on the node, after symlinks).
 */
export type ReadLogEntry =
  | { kind: 'file' | 'dir' | 'socket' | 'exists'; path: string }
  | { kind: 'link'; path: string; target: string }
  | { kind: 'unreadable'; path: string; reason: string };

const readLog = new AsyncLocalStorage<(e: ReadLogEntry) => void>();

/** Run `fn` with every rooted read, listing, probe and symlink hop reported to `log`. */
export function withReadLog<T>(log: (e: ReadLogEntry) => void, fn: () => Promise<T>): Promise<T> {
  return readLog.run(log, fn);
}

const logRead = (e: ReadLogEntry) => readLog.getStore()?.(e);

/** The hop limit Linux itself uses for symlink resolution (MAXSYMLINKS). */
const MAX_HOPS = 40;
/** Upper bound for one file read (config files and proc files are far smaller). */
export const MAX_READ = 4 * 1024 * 1024;

export type EntryType = 'file' | 'dir' | 'socket' | 'other';

export type Resolved = { ok: true; real: string; type: EntryType; node: string } | { ok: false; code: string; reason: string };

/** Normalise a node path to its absolute form: `proc/mounts` → `/proc/mounts`. */
export function nodePath(p: string): string {
  const parts = p.split('/').filter((x) => x !== '' && x !== '.');
  return `/${parts.join('/')}`;
}

/**
 * How a node path is shown in citations and reasons: absolute on a live node (`/proc/mounts`),
 * relative to --root for a captured tree (`proc/mounts`), as the other collectors do.
 */
export function display(root: string, p: string): string {
  const abs = nodePath(p);
  return root === '/' || root === '' ? abs : abs.slice(1) || '.';
}

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? 'EIO';
}

function describe(code: string, shown: string): string {
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return `${shown} does not exist`;
    case 'EACCES':
    case 'EPERM':
      return `${shown} is not readable (permission denied)`;
    case 'ELOOP':
      return `${shown}: too many levels of symbolic links (a symlink loop)`;
    case 'EISDIR':
      return `${shown} is a directory, not a file`;
    default:
      return `${shown}: ${code}`;
  }
}

function typeOf(st: import('node:fs').Stats): EntryType {
  if (st.isDirectory()) return 'dir';
  if (st.isSocket()) return 'socket';
  if (st.isFile()) return 'file';
  return 'other';
}

/** Resolve `p` (a node path) under `root`, following symlinks inside the root. */
export function resolveInRoot(root: string, p: string): Resolved {
  const shown = display(root, p);
  const queue = nodePath(p).split('/').filter(Boolean);
  const done: string[] = [];
  let hops = 0;
  while (queue.length) {
    const comp = queue.shift()!;
    if (comp === '.' || comp === '') continue;
    if (comp === '..') {
      done.pop();
      continue;
    }
    const cand = join(root, ...done, comp);
    let st: import('node:fs').Stats;
    try {
      st = lstatSync(cand);
    } catch (e) {
      const code = errCode(e);
      return { ok: false, code, reason: describe(code, shown) };
    }
    if (st.isSymbolicLink()) {
      if (++hops > MAX_HOPS) return { ok: false, code: 'ELOOP', reason: describe('ELOOP', shown) };
      let target: string;
      try {
        target = readlinkSync(cand);
      } catch (e) {
        const code = errCode(e);
        return { ok: false, code, reason: describe(code, shown) };
      }
      logRead({ kind: 'link', path: `/${[...done, comp].join('/')}`, target });
      if (target.startsWith('/')) done.length = 0;
      queue.unshift(...target.split('/').filter(Boolean));
      continue;
    }
    if (queue.length && !st.isDirectory()) return { ok: false, code: 'ENOTDIR', reason: describe('ENOTDIR', shown) };
    done.push(comp);
  }
  const real = join(root, ...done);
  try {
    return { ok: true, real, type: typeOf(statSync(real)), node: `/${done.join('/')}` };
  } catch (e) {
    const code = errCode(e);
    return { ok: false, code, reason: describe(code, shown) };
  }
}

export type ReadResult = { ok: true; path: string; text: string; truncated: boolean } | { ok: false; path: string; code: string; reason: string };

/** Read a text file under the root, in chunks until EOF (never sized from stat). */
export function readText(root: string, p: string, max = MAX_READ): ReadResult {
  const path = display(root, p);
  const r = resolveInRoot(root, p);
  if (!r.ok) {
    if (r.code !== 'ENOENT' && r.code !== 'ENOTDIR') logRead({ kind: 'unreadable', path: nodePath(p), reason: r.reason });
    return { ok: false, path, code: r.code, reason: r.reason };
  }
  if (r.type === 'dir') return { ok: false, path, code: 'EISDIR', reason: describe('EISDIR', path) };
  // opening a FIFO with no writer blocks forever, and a device can stream without end: regular files only
  if (r.type !== 'file') return { ok: false, path, code: 'EINVAL', reason: `${path} is not a regular file (${r.type === 'socket' ? 'a socket' : 'a FIFO or device'}); not read` };
  let fd: number;
  try {
    // non-blocking and checked on the open descriptor: a FIFO or device swapped in after the check above
    // neither blocks the open nor gets read
    fd = openSync(r.real, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      return { ok: false, path, code: 'EINVAL', reason: `${path} is not a regular file (a FIFO or device); not read` };
    }
  } catch (e) {
    const code = errCode(e);
    logRead({ kind: 'unreadable', path: r.node, reason: describe(code, path) });
    return { ok: false, path, code, reason: describe(code, path) };
  }
  const chunks: Buffer[] = [];
  let total = 0;
  let truncated = false;
  try {
    const buf = Buffer.allocUnsafe(65536);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      chunks.push(Buffer.from(buf.subarray(0, n)));
      total += n;
      if (total >= max) {
        truncated = true;
        break;
      }
    }
  } catch (e) {
    const code = errCode(e);
    return { ok: false, path, code, reason: describe(code, path) };
  } finally {
    try {
      closeSync(fd);
    } catch {
      /* ignore */
    }
  }
  const text = Buffer.concat(chunks).subarray(0, max).toString('utf8');
  logRead({ kind: 'file', path: r.node });
  return { ok: true, path, text, truncated };
}

/** What is at a node path: its type, or the reason it is not there. */
export function probe(root: string, p: string): Resolved {
  const r = resolveInRoot(root, p);
  if (r.ok) logRead({ kind: r.type === 'dir' ? 'dir' : r.type === 'socket' ? 'socket' : 'exists', path: r.node });
  return r;
}

export type ListResult = { ok: true; path: string; entries: string[] } | { ok: false; path: string; code: string; reason: string };

/** List a directory under the root (sorted). */
export function listDir(root: string, p: string): ListResult {
  const path = display(root, p);
  const r = resolveInRoot(root, p);
  if (!r.ok) return { ok: false, path, code: r.code, reason: r.reason };
  if (r.type !== 'dir') return { ok: false, path, code: 'ENOTDIR', reason: `${path} is not a directory` };
  try {
    const entries = readdirSync(r.real).sort();
    logRead({ kind: 'dir', path: r.node });
    return { ok: true, path, entries };
  } catch (e) {
    const code = errCode(e);
    return { ok: false, path, code, reason: describe(code, path) };
  }
}

/** Whether text looks like binary garbage rather than a proc/config text file. */
export function looksBinary(text: string): boolean {
  if (text.length === 0) return false;
  const sample = text.slice(0, 4096);
  let bad = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0 || c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13)) bad++;
  }
  return bad / sample.length > 0.1;
}

/** Split text into lines with their 1-based numbers (a trailing newline adds no empty line). */
export function numberedLines(text: string): { line: number; text: string }[] {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.map((t, i) => ({ line: i + 1, text: t.replace(/\r$/, '') }));
}

/** The target of a symlink at a node path (its last component is not followed), or undefined. */
export function linkTarget(root: string, p: string): string | undefined {
  const path = nodePath(p);
  const parent = path.slice(0, path.lastIndexOf('/')) || '/';
  const r = resolveInRoot(root, parent);
  if (!r.ok || r.type !== 'dir') return undefined;
  const full = join(r.real, path.slice(path.lastIndexOf('/') + 1));
  try {
    return lstatSync(full).isSymbolicLink() ? readlinkSync(full) : undefined;
  } catch {
    return undefined;
  }
}
