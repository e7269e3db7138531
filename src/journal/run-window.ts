// A crash loop of 100,000 kubelet runs must not hold 100,000 runs while it is read (issue 12: 312 MB peak
// RSS): the run tracker keeps the first few and the latest few runs whole and folds every run that falls
// between them into counts — what the crash-loop summary, the exit finding and the rules still ask of runs
// they no longer see. Run indexes stay those of the whole journal: `runAt` finds a kept run by its index.

import type { KubeletRun } from '../types.js';

/** Runs kept whole from the start of the journal (at least what a report lists from the start). */
export const FIRST_KEPT = 3;
/** Runs kept whole at the end (the report lists 12; a reversed journal's neighbours and a worker's merge need a margin). */
export const LATEST_KEPT = 64;

/** What the runs folded away still tell. */
export interface RetiredRuns {
  count: number;
  /** Ended with an exit status systemd calls a failure (crash-loop count). */
  exitFailed: number;
  /** Ended in failure by the exit finding's measure (runFailed). */
  failed: number;
  maxRestartCounter: number;
  /** The most kubelet records any exit-failed run held (a latest run past that point has recovered). */
  maxExitFailedRecords: number;
  /** The exit status of the latest exit-failed run among them. */
  lastExitFailedStatus?: string;
  /** Runs in which the kubelet printed last words. */
  withWords: number;
}

export function emptyRetired(): RetiredRuns {
  return { count: 0, exitFailed: 0, failed: 0, maxRestartCounter: 0, maxExitFailedRecords: 0, withWords: 0 };
}

const CLEAN_STATUS = /^(?:0\b|0\/|success$)/i;

/** systemd said the run ended, other than cleanly. */
export function exitFailed(r: KubeletRun): boolean {
  return !!r.exit && !CLEAN_STATUS.test(r.exit.status);
}

/** A run ended in failure: systemd said so (other than a clean exit), the OOM killer, or the kubelet's last words. */
export function runFailed(r: KubeletRun): boolean {
  const clean = !!r.exit && CLEAN_STATUS.test(r.exit.status);
  return !!r.oom || (!!r.exit && !clean) || (!!r.lastWords && !clean);
}

/** Fold one run into the counts (runs are folded in journal order). */
export function retireRun(t: RetiredRuns, r: KubeletRun): void {
  t.count++;
  if (exitFailed(r)) {
    t.exitFailed++;
    t.maxExitFailedRecords = Math.max(t.maxExitFailedRecords, r.records);
    t.lastExitFailedStatus = r.exit!.status;
  }
  if (runFailed(r)) t.failed++;
  if (r.restartCounter !== undefined) t.maxRestartCounter = Math.max(t.maxRestartCounter, r.restartCounter);
  if (r.lastWords || r.firstWords) t.withWords++;
}

/** Add counts of runs that came after those already in `t`. */
export function mergeRetired(t: RetiredRuns, later: RetiredRuns): void {
  t.count += later.count;
  t.exitFailed += later.exitFailed;
  t.failed += later.failed;
  t.maxRestartCounter = Math.max(t.maxRestartCounter, later.maxRestartCounter);
  t.maxExitFailedRecords = Math.max(t.maxExitFailedRecords, later.maxExitFailedRecords);
  if (later.lastExitFailedStatus !== undefined) t.lastExitFailedStatus = later.lastExitFailedStatus;
  t.withWords += later.withWords;
}

/** The kept run with this index (runs are kept in index order; the one wanted is nearly always near the end). */
export function runAt(runs: readonly KubeletRun[], index: number): KubeletRun | undefined {
  for (let i = runs.length - 1; i >= 0; i--) {
    const r = runs[i]!;
    if (r.index === index) return r;
    if (r.index < index) return undefined;
  }
  return undefined;
}

/** The largest restart counter among kept and folded runs. */
export function maxRestartCounter(runs: readonly KubeletRun[], retired?: RetiredRuns): number {
  let m = retired?.maxRestartCounter ?? 0;
  for (const r of runs) if (r.restartCounter !== undefined && r.restartCounter > m) m = r.restartCounter;
  return m;
}
