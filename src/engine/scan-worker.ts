// The worker threads of a parallel journal scan (engine/parallel-scan.ts). The tail worker counts the lines
// before the split, scans the file from the split to its end from a fresh state, reports its state after
// the first line (the probe) and then everything the merge needs. The head worker scans [0, split) as a
// single-threaded scan would, gets the tail's probe from the main thread, and stops at the split when it
// holds, else reads on to the end.

import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { RecordParser } from '../journal/records.js';
import type { Rule } from '../rules/model.js';
import type { LogRecord, SourceInfo } from '../types.js';
import { compileMatcher } from './matcher.js';
import { primeLiterals } from './literals.js';
import { countLines, probeOf, splitHolds, workerScanOf, type Probe } from './parallel-merge.js';
import type { WorkerJob } from './parallel-scan.js';
import { JournalScanner } from './scan-journal.js';
import { SourceState } from './scan-state.js';

function newSource(scanner: JournalScanner, name: string): SourceState {
  const info: SourceInfo = { name, kind: 'journal', lines: 0, records: 0, bytes: 0, problems: [] };
  scanner.sources.push(info);
  return new SourceState(info, new RecordParser({ source: name, now: scanner.opts.now }));
}

/**
 * The head worker's side: [0, split) of the file as a single-threaded scan reads it; then, when the tail's
 * probe shows the split holds, stop there (the last skipped line counted), else read on to the end.
 */
async function scanHead(scanner: JournalScanner, path: string, name: string, split: number, probe: () => Promise<Probe | undefined>): Promise<{ st: SourceState; held: boolean }> {
  const st = newSource(scanner, name);
  const info = st.info;
  const ctx = scanner.fast.start(scanner.needles()!);
  info.bytes! += await scanner.fast.feedFile(path, 0, split, st, ctx);
  const p = ctx.carry === 0 && !ctx.longHead ? await probe() : undefined;
  if (p && splitHolds(scanner, st, p)) {
    if (st.pendingLine >= 0) scanner.fast.countPending(st);
    return { st, held: true };
  }
  info.bytes! += await scanner.fast.feedFile(path, split, Infinity, st, ctx);
  scanner.fast.end(st, ctx);
  info.lines = st.lineNo;
  return { st, held: false };
}

/**
 * The tail worker's side: the text journal from byte `start` (a line start) to the end, lines numbered
 * from `lineBase + 1`. `probe` is called after the first examined line.
 */
async function scanRange(scanner: JournalScanner, path: string, name: string, start: number, lineBase: number, probe: (st: SourceState, rec: LogRecord | undefined) => void): Promise<SourceState> {
  const st = newSource(scanner, name);
  const info = st.info;
  st.lineNo = lineBase;
  st.probe = (rec) => probe(st, rec);
  const ctx = scanner.fast.start(scanner.needles()!);
  info.bytes! += await scanner.fast.feedFile(path, start, Infinity, st, ctx);
  scanner.fast.end(st, ctx);
  info.lines = st.lineNo;
  return st;
}

const t0 = performance.now();
const job = workerData as WorkerJob;
const port = parentPort!;
let gotProbe!: (p: Probe | undefined) => void;
const probe = new Promise<Probe | undefined>((r) => (gotProbe = r));
port.on('message', (m: { type: string; probe?: Probe }) => {
  if (m.type === 'probe') gotProbe(m.probe);
});
// no top-level await: the single executable runs this module as CommonJS source (scripts/build-sea.mjs)
async function run(): Promise<void> {
  try {
    primeLiterals(job.literals);
    const scanner = new JournalScanner(compileMatcher(job.rules as unknown as Rule[]), { now: job.now, citeLimit: job.citeLimit });
    if (job.role === 'head') {
      const { st, held } = await scanHead(scanner, job.path, job.name, job.split, () => probe);
      port.postMessage({ type: 'done', result: { ...workerScanOf(scanner, st, performance.now() - t0), held } });
    } else {
      const lineBase = countLines(job.path, job.split);
      scanner.tracker.continueRun();
      const st = await scanRange(scanner, job.path, job.name, job.split, lineBase, (s, rec) => port.postMessage({ type: 'probe', probe: probeOf(scanner, s, rec, lineBase) }));
      port.postMessage({ type: 'done', result: workerScanOf(scanner, st, performance.now() - t0) });
    }
  } catch {
    port.postMessage({ type: 'done', result: undefined });
  }
  port.close();
}
void run();
