// Follow mode: `journalctl -fu kubelet | kubelet-doctor scan --follow`, `--follow --journal FILE`
// (tail -f), or `--follow` alone on a node (runs `journalctl -f` itself). Lines are fed through the
// same JournalScanner as a scan, which keeps only bounded aggregates; the diagnosis is redone on a
// short debounce after a match and on a slow tick while lines flow, never per line. Node evidence
// is collected at the start and, on a live node, again every 15 s: what someone fixes while watching
// (a cgroup created, swap turned off, a config corrected) shows as a finding resolved.

import { spawn } from 'node:child_process';
import { promises as fsp, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Chalk } from 'chalk';
import type { Availability } from './engine/diagnose.js';
import { compileMatcher } from './engine/matcher.js';
import { JournalScanner } from './engine/scan-journal.js';
import type { EvidenceKind, JournalEvidence } from './evidence.js';
import { fileInput, journalctlArgs, type JournalInput } from './journal/read.js';
import { assembleReport, collectNodeState, stdinIsPiped, type ScanOptions } from './scan.js';
import type { Finding, Report, Severity, SourceInfo } from './types.js';

export interface FindingChange {
  key: string;
  finding: Finding;
  /** resolved: gone since the last update (node state read again no longer shows it) */
  kind: 'new' | 'more' | 'resolved';
  /** New matches since the last update ('more'), or the finding's count ('new'); 0 when resolved. */
  delta: number;
}

export interface FollowStatus {
  source: string;
  records: number;
  ended: boolean;
  endReason?: string;
}

export interface FollowInput {
  input: JournalInput;
  /** Stop reading (kill journalctl, stop tailing, close stdin). */
  stop(): void;
}

/** `tail -F` of a file: read to the end, then wait for more; reopen when the file is rotated or truncated. */
export function tailInput(path: string, pollMs = 250): FollowInput {
  let stopped = false;
  let wake: (() => void) | undefined;
  async function* chunks(): AsyncGenerator<Buffer> {
    let fh = await fsp.open(path, 'r');
    let pos = 0;
    const buf = Buffer.alloc(1 << 20);
    try {
      while (!stopped) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead > 0) {
          pos += bytesRead;
          yield Buffer.from(buf.subarray(0, bytesRead));
          continue;
        }
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, pollMs);
        });
        const [cur, now] = [await fh.stat(), (() => { try { return statSync(path); } catch { return undefined; } })()];
        if (now && (now.ino !== cur.ino || now.size < pos)) {
          await fh.close();
          fh = await fsp.open(path, 'r');
          pos = 0;
        }
      }
    } finally {
      await fh.close();
    }
  }
  return {
    input: { name: path, note: `followed ${path} (read to the end, then new lines as they are written)`, open: () => Readable.from(chunks(), { objectMode: false }) },
    stop: () => {
      stopped = true;
      wake?.();
    },
  };
}

/** `journalctl -u kubelet -o json --all --no-pager --follow`, as a child we can stop. */
export function journalctlFollowInput(o: { since?: string; boot?: string | boolean }): FollowInput {
  const args = journalctlArgs({ since: o.since, boot: o.boot, follow: true });
  let child: ReturnType<typeof spawn> | undefined;
  return {
    input: {
      name: 'journalctl',
      note: `ran: journalctl ${args.join(' ')}`,
      open: () => {
        child = spawn('journalctl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => {
          if (stderr.length < 4096) stderr += d.toString();
        });
        const out = child.stdout!;
        child.on('error', (err) => out.destroy(new Error(`cannot run journalctl: ${err.message}`)));
        child.on('close', (code) => {
          if (code) out.destroy(new Error(`journalctl exited ${code}: ${stderr.trim()}`));
        });
        return out;
      },
    },
    stop: () => {
      child?.kill('SIGTERM');
    },
  };
}

/** What to follow: a piped stdin, the one --journal given (a file is tailed), or journalctl -f. */
export function followInput(o: ScanOptions): FollowInput {
  const journals = o.journals ?? [];
  if (journals.length > 1) throw new Error('--follow reads one journal: give one --journal, pipe it in, or none to run journalctl -f');
  if (journals[0] === '-' || (!journals.length && stdinIsPiped())) {
    const input = fileInput('-');
    return { input, stop: () => process.stdin.destroy() };
  }
  if (journals[0]) return tailInput(journals[0]);
  if (o.root) throw new Error('--follow with --root needs the journal to follow: --journal FILE or a pipe');
  return journalctlFollowInput({ since: o.since, boot: o.boot });
}

export interface FollowerOptions {
  scan: ScanOptions;
  input: FollowInput;
  /** Wait this long after a match before diagnosing again (default 150 ms). */
  debounceMs?: number;
  /** Diagnose again at least this often while lines arrive (default 1000 ms). */
  tickMs?: number;
  /**
   * Read node state again this often (ms). Default: 15 s when it is this machine's state; never for a
   * captured tree (`--root`), which does not change.
   */
  nodeRefreshMs?: number;
  onUpdate?: (report: Report, changes: FindingChange[], status: FollowStatus) => void;
}

function findingKey(f: Finding, seen: Map<string, number>): string {
  const n = seen.get(f.ruleId) ?? 0;
  seen.set(f.ruleId, n + 1);
  return `${f.ruleId}#${n}`;
}

export class Follower {
  readonly status: FollowStatus;
  private readonly scanner: JournalScanner;
  private readonly rules: ScanOptions['rules'];
  private readonly kinds: Set<EvidenceKind>;
  private nodeEvidence = new Map<EvidenceKind, Availability>();
  private nodeSources: SourceInfo[] = [];
  private collected = false;
  private debounce?: NodeJS.Timeout;
  private ticker?: NodeJS.Timeout;
  private lastRecords = -1;
  /** The findings of the last update, by key: their counts, and what a resolved one was. */
  private shown = new Map<string, Finding>();
  private collectedAt = 0;
  private last?: Report;

  constructor(private readonly o: FollowerOptions) {
    const ignore = new Set(o.scan.ignore ?? []);
    this.rules = o.scan.rules.filter((r) => !ignore.has(r.id));
    this.kinds = new Set(this.rules.flatMap((r) => r.evidence));
    const matcher = compileMatcher(this.rules.filter((r) => r.match?.journal?.length));
    this.scanner = new JournalScanner(matcher, { now: o.scan.now ?? new Date(), citeLimit: o.scan.citeLimit, onHit: () => this.schedule() });
    this.status = { source: o.input.input.name, records: 0, ended: false };
  }

  private schedule(): void {
    this.debounce ??= setTimeout(() => {
      this.debounce = undefined;
      this.update();
    }, this.o.debounceMs ?? 150);
  }

  /** Diagnose what has been read so far and tell the listener what changed. */
  update(): Report {
    this.startCollecting();
    const report = this.snapshot();
    this.lastRecords = this.scanner.records;
    const changes: FindingChange[] = [];
    const seen = new Map<string, number>();
    const shown = new Map<string, Finding>();
    for (const f of report.findings) {
      const key = findingKey(f, seen);
      shown.set(key, f);
      const before = this.shown.get(key)?.count;
      if (before === undefined) changes.push({ key, finding: f, kind: 'new', delta: f.count });
      else if (f.count > before) changes.push({ key, finding: f, kind: 'more', delta: f.count - before });
    }
    // only what node state showed can be fixed while following (journal matches only accumulate)
    for (const [key, gone] of this.shown) if (!shown.has(key) && gone.evidence.some((e) => e.kind !== 'journal')) changes.push({ key, finding: gone, kind: 'resolved', delta: 0 });
    this.shown = shown;
    this.last = report;
    this.o.onUpdate?.(report, changes, { ...this.status });
    return report;
  }

  /** The report for everything read so far. */
  snapshot(): Report {
    const now = this.o.scan.now ?? new Date();
    const res = this.scanner.result();
    this.status.records = res.records;
    const evidence = new Map(this.nodeEvidence);
    let jv: JournalEvidence | undefined;
    if (this.kinds.has('journal')) {
      if (res.records === 0) evidence.set('journal', { ok: false, reason: `journal: no log records yet from ${this.status.source}` });
      else {
        jv = res.evidence;
        evidence.set('journal', { ok: true, value: jv });
      }
    }
    for (const k of this.kinds) if (k !== 'journal' && !evidence.has(k)) evidence.set(k, { ok: false, reason: `${k}: still being collected` });
    const sources = res.evidence.sources.map((s) => ({ ...s, records: s.records || res.records, problems: [...s.problems] }));
    const report = assembleReport({ o: this.o.scan, rules: this.rules, evidence, hits: res.hits, now, sources: [...sources, ...this.nodeSources] });
    // follow mode waits on its input: only the counts and the parse/match time mean anything
    report.stats = { bytes: res.bytes, lines: res.lines, records: res.records, threads: 1, ms: { journal: 0, read: 0, parse: res.timing.parse, match: res.timing.match, collect: 0, diagnose: 0, total: 0 } };
    // The scanner keeps mutating its aggregates; hand out a copy that stays as it was.
    return structuredClone(report);
  }

  private collecting?: Promise<void>;
  private inputDone = false;

  /**
   * Node state is read as a scan would (scan.ts nodeStateDecision): from --root always, from this machine
   * only when the journal was written here, which is known once the first lines are in. Then again every
   * nodeRefreshMs while following.
   */
  private startCollecting(): void {
    if (this.collecting || !this.kinds.size) return;
    const s = this.o.scan;
    if (this.collected) {
      const every = this.o.nodeRefreshMs ?? (s.root ? undefined : NODE_REFRESH_MS);
      if (every === undefined || this.inputDone || Date.now() - this.collectedAt < every) return;
    } else {
      const hosts = this.scanner.tracker.facts.hostnames;
      if (!s.root && s.nodeState === undefined && !hosts.length && this.scanner.records === 0 && !this.inputDone) return;
    }
    this.collecting = (async () => {
      try {
        const c = await collectNodeState(s, s.now ?? new Date(), [...this.kinds], this.scanner.result().evidence);
        this.nodeEvidence = c.evidence;
        this.nodeSources = c.sources;
        this.collected = true;
        this.collectedAt = Date.now();
      } finally {
        this.collecting = undefined;
      }
      this.update();
    })();
  }

  /** Read until the input ends or stop() is called; resolves with the final report. */
  async run(): Promise<Report> {
    this.startCollecting();
    this.ticker = setInterval(() => {
      this.startCollecting();
      if (this.scanner.records !== this.lastRecords) this.update();
    }, this.o.tickMs ?? 1000);
    this.update();
    try {
      if (this.kinds.has('journal')) await this.scanner.scan(this.o.input.input);
      this.inputDone = true;
      this.startCollecting();
      await this.collecting;
    } finally {
      clearInterval(this.ticker);
      if (this.debounce) clearTimeout(this.debounce);
      this.debounce = undefined;
    }
    if (!this.status.ended) {
      this.status.ended = true;
      const problem = this.scanner.sources[0]?.problems.find((p) => /^read stopped early|^cannot open/.test(p));
      this.status.endReason ??= problem ?? 'end of input';
    }
    return this.update();
  }

  stop(reason = 'stopped'): void {
    if (this.status.ended) return;
    this.status.ended = true;
    this.status.endReason = reason;
    this.o.input.stop();
  }

  get lastReport(): Report | undefined {
    return this.last;
  }

  get collectorsDone(): boolean {
    return this.collected;
  }
}

const SEV: Record<Severity, string> = { error: 'ERROR', warning: 'WARN ', info: 'INFO ' };
/** How often a live node's state is read again while following. */
const NODE_REFRESH_MS = 15_000;

/** One line of text for a finding that just appeared (off-TTY follow output). */
export function findingLine(f: Finding, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const sev = (f.severity === 'error' ? c.red.bold : f.severity === 'warning' ? c.yellow.bold : c.cyan)(SEV[f.severity]);
  const cite = f.evidence[0];
  const at = cite ? ` (${cite.source}${cite.line !== undefined ? `:${cite.line}` : ''})` : '';
  const when = f.lastSeen ?? f.firstSeen ?? new Date().toISOString();
  const tags = [f.causedExit ? 'made the kubelet exit' : '', !f.current ? 'earlier run' : '', f.benign ? 'benign' : '', f.explainedBy ? `explained by ${f.explainedBy}` : ''].filter(Boolean);
  return `${c.dim(when)} ${sev} ${c.bold(f.title)} ${c.dim(`[${f.ruleId}]`)}${tags.length ? ` ${c.dim(`(${tags.join(', ')})`)}` : ''} — ${f.message}${c.dim(at)}`;
}

/** One line of text for a finding that is gone (node state read again no longer shows it). */
export function resolvedLine(f: Finding, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  return `${c.dim(new Date().toISOString())} ${c.green.bold('RESOLVED')} ${c.bold(f.title)} ${c.dim(`[${f.ruleId}]`)} — node state read again no longer shows it`;
}

export interface RunFollowOptions {
  scan: ScanOptions;
  /** text: a line per new finding; json: an object per line (NDJSON); others: the document at the end. */
  format: string;
  color: boolean;
  /** Whole-document output at the end (sarif, junit, markdown, or json without NDJSON). */
  renderAtEnd?: (r: Report) => string;
  write?: (s: string) => void;
  writeErr?: (s: string) => void;
}

/**
 * The CLI's follow mode off a terminal (the TUI's is tui/run.tsx runTuiFollow): a line per finding, or the
 * document at the end. Returns the final report (for --output and the exit code).
 */
export async function runFollow(o: RunFollowOptions): Promise<Report> {
  const fi = followInput(o.scan);
  const write = o.write ?? ((s: string) => void process.stdout.write(s));
  const writeErr = o.writeErr ?? ((s: string) => void process.stderr.write(s));
  const lines = o.format === 'text' || o.format === 'json';
  const follower = new Follower({
    scan: o.scan,
    input: fi,
    onUpdate: (_r, changes) => {
      for (const ch of changes) {
        if (ch.kind === 'more') continue;
        const resolved = ch.kind === 'resolved';
        if (o.format === 'json') write(`${JSON.stringify({ event: resolved ? 'resolved' : 'finding', key: ch.key, [resolved ? 'resolvedAt' : 'detectedAt']: new Date().toISOString(), ...ch.finding })}\n`);
        else (lines ? write : writeErr)(`${resolved ? resolvedLine(ch.finding, o.color && lines) : findingLine(ch.finding, o.color && lines)}\n`);
      }
    },
  });
  const onSignal = () => follower.stop('interrupted');
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const report = await follower.run();
    if (o.format === 'text') write(`${new Chalk({ level: o.color ? 1 : 0 }).dim(`follow ended (${follower.status.endReason}) after ${follower.status.records} records.`)} Verdict: ${report.verdict}\n`);
    else if (!lines && o.renderAtEnd) write(o.renderAtEnd(report));
    return report;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
