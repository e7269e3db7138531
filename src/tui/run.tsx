// Runs the ink app on the real terminal: keys from stdin or /dev/tty, the alternate screen while
// the app is up (the shell's screen comes back untouched), progress while the scan reads, and a
// plain summary left in the scrollback on exit. Imported lazily by the CLI: ink and React cost
// more start-up time than scanning a small journal.

import { statSync, writeSync } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { render } from 'ink';
import type { FindingChange, FollowInput } from '../follow.js';
import { Follower } from '../follow.js';
import type { JournalInput } from '../journal/read.js';
import { renderText } from '../render/text.js';
import { journalInputs, runScan, type ScanOptions } from '../scan.js';
import type { Finding, Report } from '../types.js';
import { App } from './app.js';
import { type Keyboard, openKeyboard } from './keyboard.js';
import { Store, type SourceProgress } from './store.js';
import { exitSummary } from './summary.js';
import { safeReport } from '../render/terminal-safe.js';

const ALT_ON = '\u001B[?1049h\u001B[H';
const ALT_OFF = '\u001B[?1049l';

export interface TuiSession {
  /** Resolves when the person quits (q, Ctrl-C, SIGINT/SIGTERM), with the finding opened last. */
  done: Promise<Finding | undefined>;
  /** Take the app down and restore the terminal; idempotent. */
  close(): void;
}

/** Mount the app. Without a keyboard it only displays, and `done` resolves on SIGINT/SIGTERM. */
export function mountTui(store: Store, o: { color: boolean; keyboard: Keyboard; altScreen: boolean }): TuiSession {
  const out = process.stdout;
  let closed = false;
  // Whatever ends the process (an exception, process.exit), the shell's screen comes back.
  const onExit = () => {
    if (!closed && o.altScreen) writeSync(1, ALT_OFF);
  };
  process.on('exit', onExit);
  if (o.altScreen) out.write(ALT_ON);
  let resolveDone!: (f: Finding | undefined) => void;
  const done = new Promise<Finding | undefined>((r) => (resolveDone = r));
  const stdin = o.keyboard.stream ?? (Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.ReadStream);
  const instance = render(<App store={store} color={o.color} interactive={!!o.keyboard.stream} onQuit={(f) => resolveDone(f)} />, {
    stdout: out,
    stdin,
    exitOnCtrlC: false,
    patchConsole: true,
  });
  const onSignal = () => resolveDone(undefined);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const close = () => {
    if (closed) return;
    closed = true;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    instance.clear();
    instance.unmount();
    instance.cleanup();
    o.keyboard.close();
    if (o.altScreen) out.write(ALT_OFF);
    process.off('exit', onExit);
  };
  return { done, close };
}

/** Journal inputs wrapped to report bytes read and the end of each input to the progress screen. */
function trackedInputs(inputs: JournalInput[], store: Store, opened: Readable[]): JournalInput[] {
  const sources: SourceProgress[] = inputs.map((i) => {
    let size: number | undefined;
    if (i.name !== 'stdin' && i.name !== 'journalctl') {
      try {
        const st = statSync(i.name);
        if (st.isFile()) size = st.size;
      } catch {
        // the scan reports the problem
      }
    }
    return { name: i.name, bytes: 0, size, lines: 0, done: false };
  });
  store.set({ sources });
  const update = (idx: number, patch: Partial<SourceProgress>) => {
    const next = store.get().sources.map((s, j) => (j === idx ? { ...s, ...patch } : s));
    const allDone = next.every((s) => s.done);
    store.set({ sources: next, ...(allDone && store.get().phase === 'journal' ? { phase: 'collect' as const } : {}) });
  };
  return inputs.map((input, idx) => ({
    ...input,
    open: () => {
      const stream = input.open();
      opened.push(stream);
      let bytes = 0;
      let last = 0;
      stream.on('data', (d: Buffer | string) => {
        bytes += d.length;
        const now = Date.now();
        if (now - last > 80) {
          last = now;
          update(idx, { bytes });
        }
      });
      const finish = () => {
        if (!store.get().sources[idx]?.done) update(idx, { bytes, done: true });
      };
      stream.once('end', finish);
      stream.once('close', finish);
      stream.once('error', finish);
      return stream;
    },
  }));
}

/**
 * The scan's progress into the store: lines, and bytes where the scan reads a file by offset (a regular file
 * is read with no stream to count, so without them the percentage stayed at 0 % until the end).
 */
export function progressUpdater(store: Store): (source: string, lines: number, bytes?: number) => void {
  return (source, lines, bytes) => {
    store.set({ sources: store.get().sources.map((s) => (s.name === source ? { ...s, lines, ...(bytes !== undefined && bytes > s.bytes ? { bytes } : {}) } : s)) });
  };
}

export interface TuiScanOptions {
  scan: ScanOptions;
  color: boolean;
  /** Called as soon as the report exists (e.g. to write --output), before the person quits. */
  onReport?: (r: Report) => void;
}

/**
 * The interactive scan: progress, then the findings until the person quits; a summary stays in
 * the scrollback. Returns undefined when the person quit before the scan finished. Without a
 * keyboard: progress, then the text report.
 */
export async function runTuiScan(o: TuiScanOptions): Promise<Report | undefined> {
  const ignore = new Set(o.scan.ignore ?? []);
  const kinds = [...new Set(o.scan.rules.filter((r) => !ignore.has(r.id)).flatMap((r) => r.evidence))];
  const store = new Store({ collectors: kinds.filter((k) => k !== 'journal').map((kind) => ({ kind, state: 'waiting' as const })) });
  const onCollector: ScanOptions['onCollector'] = (kind, state, result) => {
    const now = Date.now();
    store.set({
      ...(store.get().phase === 'journal' ? { phase: 'collect' as const } : {}),
      collectors: store
        .get()
        .collectors.map((c) => (c.kind !== kind ? c : state === 'reading' ? { ...c, state, since: now } : { ...c, state, ok: result?.ok, reason: result && !result.ok ? result.reason : undefined })),
    });
  };
  const opened: Readable[] = [];
  let inputs: JournalInput[] | undefined;
  if (kinds.includes('journal')) {
    const j = journalInputs(o.scan);
    if (j.inputs.length) inputs = trackedInputs(j.inputs, store, opened);
  }
  if (!inputs) store.set({ phase: 'collect' });
  const onProgress = progressUpdater(store);
  const keyboard = openKeyboard();
  const session = mountTui(store, { color: o.color, keyboard, altScreen: !!keyboard.stream });
  const scan = runScan({ ...o.scan, ...(inputs ? { inputs } : {}), onProgress, onCollector }).then((report) => {
    store.set({ report: safeReport(report), phase: 'done' });
    o.onReport?.(report);
    return report;
  });
  type Outcome = { report: Report } | { quit: true } | { error: Error };
  const outcome: Outcome = await Promise.race([
    scan.then((report): Outcome => ({ report })),
    session.done.then((): Outcome => ({ quit: true })),
  ]).catch((e: Error): Outcome => ({ error: e }));
  if ('error' in outcome) {
    session.close();
    throw outcome.error;
  }
  if ('quit' in outcome) {
    // Quit while reading: stop reading; the scan settles on its own.
    session.close();
    for (const s of opened) s.destroy();
    scan.catch(() => {});
    return undefined;
  }
  if (!keyboard.stream) {
    session.close();
    process.stdout.write(renderText(outcome.report, { color: o.color }));
    return outcome.report;
  }
  const openedFinding = await session.done;
  session.close();
  process.stdout.write(exitSummary(outcome.report, { color: o.color, opened: openedFinding }));
  return outcome.report;
}

/** Follow mode in the TUI: the list updates as lines arrive; q (or Ctrl-C) stops following. */
export async function runTuiFollow(o: { scan: ScanOptions; input: FollowInput; color: boolean }): Promise<Report> {
  const store = new Store({ phase: 'journal', sources: [{ name: o.input.input.name, bytes: 0, lines: 0, done: false }] });
  const changes = new Map(store.get().changes);
  const follower = new Follower({
    scan: o.scan,
    input: o.input,
    onUpdate: (report, ch: FindingChange[], status) => {
      const now = Date.now();
      for (const c of ch) {
        if (c.kind === 'resolved') {
          changes.delete(c.key); // its row is gone with it
          continue;
        }
        changes.set(c.key, { kind: c.kind, delta: c.kind === 'new' ? c.finding.count : c.delta + (changes.get(c.key)?.kind === 'more' && now - changes.get(c.key)!.at < 15_000 ? changes.get(c.key)!.delta : 0), at: now });
      }
      store.set({ report: safeReport(report), follow: status, changes: new Map(changes), phase: 'done' });
    },
  });
  const keyboard = openKeyboard();
  const session = mountTui(store, { color: o.color, keyboard, altScreen: true });
  const running = follower.run();
  let opened: Finding | undefined;
  // Reading may end (EOF) long before the person is done looking: stay until they quit.
  opened = await session.done;
  follower.stop('stopped by you');
  const report = await running.catch(() => follower.lastReport ?? follower.snapshot());
  session.close();
  process.stdout.write(exitSummary(report, { color: o.color, opened, followed: o.input.input.name }));
  return report;
}
