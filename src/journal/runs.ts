// Segments a journal into kubelet runs (process lifetimes): a new run starts when systemd starts the
// unit, when the kubelet PID changes, or after a boot marker; systemd's exit and restart lines close it.
// Also gathers journal facts (kubelet version, node name, registration, pod CIDR) as records pass.

import type { JournalFacts } from '../evidence.js';
import type { KubeletRun, LogRecord } from '../types.js';

/** systemd starting the unit, in every wording (unit description varies by installer and wrapper). */
const STARTED =
  /^(?:Started|Starting) (?:.*kubelet|.*Kubernetes (?:Kubelet|Node Agent)|Lightweight Kubernetes|k0s|.*microk8s\.daemon-kubelite|(?:Atomic )?OpenShift Node|.*(?:kubelite|k3s(?:-agent)?|k0s\w*|rke2-\w+|origin-node|openshift-node)\.service)/i;
/** `Main process exited, code=exited, status=1/FAILURE` (systemd ≥ 219 capitalises `Main`; older ones do not). */
const EXITED = /main process exited, code=(\w+), status=(\S+?)\.?$/i;
const FAILED_RESULT = /\.service: Failed with result '([\w-]+)'/;
/** `Scheduled restart job, restart counter is at 5.` (systemd ≥ 236); older: `holdoff time over, scheduling restart.` */
const RESTART = /restart counter is at (\d+)/;
const HOLDOFF = /holdoff time over, scheduling restart|Service (?:RestartSec=\S+ )?hold-?off time over, scheduling restart/i;
const CLOSED = /^Stopped |^Stopping |: Deactivated successfully|: Consumed |: Succeeded\.|^Failed to start |: Start request repeated too quickly|: Killing process \d+ \(kubelet\)|: Unit entered failed state|entered failed state|\.service failed\.$/;

const VERSION =
  /(?:"Kubelet version" kubeletVersion="|Kubelet version: |^Version: |^Starting k3s |^Starting k0s |"Kubelet version" version="|kubeletVersion=")(v\d+\.\d+\.\d+[\w.+-]*)/;
const REGISTER = /Attempting to register node "?([\w.-]+)"?|"Attempting to register node" node="([\w.-]+)"|"Unable to register node with API server" .*?\bnode="([\w.-]+)"|Unable to register node "?([\w.-]+)"? with API server/;
const REGISTERED =
  /Successfully registered node "?([\w.-]+)"?|"Successfully registered node" node="([\w.-]+)"|Node ([\w.-]+) was previously registered|"Node was previously registered" node="([\w.-]+)"/;
const POD_CIDR =
  /(?:Setting Pod CIDR: .*? -> |"Updating Pod CIDR" originalPodCIDR="[^"]*" newPodCIDR="|Updating runtime config through cri with podcidr |"Updating runtime config through cri with podcidr" CIDR=")([0-9a-f.:/,]+)/i;

export class RunTracker {
  readonly runs: KubeletRun[] = [];
  readonly facts: JournalFacts = { hostnames: [] };
  private current?: KubeletRun;
  /** The current run is closed (exited/stopped); the next kubelet line from another PID starts a new one. */
  private closed = true;
  /** A boot marker closed the run: the next kubelet line starts a new run even with the same PID. */
  private hardClosed = false;
  private lastFatal?: string;
  /** Epoch ms of each run's last record, when known (orders runs from several sources). */
  private lastMs: (number | undefined)[] = [];

  /** Boot markers (`-- Boot abc --`, `-- Reboot --`, a new `_BOOT_ID`) close the current run. */
  boot(): void {
    this.closed = true;
    this.hardClosed = true;
  }

  /** Observe a record; returns the index of the run it belongs to. */
  observe(rec: LogRecord): number {
    if (rec.host && this.facts.hostnames.length < 8 && !this.facts.hostnames.includes(rec.host)) this.facts.hostnames.push(rec.host);
    if (rec.fromSystemd) return this.systemd(rec);
    if (!rec.fromKubelet) return this.current?.index ?? 0;
    const cur = this.current;
    if (!cur || this.needsNewRun(cur, rec)) this.start(rec);
    const run = this.current!;
    run.pid ??= rec.pid;
    run.endLine = rec.endLine ?? rec.line;
    if (rec.timeText) run.lastTime = rec.timeText;
    run.firstTime ??= rec.timeText;
    if (rec.time !== undefined) this.lastMs[run.index] = rec.time;
    run.records++;
    const msg = rec.message;
    if (msg.length < 600) this.facts_(run, msg);
    return run.index;
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

  private facts_(run: KubeletRun, msg: string): void {
    if (msg.includes('ersion') || msg.startsWith('Starting k')) {
      const v = VERSION.exec(msg);
      if (v) {
        run.kubeletVersion = v[1];
        this.facts.kubeletVersion = v[1];
      }
    }
    if (msg.includes('egister')) {
      const r = REGISTER.exec(msg);
      if (r) this.facts.nodeName = r[1] ?? r[2] ?? r[3] ?? r[4];
      const ok = REGISTERED.exec(msg);
      if (ok) {
        this.facts.nodeName = ok[1] ?? ok[2] ?? ok[3] ?? ok[4];
        this.facts.registered = true;
      }
    }
    if (msg.includes('CIDR') || msg.includes('podcidr')) {
      const c = POD_CIDR.exec(msg);
      if (c) this.facts.podCIDRSeen = c[1];
    }
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
      this.facts.registered = undefined;
      return;
    }
    const run: KubeletRun = {
      index: this.runs.length,
      pid: rec?.pid,
      source: rec?.source ?? '',
      startLine: rec?.line ?? 0,
      endLine: rec?.line ?? 0,
      firstTime: rec?.timeText,
      records: 0,
    };
    this.runs.push(run);
    this.lastMs.push(rec?.time);
    this.current = run;
    this.closed = false;
    this.hardClosed = false;
    this.lastFatal = undefined;
    // "registered" describes the latest run
    if (rec) this.facts.registered = undefined;
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
        this.lastMs[run.index] = rec.time;
        this.facts.registered = undefined;
      }
      return this.current!.index;
    }
    const run = this.current;
    if (!run) return 0;
    const ex = EXITED.exec(msg);
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
      if (best >= 0) return best;
    }
    for (let i = this.runs.length - 1; i >= 0; i--) if (this.runs[i]!.records > 0) return i;
    return Math.max(0, this.runs.length - 1);
  }
}

/**
 * A crash loop: at least three runs ended in failure (or systemd's restart counter reached 3) and the
 * latest run did not recover (it failed too, or never got going).
 */
export function crashLoopOf(runs: KubeletRun[], latest: number): { runs: number; restartCounter?: number; exitStatus?: string } | undefined {
  const failed = runs.filter((r) => r.exit && !/^0\b|^0\/|^success$/.test(r.exit.status));
  const maxCounter = Math.max(0, ...runs.map((r) => r.restartCounter ?? 0));
  if (failed.length < 3 && maxCounter < 3) return undefined;
  const last = runs[latest];
  // the latest run is up and past the point where the earlier ones died: recovered, not looping
  if (last && !last.exit && last.records > 0) {
    const maxFailedRecords = Math.max(0, ...failed.map((r) => r.records));
    if (last.records > Math.max(50, maxFailedRecords * 2)) return undefined;
  }
  return { runs: runs.length, restartCounter: maxCounter || undefined, exitStatus: failed[failed.length - 1]?.exit?.status };
}
