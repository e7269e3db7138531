// Segments a journal into kubelet runs (process lifetimes): a new run starts when systemd starts the
// unit, when the kubelet PID changes, or after a boot marker; systemd's exit and restart lines close it.

import type { JournalFacts } from '../evidence.js';
import type { KubeletRun, LogRecord } from '../types.js';

const STARTED = /^(?:Started|Starting) .*(?:kubelet|Kubernetes (?:Kubelet|Node Agent))/i;
const EXITED = /Main process exited, code=(\w+), status=(\S+?)\.?$/;
const FAILED_RESULT = /kubelet[\w@.-]*\.service: Failed with result '([\w-]+)'/;
const RESTART = /restart counter is at (\d+)/;
const VERSION = /(?:"Kubelet version" kubeletVersion="|Kubelet version: |server\.go:\d+\] Version: |^Version: )(v\d+\.\d+\.\d+[\w.+-]*)/;
const REGISTER = /Attempting to register node "?([\w.-]+)"?|"Attempting to register node" node="([\w.-]+)"/;
const REGISTERED = /Successfully registered node "?([\w.-]+)"?|"Successfully registered node" node="([\w.-]+)"|Node ([\w.-]+) was previously registered|"Node was previously registered" node="([\w.-]+)"/;
const POD_CIDR = /(?:Setting Pod CIDR: .*? -> |"Updating Pod CIDR" originalPodCIDR="[^"]*" newPodCIDR=")([0-9a-f.:/,]+)/i;

export class RunTracker {
  readonly runs: KubeletRun[] = [];
  readonly facts: JournalFacts = { hostnames: [] };
  private current?: KubeletRun;
  /** The current run is closed (exited/boot marker); the next kubelet line starts a new one. */
  private closed = true;
  private lastFatal?: string;

  /** Boot markers (`-- Boot abc --`, `-- Reboot --`) close the current run. */
  boot(): void {
    this.closed = true;
  }

  /** Observe a record; returns the index of the run it belongs to. */
  observe(rec: LogRecord): number {
    if (rec.host && this.facts.hostnames.length < 8 && !this.facts.hostnames.includes(rec.host)) this.facts.hostnames.push(rec.host);
    if (rec.fromSystemd) return this.systemd(rec);
    if (!rec.fromKubelet) return this.current?.index ?? 0;
    if (!this.current || this.closed || (rec.pid !== undefined && this.current.pid !== undefined && rec.pid !== this.current.pid)) {
      this.start(rec);
    }
    const run = this.current!;
    run.pid ??= rec.pid;
    run.endLine = rec.endLine ?? rec.line;
    run.lastTime = rec.timeText ?? run.lastTime;
    run.firstTime ??= rec.timeText;
    run.records++;
    const msg = rec.message;
    if (msg.length < 400) {
      const v = VERSION.exec(msg);
      if (v) {
        run.kubeletVersion = v[1];
        this.facts.kubeletVersion = v[1];
      }
      const r = REGISTER.exec(msg);
      if (r) this.facts.nodeName = r[1] ?? r[2];
      const ok = REGISTERED.exec(msg);
      if (ok) {
        this.facts.nodeName = ok[1] ?? ok[2] ?? ok[3] ?? ok[4];
        this.facts.registered = true;
      }
      const c = POD_CIDR.exec(msg);
      if (c) this.facts.podCIDRSeen = c[1];
    }
    return run.index;
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
    this.current = run;
    this.closed = false;
    this.lastFatal = undefined;
  }

  private systemd(rec: LogRecord): number {
    const msg = rec.message;
    if (STARTED.test(msg)) {
      if (!this.current || this.current.records > 0 || this.closed) {
        this.start(undefined, true);
        this.current!.source = rec.source;
        this.current!.startLine = rec.line;
        this.current!.endLine = rec.line;
        this.current!.firstTime = rec.timeText;
      }
      return this.current!.index;
    }
    const run = this.current;
    if (!run) return 0;
    const ex = EXITED.exec(msg);
    if (ex) {
      run.exit = { code: ex[1]!, status: ex[2]!, line: rec.line, text: msg };
      if (this.lastFatal && !/^0\b|^0\//.test(ex[2]!)) run.exitCause = this.lastFatal;
      run.endLine = rec.line;
      this.closed = true;
      return run.index;
    }
    const fr = FAILED_RESULT.exec(msg);
    if (fr && !run.exit) {
      run.exit = { code: fr[1]!, status: fr[1]!, line: rec.line, text: msg };
      if (this.lastFatal) run.exitCause = this.lastFatal;
      this.closed = true;
    }
    const rc = RESTART.exec(msg);
    if (rc) {
      run.restartCounter = Number(rc[1]);
      this.closed = true;
    }
    if (/^Stopped |: Deactivated successfully|: Consumed /.test(msg)) this.closed = true;
    return run.index;
  }

  /** The run that decides what is wrong now: the last one with kubelet records. */
  latestRun(): number {
    for (let i = this.runs.length - 1; i >= 0; i--) if (this.runs[i]!.records > 0) return i;
    return Math.max(0, this.runs.length - 1);
  }
}
