// A crash loop is kept as a bounded summary of kubelet runs: the first few, the latest few and the counts —
// a journal of 115,000 restarts must not make a report of tens of megabytes (issue 12). Run indexes stay
// those of the whole journal (findings and citations refer to them); `runsTotal` says how many there were.

import { runAt } from './journal/run-window.js';
import type { KubeletRun, Report } from './types.js';

/** Runs kept from the start and from the end of a long journal. */
export const FIRST_RUNS = 3;
export const LAST_RUNS = 12;
/** Run indexes a finding lists, from the start and the end. */
export const FINDING_RUNS = 8;

/** How many kubelet runs the report's journal held (the report may list fewer). */
export function runCount(r: Pick<Report, 'runs' | 'runsTotal'>): number {
  return r.runsTotal ?? r.runs.length;
}

/** The runs a report lists: all of them, or the first few, the latest few and the latest run. */
export function boundRuns(runs: KubeletRun[], latest: number, total?: number): { runs: KubeletRun[]; total?: number } {
  // `runs` may be the scan's window already (journal/run-window.ts: `total` runs in all)
  if (runs.length <= FIRST_RUNS + LAST_RUNS) return total !== undefined && total > runs.length ? { runs, total } : { runs };
  const kept = [...runs.slice(0, FIRST_RUNS), ...runs.slice(-LAST_RUNS)];
  const l = runAt(runs, latest);
  if (l && !kept.includes(l)) kept.splice(FIRST_RUNS, 0, l);
  return { runs: kept, total: total ?? runs.length };
}

/** A finding's run indexes, bounded the same way (its first and last runs are kept). */
export function boundRunIndexes(indexes: number[]): number[] {
  return indexes.length <= 2 * FINDING_RUNS ? indexes : [...indexes.slice(0, FINDING_RUNS), ...indexes.slice(-FINDING_RUNS)];
}
