// Filesystem access for node-state collectors: every path is a path *on the node* (`/etc/...`) and
// is read under the scan root. Symlinks are resolved inside the root (an absolute link target such as
// `kubelet-client-current.pem -> /var/lib/kubelet/pki/kubelet-client-2026-01-01.pem` is re-rooted), so
// a captured tree behaves like the live node. Nothing here throws: failures come back as reasons.

import { lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { join } from 'node:path';

const MAX_LINKS = 40; // the kernel's limit (ELOOP) as well
const MAX_BYTES = 4 * 1024 * 1024;

export interface NodeFile {
  ok: true;
  /** Path on the node as asked for. */
  path: string;
  /** Path on the node after following symlinks (differs from `path` for links). */
  realPath: string;
  /** Path on the host filesystem (under the scan root). */
  hostPath: string;
  /** How to show the file in citations: relative to --root for captured trees, absolute on a live node. */
  display: string;
  text: string;
}

export type NodeRead = NodeFile | { ok: false; path: string; display: string; reason: string; missing: boolean };

/** How to show a node path in citations. */
export function displayPath(root: string, nodePath: string): string {
  const p = posix.normalize(nodePath.startsWith('/') ? nodePath : `/${nodePath}`);
  return root === '/' || root === '' ? p : p.slice(1);
}

/** Resolve `nodePath` (absolute on the node) inside `root`, following symlinks re-rooted. */
export function resolveInRoot(root: string, nodePath: string): { ok: true; realPath: string; hostPath: string } | { ok: false; reason: string; missing: boolean } {
  const parts = posix.normalize(nodePath.startsWith('/') ? nodePath : `/${nodePath}`).split('/').filter(Boolean);
  let cur = '/';
  let hops = 0;
  const queue = [...parts];
  while (queue.length) {
    const part = queue.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      cur = posix.dirname(cur);
      continue;
    }
    const next = posix.join(cur, part);
    const host = join(root, next);
    let st;
    try {
      st = lstatSync(host);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return { ok: false, missing: code === 'ENOENT' || code === 'ENOTDIR', reason: code === 'ENOENT' ? `${next} does not exist` : `${next}: ${(e as Error).message}` };
    }
    if (st.isSymbolicLink()) {
      if (++hops > MAX_LINKS) return { ok: false, missing: false, reason: `${nodePath}: too many levels of symbolic links (symlink loop near ${next})` };
      let target: string;
      try {
        target = readlinkSync(host);
      } catch (e) {
        return { ok: false, missing: false, reason: `${next}: cannot read symlink: ${(e as Error).message}` };
      }
      // absolute targets are re-rooted; relative ones are relative to the link's folder
      const base = target.startsWith('/') ? '/' : cur;
      queue.unshift(...posix.normalize(posix.join(base, target)).split('/').filter(Boolean));
      cur = '/'; // the queue now holds the full path of the target from /
      continue;
    }
    cur = next;
  }
  return { ok: true, realPath: cur, hostPath: join(root, cur) };
}

/** Read a text file on the node (under root), following symlinks inside the root. */
export function readNodeFile(root: string, nodePath: string): NodeRead {
  const display = displayPath(root, nodePath);
  const r = resolveInRoot(root, nodePath);
  if (!r.ok) return { ok: false, path: nodePath, display, reason: r.reason, missing: r.missing };
  try {
    const st = statSync(r.hostPath);
    if (st.isDirectory()) return { ok: false, path: nodePath, display, reason: `${nodePath} is a directory`, missing: false };
    // /proc and /sys report size 0: never size buffers from stat, just cap what we accept
    const buf = readFileSync(r.hostPath);
    if (buf.length > MAX_BYTES) return { ok: false, path: nodePath, display, reason: `${nodePath} is larger than ${MAX_BYTES} bytes`, missing: false };
    return { ok: true, path: nodePath, realPath: r.realPath, hostPath: r.hostPath, display, text: buf.toString('utf8') };
  } catch (e) {
    return { ok: false, path: nodePath, display, reason: `${nodePath}: ${(e as Error).message}`, missing: false };
  }
}

/** Entries of a folder on the node (names only, sorted); empty when absent. */
export function listNodeDir(root: string, nodePath: string): string[] {
  const r = resolveInRoot(root, nodePath);
  if (!r.ok) return [];
  try {
    return readdirSync(r.hostPath).sort();
  } catch {
    return [];
  }
}

/** Whether a path exists on the node (after symlinks). */
export function nodeExists(root: string, nodePath: string): boolean {
  return resolveInRoot(root, nodePath).ok;
}

/** The symlink target of `nodePath` itself, if it is a link (for citing `current -> dated` files). */
export function nodeLinkTarget(root: string, nodePath: string): string | undefined {
  const dir = resolveInRoot(root, posix.dirname(nodePath));
  if (!dir.ok) return undefined;
  const host = join(dir.hostPath, posix.basename(nodePath));
  try {
    if (lstatSync(host).isSymbolicLink()) return readlinkSync(host);
  } catch {
    /* not a link */
  }
  return undefined;
}

/** Resolve a path given in a config file: absolute stays, relative is relative to `baseDir` (on the node). */
export function nodeResolve(baseDir: string, p: string): string {
  return p.startsWith('/') ? posix.normalize(p) : posix.normalize(posix.join(baseDir, p));
}
