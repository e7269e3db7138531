// Where a large journal file is split for a parallel scan (engine/parallel-scan.ts): a regular text file,
// large enough, at a plain kubelet line past the middle; and where the compiled worker module is.

import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { entryFormat } from '../journal/entries.js';
import type { JournalInput } from '../journal/read.js';
import type { JournalScanOptions } from './scan-state.js';

/** Files at least this large are split (KUBELET_DOCTOR_WORKERS=force: any size). */
export const PARALLEL_MIN_BYTES = 64 * 1024 * 1024;
/**
 * Where the split is looked for: past the middle, since the tail worker first counts the newlines before the
 * split (~0.17 s per 500 MB here) — on the 1 GB dense journal the tail finished ~0.3 s after the head at 0.5.
 */
const SPLIT_FRACTION = 0.53;

export interface ParallelPlan {
  path: string;
  name: string;
  split: number;
  /** The file's first bytes (format and binary checks, as the single-threaded scan makes them). */
  head: Buffer;
}

/** A journal input read from a regular file: its path (only such inputs are split). */
export type FileJournalInput = JournalInput & { path?: string };

function mode(opts: JournalScanOptions): string {
  return opts.workers ?? process.env.KUBELET_DOCTOR_WORKERS ?? 'auto';
}

let workerFile: URL | null | undefined;
let workerSource: string | undefined;
/**
 * The single executable has no worker file on disk: it hands the worker's bundled CommonJS source here
 * (scripts/build-sea.mjs), and workers are started from that source (`eval`).
 */
export function useEmbeddedWorker(source: string): void {
  workerSource = source;
}

/** The embedded worker source, when the single executable gave one. */
export function embeddedWorker(): string | undefined {
  return workerSource;
}

/** The compiled worker module (dist/); from the sources (vitest), the build's copy. */
export function workerUrl(): URL | undefined {
  if (workerFile === undefined) {
    workerFile = null;
    for (const rel of ['./scan-worker.js', '../../dist/src/engine/scan-worker.js']) {
      const u = new URL(rel, import.meta.url);
      if (existsSync(fileURLToPath(u))) {
        workerFile = u;
        break;
      }
    }
  }
  return workerFile ?? undefined;
}

/** Whether (and where) to split this input: a regular file, text format, large enough, a plain line near the middle. */
export function planParallel(input: JournalInput, opts: JournalScanOptions): ParallelPlan | undefined {
  const path = (input as FileJournalInput).path;
  const m = mode(opts);
  if (!path || m === 'off' || !opts.rules || (m !== 'force' && m !== 'auto')) return undefined;
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) return undefined;
    size = st.size;
  } catch {
    return undefined;
  }
  if (m !== 'force' && size < PARALLEL_MIN_BYTES) return undefined;
  if (!workerSource && !workerUrl()) return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(Math.min(4096, size));
    readSync(fd, head, 0, head.length, 0);
    if (entryFormat(head)) return undefined;
    const env = process.env.KUBELET_DOCTOR_SPLIT_AT;
    const forced = opts.splitAt ?? (env !== undefined && env !== '' ? Number(env) : undefined);
    const split = forced !== undefined ? lineStartAt(fd, size, forced) : plainLineNear(fd, size, Math.floor(size * SPLIT_FRACTION));
    if (split === undefined || split <= 0 || split >= size) return undefined;
    return { path, name: input.name, split, head };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The first line start at or after `at` (tests force split points with it). */
function lineStartAt(fd: number, size: number, at: number): number | undefined {
  if (!Number.isFinite(at) || at <= 0 || at >= size) return undefined;
  const buf = Buffer.alloc(Math.min(1 << 20, size - at + 1));
  const n = readSync(fd, buf, 0, buf.length, at - 1);
  const nl = buf.subarray(0, n).indexOf(10);
  return nl < 0 ? undefined : at + nl;
}

/** A kubelet klog I/W/E line (journal prefix, `-o cat` or json): the kind of line a split lands on well. */
const PLAIN_TEXT = /^(?:[^\s{][^\n]{0,120}?\]: )?[IWE]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ /;
const PLAIN_JSON = /"MESSAGE":"[IWE]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ /;
function plain(line: string): boolean {
  if (line.length > 4000 || line.endsWith('<') || line.endsWith('<\r')) return false;
  return line.charCodeAt(0) === 123 ? PLAIN_JSON.test(line) : PLAIN_TEXT.test(line);
}

/** A line start at or after `at` whose line and the one before it are plain kubelet lines. */
function plainLineNear(fd: number, size: number, at: number): number | undefined {
  const buf = Buffer.alloc(Math.min(1 << 20, size - at));
  const n = readSync(fd, buf, 0, buf.length, at);
  let s = buf.subarray(0, n).indexOf(10) + 1;
  if (s <= 0) return undefined;
  let prevPlain = false;
  while (s < n) {
    const nl = buf.indexOf(10, s);
    if (nl < 0 || nl >= n) return undefined;
    const isPlain = plain(buf.toString('latin1', s, nl));
    // the split goes after a plain line, before another
    if (isPlain && prevPlain) return at + s;
    prevPlain = isPlain;
    s = nl + 1;
  }
  return undefined;
}
