// Which kubelet process may be believed. Any local user can start a process whose argv[0] says
// "kubelet" (`exec -a kubelet ./mine --kubeconfig=/etc/shadow`); the doctor runs as root, so a process is
// taken for the kubelet only when it runs as root AND its /proc/<pid>/exe is a root-owned regular file
// that nobody else can write, in directories nobody else can write. Nothing here executes anything.
//
// On a captured tree (--root DIR) the capture's owner stands in for root (the files were unpacked by
// whoever runs the doctor), and a capture that recorded no status/exe is accepted as unverified (its
// files are read under DIR like every other capture file; nothing of it is executed).

import { lstatSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { linkTarget, readText, resolveInRoot } from './proc-fs.js';

export interface KubeletTrust {
  trusted: boolean;
  /** Why the process is not believed (said in the kubeletConfig problems). */
  reason?: string;
  /** The binary's node path from /proc/<pid>/exe, when known. */
  exe?: string;
  /** The binary's path on the host (under the root), for reading its build info as a file. */
  exeHost?: string;
  /** Status/exe were not in the capture: accepted without verification. */
  unverified?: boolean;
}

function isLive(root: string): boolean {
  return root === '/' || root === '';
}

/** The uid that stands for root: 0 on a live node, the owner of the capture directory otherwise. */
function trustedUid(root: string): number {
  if (isLive(root)) return 0;
  try {
    return statSync(root).uid;
  } catch {
    return 0;
  }
}

/** Real uids from `Uid:\treal\teffective\tsaved\tfs` in /proc/<pid>/status, or undefined. */
export function statusUids(text: string): number[] | undefined {
  const m = /^Uid:\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/m.exec(text);
  return m ? m.slice(1, 5).map(Number) : undefined;
}

/** Whether the file at `host` and every directory above it up to the root are owned by `uid` and closed to others. */
function fileChainSafe(root: string, host: string, uid: number): string | undefined {
  let st: import('node:fs').Stats;
  try {
    st = lstatSync(host);
  } catch (e) {
    return `cannot stat the binary (${(e as NodeJS.ErrnoException).code ?? 'EIO'})`;
  }
  if (!st.isFile()) return 'the binary is not a regular file';
  if (st.uid !== uid) return `the binary is owned by uid ${st.uid}, not root`;
  if (st.mode & 0o022) return 'the binary is writable by group or others';
  const top = isLive(root) ? '/' : root.replace(/\/+$/, '') || '/';
  let dir = dirname(host);
  for (let hops = 0; hops < 256; hops++) {
    let d: import('node:fs').Stats;
    try {
      d = statSync(dir);
    } catch (e) {
      return `cannot stat ${dir} (${(e as NodeJS.ErrnoException).code ?? 'EIO'})`;
    }
    if (d.uid !== uid) return `${dir} is owned by uid ${d.uid}, not root`;
    // others may replace the binary in a directory they can write (even a sticky one: they may create a name there)
    if (d.mode & 0o002) return `${dir} is writable by others`;
    if (dir === top || dir === '/' || !dir.startsWith(top)) break;
    dir = dirname(dir);
  }
  return undefined;
}

/** Whether the process `pid` under root may be taken for the kubelet; never throws, never executes. */
export function kubeletTrust(root: string, pid: number): KubeletTrust {
  const live = isLive(root);
  const uid = trustedUid(root);
  const status = readText(root, `/proc/${pid}/status`, 65536);
  if (status.ok) {
    const uids = statusUids(status.text);
    if (!uids) return { trusted: false, reason: `${status.path} has no Uid line` };
    if (uids.some((u) => u !== 0)) return { trusted: false, reason: `process ${pid} does not run as root (Uid ${uids.join(' ')})` };
  } else if (live) return { trusted: false, reason: `cannot read ${status.path}: ${status.reason}` };

  const raw = linkTarget(root, `/proc/${pid}/exe`);
  if (raw === undefined) {
    if (live) return { trusted: false, reason: `cannot read /proc/${pid}/exe (the binary of process ${pid} is unknown)` };
    return { trusted: true, unverified: true };
  }
  if (/ \(deleted\)$/.test(raw)) return { trusted: false, exe: raw, reason: `the binary of process ${pid} was deleted or replaced since it started (${raw})` };
  if (!raw.startsWith('/')) return { trusted: false, exe: raw, reason: `/proc/${pid}/exe points to a relative path (${raw})` };
  const r = resolveInRoot(root, raw);
  if (!r.ok) {
    if (live) return { trusted: false, exe: raw, reason: `the binary of process ${pid}: ${r.reason}` };
    return { trusted: true, unverified: true, exe: raw };
  }
  const why = fileChainSafe(root, r.real, uid);
  if (why) return { trusted: false, exe: raw, reason: `process ${pid} (${raw}): ${why}` };
  return { trusted: true, exe: raw, exeHost: r.real };
}
