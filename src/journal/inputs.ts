// Which journal a scan reads, and say why: files given (a regular file's path lets the scan split a large
// one across two threads), a pipe on stdin, or `journalctl` run on the node.

import { fstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileInput, journalctlInput, type JournalInput } from './read.js';

/** What decides the journal inputs (a scan's options). */
export interface JournalChoice {
  /** Journal files; `-` for stdin. */
  journals?: string[];
  /** Ready-made inputs (tests, follow mode). */
  inputs?: JournalInput[];
  /** A captured tree is the subject (no live journal). */
  root?: string;
  since?: string;
  boot?: string | boolean;
  /** Do not run journalctl on the node even when no journal is given. */
  noJournalctl?: boolean;
}

/** Whether stdin carries data we may read without hanging (a pipe or a redirected file). */
export function stdinIsPiped(o: { sockets?: boolean } = {}): boolean {
  try {
    const st = fstatSync(0);
    // journalctl | kubelet-doctor gives a FIFO; `< file` a file; Node's and some supervisors' pipes are sockets
    return st.isFIFO() || st.isFile() || (o.sockets !== false && st.isSocket());
  } catch {
    return false;
  }
}

/** Decide the journal inputs and say why, so the report can show it. */
export function journalInputs(o: JournalChoice): { inputs: JournalInput[]; reason?: string } {
  if (o.inputs) return { inputs: o.inputs, reason: o.inputs.length ? undefined : 'journal: none given' };
  // a regular file's path lets the scan split a large one across two threads (engine/parallel-scan.ts)
  if (o.journals?.length) return { inputs: o.journals.map((p) => (p === '-' ? fileInput(p) : { ...fileInput(p), path: p })) };
  // `journalctl … | kubelet-doctor scan --root capture/` pairs the journal with the capture; a socket on
  // stdin (a supervisor's, never closed) is not taken as a journal when a capture is the subject
  if (o.root && stdinIsPiped({ sockets: false })) return { inputs: [fileInput('-')] };
  if (o.root) return { inputs: [], reason: rootJournalReason(o.root) };
  if (stdinIsPiped()) return { inputs: [fileInput('-')] };
  if (o.noJournalctl) return { inputs: [], reason: 'journal: none given' };
  return { inputs: [journalctlInput({ since: o.since, boot: o.boot })] };
}

/** How many systemd .journal files the tree holds under var/log/journal/<machine-id>/ (names only; bounded). */
export function binaryJournalFiles(root: string): number {
  let n = 0;
  const base = join(root, 'var/log/journal');
  try {
    for (const d of readdirSync(base, { withFileTypes: true }).slice(0, 64)) {
      if (d.isFile() && d.name.endsWith('.journal')) n++;
      else if (d.isDirectory()) for (const f of readdirSync(join(base, d.name)).slice(0, 4096)) if (f.endsWith('.journal') || f.endsWith('.journal~')) n++;
    }
  } catch {
    /* no journal directory: n stays 0 */
  }
  return n;
}

/**
 * Why a --root scan has no journal. The tree's binary journal (var/log/journal, mounted in the Job and the
 * DaemonSet) is named when it is there: kubelet-doctor reads journalctl's output, not systemd's binary file
 * format, and a distroless pod has no journalctl to turn one into the other.
 */
export function rootJournalReason(root: string): string {
  const n = binaryJournalFiles(root);
  if (!n) return 'journal: none given (--root scans read no live journal; pass --journal FILE)';
  return (
    `journal: not read — ${root.replace(/\/+$/, '')}/var/log/journal holds ${n} binary .journal file${n === 1 ? '' : 's'}, which kubelet-doctor does not decode ` +
    `(it reads journalctl's output); pipe it in: journalctl -D ${root.replace(/\/+$/, '')}/var/log/journal -u kubelet -o export | kubelet-doctor scan --root ${root}`
  );
}
