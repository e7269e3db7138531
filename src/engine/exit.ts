// How the latest kubelet run ended, from the runs the journal pass segmented (journal/runs.ts): systemd's
// exit status or signal, the OOM killer, the kubelet's own last words. The built-in rule
// kubelet-exit-unexplained reports it when no other rule explains the exit (diagnose.ts folds it under
// one that does), so that a dying kubelet is never a silent pass.

import type { JournalEvidence } from '../evidence.js';
import { maxRestartCounter, runAt, runFailed } from '../journal/run-window.js';
import type { Citation, KubeletRun, RunWords } from '../types.js';

export const EXIT_RULE_ID = 'kubelet-exit-unexplained';

export interface RunEnding {
  run: KubeletRun;
  /** How it ended, in words: `exited with status 255`, `was killed by signal 9/KILL`, … */
  how: string;
  /** Killed by a signal (or the OOM killer) without a word of its own. */
  killedSilently: boolean;
  /** Runs that ended before the latest one (restarts), and systemd's restart counter when it printed one. */
  restarts: number;
  restartCounter?: number;
  words?: RunWords;
  citations: Citation[];
}

const WORDS_HOW: Record<RunWords['how'], string> = {
  fatal: 'a fatal klog line',
  'command-failed': '"command failed"',
  'run-failed': '"failed to run Kubelet"',
  error: 'an Error: line',
  panic: 'a Go panic',
};

const SIGNALS: Record<string, string> = { KILL: 'SIGKILL', TERM: 'SIGTERM', ABRT: 'SIGABRT', SEGV: 'SIGSEGV', BUS: 'SIGBUS', INT: 'SIGINT', HUP: 'SIGHUP', QUIT: 'SIGQUIT' };

/** A run ended in failure: systemd said so (other than a clean exit), or the kubelet printed its last words. */
const failed = runFailed;

/**
 * The run that tells what is wrong now: the latest one, unless systemd started the unit again and the input
 * ends there (no kubelet line yet, no exit) — then the run before it tells. Both the exit finding and what
 * counts as current (diagnose.ts) take this run, so they never disagree.
 */
export function tellingRun(j: JournalEvidence | undefined): number {
  if (!j || !j.runs.length) return j?.latestRun ?? 0;
  let i = j.latestRun;
  for (let run = runAt(j.runs, i); run && !failed(run) && run.records === 0 && !run.exit && i > 0; ) run = runAt(j.runs, --i);
  return i;
}

/** How the latest run ended, or undefined when it is alive (or ended cleanly, as a stop does). */
export function latestRunEnding(j: JournalEvidence | undefined): RunEnding | undefined {
  if (!j || !j.runs.length) return undefined;
  const run = runAt(j.runs, tellingRun(j));
  if (!run || !failed(run)) return undefined;
  const ex = run.exit;
  const words = run.lastWords;
  let how: string;
  let killedSilently = false;
  if (run.oom) {
    how = 'was killed by the OOM killer';
    killedSilently = !words;
  } else if (ex && (ex.code === 'killed' || ex.code === 'dumped')) {
    const sig = ex.status.split('/')[1] ?? ex.status;
    how = `was killed by signal ${ex.status}${SIGNALS[sig] ? ` (${SIGNALS[sig]}${sig === 'KILL' ? ': the OOM killer or a watchdog' : ''})` : ''}${ex.code === 'dumped' ? ', dumping core' : ''}`;
    killedSilently = !words;
  } else if (ex && /^200\/CHDIR|^203\/EXEC|^20\d\//.test(ex.status)) {
    how = `never ran: systemd could not start it (status=${ex.status})`;
  } else if (ex && ex.code === 'exited') {
    how = `exited with status ${ex.status}`;
  } else if (ex) {
    how = `ended (${ex.code}, ${ex.status})`;
  } else how = `printed ${WORDS_HOW[words!.how]} and stopped`;
  if (ex && words && ex.code === 'exited') how += ` after ${WORDS_HOW[words.how]}`;
  const ended = j.runs.filter((r) => r !== run && failed(r)).length + (j.retired?.failed ?? 0);
  const counter = maxRestartCounter(j.runs, j.retired);
  const citations: Citation[] = [];
  if (words)
    citations.push({ kind: 'journal', source: words.source, line: words.line, endLine: words.endLine, text: words.text, run: run.index, firstSeen: words.time, note: 'the kubelet\'s last reason' });
  if (ex) citations.push({ kind: 'journal', source: run.source, line: ex.line, text: ex.text, run: run.index, note: 'how systemd saw it end' });
  if (run.oom) citations.push({ kind: 'journal', source: run.source, line: run.oom.line, text: run.oom.text, run: run.index, note: 'the OOM killer' });
  return { run, how, killedSilently, restarts: ended, restartCounter: counter || undefined, words, citations };
}
