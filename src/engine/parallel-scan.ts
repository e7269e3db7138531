// Large journal files on two cores: the file is split at a line boundary near the middle; a worker thread
// (engine/scan-worker.ts) scans the second part from a fresh state while this thread scans the first, and
// the worker's result is merged — only when the state this thread reached at the split is one that the
// worker's fresh start reproduces exactly (splitHolds). Otherwise the worker is stopped and this thread
// reads on from the split as the single-threaded scan does: the answer is the same either way.
//
// Why a fresh start can be exact: the split line is chosen to start a plain kubelet klog record (I/W/E,
// with the PID) and the state is checked at that line. After such a line the parser's state is a function
// of the line itself (no continuation pending: `idle`), plus its format, year inference and boot id, which
// are compared. The run tracker continues the same run (same PID, open, same source): the worker's first
// run is merged into this thread's last one (RunTracker.continueRun/absorb). The fast path's skip state is
// compared byte for byte (the signature of the current kubelet process's prefix), so the worker skips and
// examines exactly the lines the single-threaded scan does — save the split line itself (the worker examines
// it; it holds no literal, so nothing is matched, and it is checked not to be cut short) and the last
// skipped line before the split (counted only: the split line's record overwrites what examining it would
// set — the run's end line, last time, the parser's last record — its month equals the split line's, and it
// is checked not to be cut short). Hit collectors merge exactly: counts add, first samples then the
// worker's, last-wins captures/latest/lastTime, first-wins firstTime, distinct keys in order.

import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { FastPath } from './fast-path.js';
import { mergeWorkerScan, restoreHead, splitHolds, type Probe, type WorkerScan } from './parallel-merge.js';
import { embeddedWorker, workerUrl, type ParallelPlan } from './parallel-plan.js';
import type { JournalScanOptions, ParallelNote, RuleSpec, ScanState, SourceState } from './scan-state.js';
import { literalTable } from './literals.js';

// the old import paths of the split's pieces (engine/parallel-plan.ts, engine/parallel-merge.ts)
export { countLines, mergeWorkerScan, probeOf, restoreHead, splitHolds, workerScanOf, type Probe, type WorkerScan } from './parallel-merge.js';
export { PARALLEL_MIN_BYTES, planParallel, useEmbeddedWorker, workerUrl, type FileJournalInput, type ParallelPlan } from './parallel-plan.js';
export { sigKey } from './line-skip.js';
export type { RuleSpec } from './scan-state.js';

/**
 * The workers' young generation (MB): V8's default lets each heap's semi-spaces grow to 16 MB, and two heaps
 * that size break the 150 MB peak-RSS budget on a 1 GB journal. 6 MB (2 MB semi-spaces): a dense 1 GB
 * journal took 8 % less CPU than with 3 MB, for ~6 MB more peak RSS; 8 MB and more gained nothing further.
 */
const WORKER_YOUNG_MB = 6;
/**
 * And a bounded old generation: V8 then collects it well before its default growth (the 1 GB dense journal's
 * peak RSS fell from 124–160 MB to ~113 MB at the same speed). A worker's live data is the scan's bounded
 * aggregates (a few MB); should a pathological journal (many cited 64 KiB lines with 40 continuation lines
 * each, `check`'s raised citation limit) exceed it, the worker stops with ERR_WORKER_OUT_OF_MEMORY and this
 * thread scans the file alone — slower, same answer.
 */
const WORKER_OLD_MB = 64;

export interface WorkerJob {
  /** head: [0, split) and, when the split does not hold, the rest; tail: [split, end) from a fresh state */
  role: 'head' | 'tail';
  path: string;
  name: string;
  split: number;
  rules: RuleSpec[];
  /** The main thread's required literals by pattern source: the worker parses no pattern itself. */
  literals: Record<string, string[] | null>;
  now: Date;
  citeLimit?: number;
}

export interface WorkerHandle {
  probe: Promise<Probe | undefined>;
  result: Promise<WorkerScan | undefined>;
  send(message: unknown): void;
  stop(): void;
}

export function startWorker(plan: ParallelPlan, opts: JournalScanOptions, role: WorkerJob['role']): WorkerHandle {
  const rules: RuleSpec[] = (opts.rules ?? []).map((r) => ({ id: r.id, fatal: r.fatal, match: { journal: r.match?.journal } }));
  const job: WorkerJob = { role, path: plan.path, name: plan.name, split: plan.split, rules, literals: literalTable(), now: opts.now, citeLimit: opts.citeLimit };
  let resolveProbe!: (p: Probe | undefined) => void;
  let resolveResult!: (r: WorkerScan | undefined) => void;
  const probe = new Promise<Probe | undefined>((r) => (resolveProbe = r));
  const result = new Promise<WorkerScan | undefined>((r) => (resolveResult = r));
  const end = () => {
    resolveProbe(undefined);
    resolveResult(undefined);
  };
  let worker: Worker;
  try {
    // a small young generation: two heaps' semi-spaces would otherwise take ~30 MB more (peak RSS)
    const source = embeddedWorker();
    worker = new Worker(source ?? workerUrl()!, { eval: source !== undefined, workerData: job, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB, maxOldGenerationSizeMb: WORKER_OLD_MB } });
  } catch {
    end();
    return { probe, result, send() {}, stop() {} };
  }
  worker.on('message', (m: { type: string; probe?: Probe; result?: WorkerScan }) => {
    if (m.type === 'probe') resolveProbe(m.probe);
    else if (m.type === 'done') {
      resolveProbe(undefined);
      resolveResult(m.result);
    }
  });
  worker.on('error', end);
  worker.on('exit', end);
  let stopped = false;
  return {
    probe,
    result,
    send(message) {
      if (!stopped) worker.postMessage(message);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      end();
      void worker.terminate();
    },
  };
}

/** The scanner as the parallel split drives it: its aggregates, its fast path, its notes on splits. */
export interface ParallelHost extends ScanState {
  readonly fast: FastPath;
  readonly parallel: ParallelNote[];
  /** Nothing read yet: no records, runs, facts or hits (the first input). */
  fresh(): boolean;
}

/**
 * A large regular file in two halves: a worker thread scans [split, end) from a fresh state (its first line
 * starts a plain kubelet record), this thread [0, split). When this thread's state at the split is one the
 * worker's fresh start reproduces exactly (parallel-merge.ts: splitHolds), the worker's result is merged;
 * otherwise the worker is stopped and this thread reads on from the split, as a single-threaded scan
 * would. Returns the source's format when the worker's result was merged.
 */
export async function scanParallel(host: ParallelHost, plan: ParallelPlan, st: SourceState, literals: string[]): Promise<string | undefined> {
  if (host.fresh()) return scanTwoWorkers(host, plan, st, literals);
  const info = st.info;
  const worker = startWorker(plan, host.opts, 'tail');
  const t0 = performance.now();
  const note: ParallelNote = { source: info.name, split: plan.split, merged: false };
  host.parallel.push(note);
  try {
    const ctx = host.fast.start(literals);
    info.bytes! += await host.fast.feedFile(plan.path, 0, plan.split, st, ctx);
    note.ms = { main: performance.now() - t0 };
    const probe: Probe | undefined = ctx.carry === 0 && !ctx.longHead ? await worker.probe : undefined;
    if (probe && splitHolds(host, st, probe)) {
      const res: WorkerScan | undefined = await worker.result;
      if (res) {
        // the last skipped line before the split: counted, as the worker's first record overwrites what examining it would set
        if (st.pendingLine >= 0) host.fast.countPending(st);
        mergeWorkerScan(host, st, res);
        note.merged = true;
        note.ms.worker = res.ms;
        return res.format;
      }
    }
    worker.stop();
    info.bytes! += await host.fast.feedFile(plan.path, plan.split, Infinity, st, ctx);
    host.fast.end(st, ctx);
    return undefined;
  } finally {
    worker.stop();
  }
}

/**
 * The first input, split: both halves in worker threads (each with a small young generation — this thread's
 * heap would otherwise grow as in a single-threaded scan, and two heaps that size exceed the memory budget).
 * The head worker scans [0, split) exactly as this thread would, checks the tail worker's probe
 * (splitHolds) and either stops there or reads on to the end itself; its state is then this scanner's
 * (restoreHead), and the tail's is merged on top when the split held. Should a worker fail, this thread
 * scans the file alone.
 */
async function scanTwoWorkers(host: ParallelHost, plan: ParallelPlan, st: SourceState, literals: string[]): Promise<string | undefined> {
  const info = st.info;
  const t0 = performance.now();
  const note: ParallelNote = { source: info.name, split: plan.split, merged: false };
  host.parallel.push(note);
  const tail = startWorker(plan, host.opts, 'tail');
  const head = startWorker(plan, host.opts, 'head');
  try {
    void tail.probe.then((p) => head.send({ type: 'probe', probe: p }));
    const a = await head.result;
    const b = a?.held ? await tail.result : undefined;
    tail.stop();
    if (a && (!a.held || b)) {
      note.ms = { main: a.ms };
      restoreHead(host, st, a);
      if (!a.held) return a.format;
      mergeWorkerScan(host, st, b!);
      note.merged = true;
      note.ms.worker = b!.ms;
      return b!.format;
    }
    // a worker failed: the whole file here (nothing of it was taken over)
    const ctx = host.fast.start(literals);
    info.bytes! += await host.fast.feedFile(plan.path, 0, Infinity, st, ctx);
    host.fast.end(st, ctx);
    note.ms = { main: performance.now() - t0 };
    return undefined;
  } finally {
    head.stop();
    tail.stop();
  }
}
