// The node-file view the kubelet-config and kubeconfig collectors use: a file read gives its path
// as asked, its real path on the node after symlinks (kubelet-client-current.pem → the dated file)
// and how to cite it. Resolution and reading are proc-fs.ts's (one rooted code path for all
// collectors); this module only adapts the shape. Nothing here throws.

import { posix } from 'node:path';
import { display, linkTarget, listDir, probe, readText, resolveInRoot as resolveRooted } from './proc-fs.js';

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
export const displayPath = display;

function nodePathOf(root: string, hostPath: string): string {
  const base = root.endsWith('/') ? root.slice(0, -1) : root;
  return hostPath.startsWith(base) ? posix.normalize(`/${hostPath.slice(base.length)}`) : hostPath;
}

/** Resolve `nodePath` (absolute on the node) inside `root`, following symlinks re-rooted. */
export function resolveInRoot(root: string, nodePath: string): { ok: true; realPath: string; hostPath: string } | { ok: false; reason: string; missing: boolean } {
  const r = probe(root, nodePath);
  if (!r.ok) return { ok: false, reason: r.reason, missing: r.code === 'ENOENT' || r.code === 'ENOTDIR' };
  return { ok: true, realPath: nodePathOf(root, r.real), hostPath: r.real };
}

/** Read a text file on the node (under root), following symlinks inside the root. */
export function readNodeFile(root: string, nodePath: string): NodeRead {
  const shown = display(root, nodePath);
  const r = resolveRooted(root, nodePath);
  if (!r.ok) return { ok: false, path: nodePath, display: shown, reason: r.reason, missing: r.code === 'ENOENT' || r.code === 'ENOTDIR' };
  const t = readText(root, nodePath);
  if (!t.ok) return { ok: false, path: nodePath, display: shown, reason: t.reason, missing: false };
  if (t.truncated) return { ok: false, path: nodePath, display: shown, reason: `${shown} is larger than 4 MiB; not read`, missing: false };
  return { ok: true, path: nodePath, realPath: nodePathOf(root, r.real), hostPath: r.real, display: shown, text: t.text };
}

/** Entries of a folder on the node (names only, sorted); empty when absent. */
export function listNodeDir(root: string, nodePath: string): string[] {
  const l = listDir(root, nodePath);
  return l.ok ? l.entries : [];
}

/** Whether a path exists on the node (after symlinks). */
export function nodeExists(root: string, nodePath: string): boolean {
  return probe(root, nodePath).ok;
}

/** The symlink target of `nodePath` itself, if it is a link (for citing `current -> dated` files). */
export const nodeLinkTarget = linkTarget;

/** Resolve a path given in a config file: absolute stays, relative is relative to `baseDir` (on the node). */
export function nodeResolve(baseDir: string, p: string): string {
  return p.startsWith('/') ? posix.normalize(p) : posix.normalize(posix.join(baseDir, p));
}
