// Segments a journal into kubelet runs (process lifetimes): a new run starts when systemd starts the
// unit, when the kubelet PID changes, or after a boot marker; systemd's exit and restart lines close it.
// Also gathers journal facts (kubelet version, node name, registration, pod CIDR) as records pass.

import type { JournalFacts } from '../evidence.js';
import { KUBELET_UNIT, KUBELET_UNIT_DESCRIPTION } from '../kubelet-identity.js';
import type { KubeletRun, LogRecord, RunWords } from '../types.js';
import { MessageCache } from './message-cache.js';
import { FACT_CACHE_ENTRIES, factsOf, KUBELET_COMM, type MessageFacts, wordsOf } from './facts.js';
import { emptyRetired, FIRST_KEPT, LATEST_KEPT, mergeRetired, type RetiredRuns, retireRun, runAt } from './run-window.js';

export { crashLoopOf, FACT_PATTERNS, WORDS, wordsOf } from './facts.js';

/** systemd starting the unit, in every wording (unit description varies by installer and wrapper). */
const STARTED = new RegExp(String.raw`^(?:Started|Starting) (?:${KUBELET_UNIT_DESCRIPTION}|.*${KUBELET_UNIT.source})`, 'i');
/** `Main process exited, code=exited, status=1/FAILURE` (systemd ≥ 219 capitalises `Main`; older ones do not). */
const EXITED = /main process exited, code=(\w+), status=(\S+?)\.?$/i;
const FAILED_RESULT = /\.service: Failed with result '([\w-]+)'/;
/** `Scheduled restart job, restart counter is at 5.` (systemd ≥ 236); older: `holdoff time over, scheduling restart.` */
const RESTART = /restart counter is at (\d+)/;
const HOLDOFF = /holdoff time over, scheduling restart|Service (?:RestartSec=\S+ )?hold-?off time over, scheduling restart/i;
/** `systemctl status`: `Main PID: 9982 (code=exited, status=255)`, `Active: activating (auto-restart) (Result: exit-code)`. */
const STATUS_EXIT = /^Main PID: (\d+) \(code=(\w+), status=([^)]+)\)/;
const STATUS_DOWN = /^Active: (?:failed|activating \(auto-restart\)|inactive \(dead\))/;
/** systemd (>= 243) and the kernel on the OOM killer. */
const OOM_SYSTEMD = /killed by the OOM killer|Failed with result 'oom-kill'/;
const OOM_KERNEL = /(?:Out of memory|Memory cgroup out of memory): Kill(?:ed)? process (\d+) \(([^)]*)\)|oom-kill:.*task=([^,]+),pid=(\d+)/;
const CLOSED = /^Stopped |^Stopping |: Deactivated successfully|: Consumed |: Succeeded\.|^Failed to start |: Start request repeated too quickly|: Killing process \d+ \(kubelet\)|: Unit entered failed state|entered failed state|\.service failed\.$/;

/**
 * Parallel scans (engine/parallel-scan.ts): a tracker that continues another one's last run holds this as
 * its last fatal signature until it sees one of its own; an exit cause set from it is the other tracker's.
 */
export const INHERITED_FATAL = '\u0000inherited';

/** What a tracker hands over for merging (structured-cloneable). */
export interface TrackerState {
  /** The runs kept whole (run-window.ts), and how many there were in all. */
  runs: KubeletRun[];
  total: number;
  retired: RetiredRuns;
  facts: JournalFacts;
  current?: number;
  closed: boolean;
  hardClosed: boolean;
  lastFatal?: string;
  lastMs: (number | undefined)[];
  /** facts.registered was assigned other than by the continued run's start. */
  registeredTouched: boolean;
  order?: OrderState;
}

/** Time order of the records seen: steps forward and back, and the last time (detects `journalctl -r`). */
interface OrderState {
  forward: number;
  back: number;
  lastMs?: number;
  /** The first record's time, and whether no timed record was seen yet (merging a continued tracker). */
  firstMs?: number;
}

export class RunTracker {
  /** The first few and the latest few runs, whole, in index order; those between are counted in `retired`. */
  readonly runs: KubeletRun[] = [];
  /** How many runs there were (the next run's index). */
  total = 0;
  readonly retired: RetiredRuns = emptyRetired();
  readonly facts: JournalFacts = { hostnames: [] };
  private current?: KubeletRun;
  /** The current run is closed (exited/stopped); the next kubelet line from another PID starts a new one. */
  private closed = true;
  /** A boot marker closed the run: the next kubelet line starts a new run even with the same PID. */
  private hardClosed = false;
  private lastFatal?: string;
  /** Epoch ms of each kept run's last record, when known (orders runs from several sources); aligned with `runs`. */
  private lastMs: (number | undefined)[] = [];
  /** Parallel scans: this tracker's first run continues another tracker's last run (see continueRun). */
  private continuing = false;
  private readonly factCache = new MessageCache<MessageFacts>(FACT_CACHE_ENTRIES, 600);
  private registeredTouched = false;
  private order: OrderState = { forward: 0, back: 0 };
  /** systemd's exit lines seen before any run (a `systemctl status` paste, a reversed journal's first lines). */
  private orphanExit?: KubeletRun['exit'];

  /**
   * Parallel scans: the first kubelet record this tracker sees continues the last run of the tracker that
   * read the input before it (checked by the caller). Its start does not reset facts.registered, and the
   * last fatal signature is the other tracker's until one is seen here.
   */
  continueRun(): void {
    this.continuing = true;
    this.lastFatal = INHERITED_FATAL;
  }

  private setRegistered(v: boolean | undefined, at?: JournalFacts['registeredAt']): void {
    this.facts.registered = v;
    if (at) this.facts.registeredAt = at;
    else delete this.facts.registeredAt;
    this.registeredTouched = true;
  }

  /** The state absorb() merges (parallel scans). */
  exportState(): TrackerState {
    return {
      runs: this.runs,
      total: this.total,
      retired: this.retired,
      facts: this.facts,
      current: this.current?.index,
      closed: this.closed,
      hardClosed: this.hardClosed,
      lastFatal: this.lastFatal,
      lastMs: this.lastMs,
      registeredTouched: this.registeredTouched,
      order: this.order,
    };
  }

  /** Take over the whole state of another tracker (parallel scans: a fresh tracker, from a worker thread's). */
  restore(s: TrackerState): void {
    this.runs.push(...s.runs);
    this.total = s.total;
    Object.assign(this.retired, s.retired);
    Object.assign(this.facts, s.facts);
    this.current = s.current === undefined ? undefined : runAt(this.runs, s.current);
    this.closed = s.closed;
    this.hardClosed = s.hardClosed;
    this.lastFatal = s.lastFatal;
    this.lastMs = [...s.lastMs];
    this.registeredTouched = s.registeredTouched;
    if (s.order) this.order = { ...s.order };
  }

  /** Whether the next kubelet record of `pid` from `source` simply continues the current run (parallel scans). */
  continuesWith(pid: number, source: string): boolean {
    const cur = this.current;
    return !!cur && cur === this.runs[this.runs.length - 1] && !this.closed && !this.hardClosed && cur.records > 0 && cur.pid === pid && cur.source === source;
  }

  /**
   * Merge the state of a tracker that read the rest of the input with continueRun() (its first run is this
   * tracker's current run; continuesWith() held): exactly the state this tracker would have reached by
   * reading those records itself. Returns the offset added to the other tracker's run indexes.
   */
  absorb(w: TrackerState): number {
    const c = this.current!;
    const off = c.index;
    const [w0, ...rest] = w.runs;
    if (w0) {
      c.endLine = w0.endLine;
      if (w0.lastTime !== undefined) c.lastTime = w0.lastTime;
      c.firstTime ??= w0.firstTime;
      c.records += w0.records;
      if (w0.kubeletVersion !== undefined) c.kubeletVersion = w0.kubeletVersion;
      if (w0.exit !== undefined) c.exit = w0.exit;
      if (w0.restartCounter !== undefined) c.restartCounter = w0.restartCounter;
      if (w0.lastWords !== undefined) c.lastWords = w0.lastWords;
      if (w0.firstWords !== undefined) c.firstWords ??= w0.firstWords;
      if (w0.oom !== undefined) c.oom = w0.oom;
      if (w0.exitCause !== undefined) {
        if (w0.exitCause !== INHERITED_FATAL) c.exitCause = w0.exitCause;
        else if (this.lastFatal !== undefined) c.exitCause = this.lastFatal;
      }
      if (w.lastMs[0] !== undefined) this.lastMs[this.runs.indexOf(c)] = w.lastMs[0];
    }
    for (let i = 0; i < rest.length; i++) {
      const r = rest[i]!;
      r.index += off;
      this.runs.push(r);
      this.lastMs.push(w.lastMs[i + 1]);
    }
    // the runs folded here came before those the other tracker folded
    this.total = off + w.total;
    this.trim();
    mergeRetired(this.retired, w.retired);
    const f = this.facts;
    for (const h of w.facts.hostnames) if (f.hostnames.length < 8 && !f.hostnames.includes(h)) f.hostnames.push(h);
    if (w.facts.kubeletVersion !== undefined) f.kubeletVersion = w.facts.kubeletVersion;
    if (w.facts.nodeName !== undefined) f.nodeName = w.facts.nodeName;
    if (w.facts.podCIDRSeen !== undefined) f.podCIDRSeen = w.facts.podCIDRSeen;
    if (w.registeredTouched) this.setRegistered(w.facts.registered, w.facts.registeredAt);
    if (w.order) {
      const o = this.order;
      if (o.lastMs !== undefined && w.order.firstMs !== undefined) {
        if (w.order.firstMs > o.lastMs) o.forward++;
        else if (w.order.firstMs < o.lastMs) o.back++;
      }
      o.forward += w.order.forward;
      o.back += w.order.back;
      o.firstMs ??= w.order.firstMs;
      if (w.order.lastMs !== undefined) o.lastMs = w.order.lastMs;
    }
    this.current = w.current === undefined ? c : runAt(this.runs, w.current + off);
    this.closed = w.closed;
    this.hardClosed = w.hardClosed;
    if (w.lastFatal !== INHERITED_FATAL) this.lastFatal = w.lastFatal;
    return off;
  }

  /** Boot markers (`-- Boot abc --`, `-- Reboot --`, a new `_BOOT_ID`) close the current run. */
  boot(): void {
    this.closed = true;
    this.hardClosed = true;
  }

  /** The index of the run the last kubelet record belonged to (0 before any). */
  currentIndex(): number {
    return this.current?.index ?? 0;
  }

  /** Observe a record; returns the index of the run it belongs to. */
  observe(rec: LogRecord): number {
    if (rec.host && this.facts.hostnames.length < 8 && !this.facts.hostnames.includes(rec.host)) this.facts.hostnames.push(rec.host);
    if (rec.time !== undefined) this.step(rec.time);
    if (rec.fromSystemd) return this.systemd(rec);
    if (!rec.fromKubelet) {
      if (rec.process === 'kernel') this.kernel(rec);
      return this.current?.index ?? 0;
    }
    const cur = this.current;
    if (!cur || this.needsNewRun(cur, rec)) this.start(rec);
    const run = this.current!;
    run.pid ??= rec.pid;
    run.endLine = rec.endLine ?? rec.line;
    if (rec.timeText) run.lastTime = rec.timeText;
    run.firstTime ??= rec.timeText;
    if (rec.time !== undefined) this.lastMs[this.posOf(run)] = rec.time;
    run.records++;
    const msg = rec.message;
    if (msg.length < 600) this.facts_(run, msg, rec);
    if (rec.level === 'F' || rec.level === 'E' || rec.level === undefined) this.words(run, rec);
    return run.index;
  }

  /** Time order: a journal printed newest first (`journalctl -r`) steps back far more often than forward. */
  private step(ms: number): void {
    const o = this.order;
    o.firstMs ??= ms;
    if (o.lastMs !== undefined) {
      if (ms > o.lastMs) o.forward++;
      else if (ms < o.lastMs) o.back++;
    }
    o.lastMs = ms;
  }

  /** Whether the records came newest first. */
  get reversed(): boolean {
    return this.order.back >= 2 && this.order.back > this.order.forward * 2;
  }

  /** A line the kubelet prints as it dies (see WORDS): the run's first and last such line. */
  private words(run: KubeletRun, rec: LogRecord): void {
    const how = wordsOf(rec);
    if (!how) return;
    const w: RunWords = { source: rec.source, line: rec.line, text: rec.message.length > 600 ? `${rec.message.slice(0, 600)}…` : rec.message, how };
    if (rec.endLine !== undefined) w.endLine = rec.endLine;
    if (rec.timeText !== undefined) w.time = rec.timeText;
    run.lastWords = w;
    run.firstWords ??= w;
  }

  /** A record was rejoined with a hard-wrapped line (journal/wrap.ts): its words are read again. */
  rejoined(rec: LogRecord): void {
    // systemd's line about the unit, whole again (`Main process exi` + `ted, code=killed, status=9/KILL`)
    if (rec.fromSystemd) {
      this.systemd(rec);
      return;
    }
    const run = this.current;
    if (!run || !rec.fromKubelet) return;
    if (run.lastWords?.line === rec.line && run.lastWords.source === rec.source) run.lastWords = undefined;
    if (run.firstWords?.line === rec.line && run.firstWords.source === rec.source) run.firstWords = undefined;
    if (rec.level === 'F' || rec.level === 'E' || rec.level === undefined) this.words(run, rec);
  }

  /** The kernel's OOM killer naming a kubelet process. */
  private kernel(rec: LogRecord): void {
    const m = OOM_KERNEL.exec(rec.message);
    if (!m) return;
    const comm = m[2] ?? m[3] ?? '';
    const pid = Number(m[1] ?? m[4]);
    if (!KUBELET_COMM.test(comm)) return;
    const run = [...this.runs].reverse().find((r) => r.pid === pid) ?? this.current;
    if (run) run.oom = { line: rec.line, text: rec.message };
  }

  private needsNewRun(cur: KubeletRun, rec: LogRecord): boolean {
    // a systemd `Started` opened a run that has no kubelet line yet: this line adopts it
    if (cur.records === 0 && !this.closed) return false;
    const samePid = rec.pid !== undefined && cur.pid !== undefined && rec.pid === cur.pid;
    const otherPid = rec.pid !== undefined && cur.pid !== undefined && rec.pid !== cur.pid;
    if (otherPid) return true;
    if (this.hardClosed) return true;
    // the kubelet's last stderr lines often reach the journal after systemd's "Main process exited"
    if (this.closed) {
      // `-o cat`: a line with neither PID nor klog header (another unit's line, a stray stderr line)
      // does not start a run by itself once systemd has said how the last one ended
      if (rec.pid === undefined && rec.process === undefined && rec.level === undefined && cur.exit) return false;
      return !samePid;
    }
    // another file given after this one: its lines are another run unless the PID says otherwise
    return rec.source !== cur.source && !samePid;
  }

  private facts_(run: KubeletRun, msg: string, rec: LogRecord): void {
    const keyword = msg.includes('ersion') || msg.startsWith('Starting k') || msg.includes('egister') || msg.includes('CIDR') || msg.includes('podcidr');
    if (!keyword) return;
    // a broken node repeats "Unable to register node ..." hundreds of thousands of times: the regexes' outcome is remembered per message
    let f = this.factCache.get(msg);
    if (f === undefined) {
      f = factsOf(msg);
      this.factCache.set(msg, f);
    }
    if (f.version !== undefined) {
      run.kubeletVersion = f.version;
      this.facts.kubeletVersion = f.version;
    }
    if (f.node !== undefined) this.facts.nodeName = f.node;
    if (f.registered) {
      this.facts.nodeName = f.registeredNode;
      this.setRegistered(true, { source: rec.source, line: rec.line, time: rec.time });
    }
    if (f.podCIDR !== undefined) this.facts.podCIDRSeen = f.podCIDR;
  }

  /** A fatal signature matched in the current run (candidate exit cause). */
  noteFatal(ruleId: string): void {
    this.lastFatal = ruleId;
  }

  private start(rec: LogRecord | undefined, pending = false): void {
    // systemd "Started" creates a run with no kubelet lines yet; the first kubelet line adopts it
    if (!pending && this.current && this.current.records === 0 && this.closed === false) {
      this.current.pid = rec?.pid;
      this.current.startLine = Math.min(this.current.startLine, rec?.line ?? this.current.startLine);
      this.setRegistered(undefined);
      return;
    }
    const run: KubeletRun = {
      index: this.total++,
      pid: rec?.pid,
      source: rec?.source ?? '',
      startLine: rec?.line ?? 0,
      endLine: rec?.line ?? 0,
      firstTime: rec?.timeText,
      records: 0,
    };
    this.runs.push(run);
    this.lastMs.push(rec?.time);
    this.trim();
    this.current = run;
    this.closed = false;
    this.hardClosed = false;
    this.lastFatal = undefined;
    // "registered" describes the latest run (not reset when this run continues another tracker's)
    if (this.continuing && this.total === 1) {
      this.lastFatal = INHERITED_FATAL;
      return;
    }
    if (rec) this.setRegistered(undefined);
  }

  private systemd(rec: LogRecord): number {
    const msg = rec.message;
    if (STARTED.test(msg)) {
      if (!this.current || this.current.records > 0 || this.closed) {
        this.start(undefined, true);
        const run = this.current!;
        run.source = rec.source;
        run.startLine = rec.line;
        run.endLine = rec.line;
        run.firstTime = rec.timeText;
        this.lastMs[this.posOf(run)] = rec.time;
        this.setRegistered(undefined);
      }
      return this.current!.index;
    }
    const st = STATUS_EXIT.exec(msg);
    const ex = st ? null : EXITED.exec(msg);
    const fr0 = st || ex ? null : FAILED_RESULT.exec(msg);
    // an exit with no run before it (a `systemctl status` paste, a reversed journal): a run of its own,
    // without kubelet lines, holds it
    if (!this.current && (st || ex || fr0)) {
      this.start(undefined, true);
      const r = this.current!;
      r.source = rec.source;
      r.startLine = rec.line;
      r.endLine = rec.line;
    }
    const run = this.current;
    if (!run) return 0;
    if (OOM_SYSTEMD.test(msg)) run.oom ??= { line: rec.line, text: msg };
    if (st) {
      // the status header describes the unit's latest process: the last run, as systemd saw it
      run.exit ??= { code: st[2]!, status: st[3]!, line: rec.line, text: msg };
      run.pid ??= Number(st[1]);
      this.closed = true;
      return run.index;
    }
    if (STATUS_DOWN.test(msg)) {
      this.closed = true;
      return run.index;
    }
    if (ex) {
      run.exit = { code: ex[1]!, status: ex[2]!, line: rec.line, text: msg };
      if (this.lastFatal && !/^0\b|^0\//.test(ex[2]!)) run.exitCause = this.lastFatal;
      run.endLine = Math.max(run.endLine, rec.line);
      this.closed = true;
      return run.index;
    }
    const fr = FAILED_RESULT.exec(msg);
    if (fr) {
      if (!run.exit) {
        run.exit = { code: fr[1]!, status: fr[1]!, line: rec.line, text: msg };
        if (this.lastFatal) run.exitCause = this.lastFatal;
      }
      this.closed = true;
      return run.index;
    }
    const rc = RESTART.exec(msg);
    if (rc) {
      run.restartCounter = Number(rc[1]);
      this.closed = true;
    } else if (HOLDOFF.test(msg) || CLOSED.test(msg)) this.closed = true;
    return run.index;
  }

  /**
   * The run that decides what is wrong now: the last one with kubelet records — by time when the runs
   * come from several sources and every one of them has a time, else by order.
   */
  latestRun(): number {
    let best = -1;
    let multiSource = false;
    for (const r of this.runs) if (r.source !== this.runs[0]!.source) multiSource = true;
    if (multiSource) {
      let bestMs = -Infinity;
      for (let i = 0; i < this.runs.length; i++) {
        if (this.runs[i]!.records === 0) continue;
        const ms = this.lastMs[i];
        if (ms === undefined) {
          best = -1;
          break;
        }
        if (ms >= bestMs) {
          bestMs = ms;
          best = i;
        }
      }
      if (best >= 0) return this.runs[best]!.index;
    }
    // newest first: the first run in the input is the latest
    if (this.reversed) for (let i = 0; i < this.runs.length; i++) if (this.runs[i]!.records > 0) return this.runs[i]!.index;
    for (let i = this.runs.length - 1; i >= 0; i--) if (this.runs[i]!.records > 0) return this.runs[i]!.index;
    return Math.max(0, this.total - 1);
  }

  /** The evidence's run counts when runs were folded away (run-window.ts). */
  folded(): { runsTotal?: number; retired?: RetiredRuns } {
    return this.retired.count ? { runsTotal: this.total, retired: { ...this.retired } } : {};
  }

  /** A kept run's position in `runs` (the current run is nearly always the last). */
  private posOf(run: KubeletRun): number {
    const last = this.runs.length - 1;
    return this.runs[last] === run ? last : this.runs.indexOf(run);
  }

  /** Fold the runs between the first few and the latest few into counts (run-window.ts). */
  private trim(): void {
    const excess = this.runs.length - FIRST_KEPT - LATEST_KEPT;
    if (excess <= 0) return;
    for (const r of this.runs.splice(FIRST_KEPT, excess)) retireRun(this.retired, r);
    this.lastMs.splice(FIRST_KEPT, excess);
  }

  /**
   * The runs as they happened. A journal printed newest first put each run's systemd exit line above its
   * kubelet lines, where it closed the run printed before it (the later one): in this view the exits move to
   * the run they follow in time, and a run's last words are its first in the input. (A view: follow mode
   * reads on.)
   */
  view(): KubeletRun[] {
    if (!this.reversed) return this.runs;
    const runs = this.runs;
    return runs.map((r, i) => {
      const before = runs[i - 1]?.index === r.index - 1 ? runs[i - 1] : undefined;
      const v: KubeletRun = { ...r };
      delete v.exit;
      delete v.restartCounter;
      // the fatal signature seen before the exit line was the previous run's: not this one's cause
      delete v.exitCause;
      if (before?.exit) v.exit = before.exit;
      if (before?.restartCounter !== undefined) v.restartCounter = before.restartCounter;
      if (r.firstWords) v.lastWords = r.firstWords;
      return v;
    });
  }
}

