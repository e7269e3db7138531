// One scan end to end: pick rules, read the journal (one streaming pass), run the collectors the
// rules need, diagnose, and assemble the Report. No output here: renderers take the Report.

import { boundRunIndexes, boundRuns } from './run-summary.js';
import { existsSync, fstatSync, readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { collectEvidence, type CollectOptions } from './collectors/index.js';
import { diagnose, verdict, type Availability } from './engine/diagnose.js';
import type { RuleHits } from './engine/hits.js';
import { compileMatcher } from './engine/matcher.js';
import { JournalScanner } from './engine/scan-journal.js';
import type { EvidenceKind, JournalEvidence } from './evidence.js';
import { fileInput, journalctlInput, type JournalInput } from './journal/read.js';
import { crashLoopOf } from './journal/runs.js';
import type { Rule } from './rules/model.js';
import type { LogRecord, Report, SourceInfo } from './types.js';
import { redactDeep } from './redact.js';
import { TOOL_VERSION } from './version.js';

export interface ScanOptions {
  rules: Rule[];
  /** Journal files; `-` for stdin. */
  journals?: string[];
  /** Ready-made inputs (tests, follow mode). */
  inputs?: JournalInput[];
  /** Read a captured tree instead of the live node. */
  root?: string;
  since?: string;
  boot?: string | boolean;
  /** Do not run journalctl on the node even when no journal is given. */
  noJournalctl?: boolean;
  ignore?: string[];
  now?: Date;
  citeLimit?: number;
  kubeconfig?: string;
  nodeFile?: string;
  useApi?: boolean;
  hostnameOverride?: string;
  kubeletVersion?: string;
  /** Read node state (cgroups, config, certificates…): true, false, or undefined = decide (see nodeStateDecision). */
  nodeState?: boolean;
  onProgress?: (source: string, lines: number) => void;
  /** Node evidence collectors starting and ending (CollectOptions.onCollector). */
  onCollector?: CollectOptions['onCollector'];
  onHit?: (ruleId: string, rec: LogRecord) => void;
}

/** Whether stdin carries data we may read without hanging (a pipe or a redirected file). */
export function stdinIsPiped(o: { sockets?: boolean } = {}): boolean {
  try {
    const st = fstatSync(0);
    // journalctl | kubelet-doctor gives a FIFO; `< file` a file; Node's and some supervisors' pipes are sockets
    return st.isFIFO() || st.isFile() || (o.sockets !== false && st.isSocket());
  } catch {
    return false;
  }
}

/** Decide the journal inputs and say why, so the report can show it. */
export function journalInputs(o: ScanOptions): { inputs: JournalInput[]; reason?: string } {
  if (o.inputs) return { inputs: o.inputs, reason: o.inputs.length ? undefined : 'journal: none given' };
  // a regular file's path lets the scan split a large one across two threads (engine/parallel-scan.ts)
  if (o.journals?.length) return { inputs: o.journals.map((p) => (p === '-' ? fileInput(p) : { ...fileInput(p), path: p })) };
  // `journalctl … | kubelet-doctor scan --root capture/` pairs the journal with the capture; a socket on
  // stdin (a supervisor's, never closed) is not taken as a journal when a capture is the subject
  if (o.root && stdinIsPiped({ sockets: false })) return { inputs: [fileInput('-')] };
  if (o.root) return { inputs: [], reason: 'journal: none given (--root scans read no live journal; pass --journal FILE)' };
  if (stdinIsPiped()) return { inputs: [fileInput('-')] };
  if (o.noJournalctl) return { inputs: [], reason: 'journal: none given' };
  return { inputs: [journalctlInput({ since: o.since, boot: o.boot })] };
}

export async function runScan(o: ScanOptions): Promise<Report> {
  const t0 = performance.now();
  const now = o.now ?? new Date();
  const ignore = new Set(o.ignore ?? []);
  const rules = o.rules.filter((r) => !ignore.has(r.id));
  const kinds = new Set<EvidenceKind>(rules.flatMap((r) => r.evidence));
  const sources: SourceInfo[] = [];
  const evidence = new Map<EvidenceKind, Availability>();

  // 1. the journal, in one streaming pass
  const tj = performance.now();
  const journalRules = rules.filter((r) => r.match?.journal?.length);
  const matcher = compileMatcher(journalRules);
  const scanner = new JournalScanner(matcher, { now, citeLimit: o.citeLimit, onProgress: o.onProgress, onHit: o.onHit, rules: journalRules });
  let journalStats = { lines: 0, records: 0, bytes: 0 };
  let hits = new Map<string, RuleHits>();
  if (kinds.has('journal')) {
    const { inputs, reason } = journalInputs(o);
    for (const input of inputs) await scanner.scan(input);
    const res = scanner.result();
    hits = res.hits;
    journalStats = res;
    sources.push(...res.evidence.sources);
    if (inputs.length === 0) evidence.set('journal', { ok: false, reason: reason ?? 'journal: none given' });
    else if (res.records === 0) evidence.set('journal', { ok: false, reason: `journal: no log records in ${inputs.map((i) => i.name).join(', ')}` });
    else evidence.set('journal', { ok: true, value: res.evidence });
  }
  const journalMs = performance.now() - tj;

  // 2. node state, only the kinds the enabled rules need
  const tc = performance.now();
  const journalEv = evidence.get('journal');
  const jv = journalEv?.ok ? (journalEv.value as JournalEvidence) : undefined;
  const node = await collectNodeState(o, now, [...kinds], jv);
  for (const [k, v] of node.evidence) evidence.set(k, v);
  sources.push(...node.sources);
  const collectMs = performance.now() - tc;

  // 3. diagnosis
  const td = performance.now();
  const report = assembleReport({ o, rules, evidence, hits, now, sources });
  const threads = scanner.parallel.some((p) => p.merged) ? 2 : 1;
  report.stats = {
    threads,
    bytes: journalStats.bytes,
    lines: journalStats.lines,
    records: journalStats.records,
    // read: I/O, the literal prefilter and the line walk — the journal pass minus parsing and matching, or,
    // when two threads shared it, their own sums
    ms: {
      journal: journalMs,
      read: threads > 1 ? scanner.timing.prefilter : Math.max(0, journalMs - scanner.timing.parse - scanner.timing.match),
      parse: scanner.timing.parse,
      match: scanner.timing.match,
      collect: collectMs,
      diagnose: performance.now() - td,
      total: performance.now() - t0,
    },
  };
  return report;
}

/**
 * Collect the node-state kinds, or say why not (nodeStateDecision). A saved Node object (--node)
 * speaks for its node wherever the doctor runs.
 */
export async function collectNodeState(
  o: ScanOptions,
  now: Date,
  kinds: EvidenceKind[],
  jv: JournalEvidence | undefined,
): Promise<{ evidence: Map<EvidenceKind, Availability>; sources: SourceInfo[] }> {
  const wanted = kinds.filter((k) => k !== 'journal');
  const opts: CollectOptions = {
    root: o.root ?? '/',
    live: !o.root,
    now,
    kubeconfig: o.kubeconfig,
    nodeFile: o.nodeFile,
    useApi: o.useApi ?? !o.root,
    hostnameOverride: o.hostnameOverride,
    kubeletVersion: o.kubeletVersion ?? jv?.facts.kubeletVersion,
    onCollector: o.onCollector,
  };
  const decision = nodeStateDecision(o, jv?.facts.hostnames ?? []);
  if (decision.collect) return collectEvidence(wanted, opts);
  const evidence = new Map<EvidenceKind, Availability>(wanted.map((k) => [k, { ok: false, reason: decision.reason! }]));
  for (const [k, a] of evidence) if (k !== 'node' || !o.nodeFile) o.onCollector?.(k, 'done', a);
  if (!o.nodeFile || !wanted.includes('node')) return { evidence, sources: [] };
  const fromFile = await collectEvidence(['node'], { ...opts, useApi: false });
  for (const [k, v] of fromFile.evidence) evidence.set(k, v);
  return { evidence, sources: fromFile.sources };
}

/** Diagnose and assemble the Report (no timing stats) — shared by scans and follow mode. */
export function assembleReport(a: {
  o: Pick<ScanOptions, 'kubeletVersion'>;
  rules: Rule[];
  evidence: Map<EvidenceKind, Availability>;
  hits: Map<string, RuleHits>;
  now: Date;
  sources: SourceInfo[];
}): Report {
  const journalEv = a.evidence.get('journal');
  const jv = journalEv?.ok ? (journalEv.value as JournalEvidence) : undefined;
  const kubeletVersion = a.o.kubeletVersion ?? jv?.facts.kubeletVersion ?? nodeKubeletVersion(a.evidence);
  const { findings, skipped, rulesRun } = diagnose({ rules: a.rules, evidence: a.evidence, hits: a.hits, now: a.now, kubeletVersion });
  const allRuns = jv?.runs ?? [];
  const latest = jv?.latestRun ?? allRuns.length - 1;
  const bounded = boundRuns(allRuns, latest);
  const runs = bounded.runs;
  for (const f of findings) f.runs = boundRunIndexes(f.runs);
  const report: Report = {
    version: 1,
    tool: { name: 'kubelet-doctor', version: TOOL_VERSION },
    generatedAt: a.now.toISOString(),
    verdict: '',
    node: { name: jv?.facts.nodeName ?? nodeName(a.evidence) ?? jv?.facts.hostnames[0], kubeletVersion },
    sources: a.sources,
    runs,
    ...(bounded.total !== undefined ? { runsTotal: bounded.total } : {}),
    // a loop that the latest run broke out of is history, not the current state (journal/runs.ts)
    crashLoop: crashLoopOf(allRuns, latest),
    findings,
    skipped,
    rulesRun,
  };
  report.verdict = verdict(report);
  // the one place text enters a report (scans, follow events, check): no secret gets past it
  return redactDeep(report);
}

/** Whether this machine looks like a Kubernetes node (so its /proc, /sys and /etc are worth reading). */
export function looksLikeNode(root = '/'): boolean {
  if (['var/lib/kubelet', 'etc/kubernetes', 'var/lib/rancher', 'var/snap/microk8s'].some((p) => existsSync(`${root}${p}`))) return true;
  try {
    return readdirSync('/proc').some((d) => /^\d+$/.test(d) && /kubelet|kubelite|^k3s|^k0s/.test(safeRead(`/proc/${d}/comm`)));
  } catch {
    return false;
  }
}

function safeRead(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Node state comes from a captured tree (--root) always. From this machine only when it looks like a
 * node and the journal (if any) was written here: a journal piped in from another host must not be
 * diagnosed with this workstation's cgroups and sysctls.
 */
export function nodeStateDecision(o: Pick<ScanOptions, 'root' | 'nodeState' | 'nodeFile'>, journalHosts: string[]): { collect: boolean; reason?: string } {
  if (o.nodeState === true || o.root) return { collect: true };
  if (o.nodeState === false) return { collect: false, reason: 'node state: not read (journal-only scan; use --root DIR for a captured tree)' };
  const here = hostname();
  if (journalHosts.length && !journalHosts.some((h) => h === here || h.split('.')[0] === here.split('.')[0]))
    return { collect: false, reason: `node state: not read — the journal is from ${journalHosts[0]}, this machine is ${here} (run on that node, or pass --root with a capture of it)` };
  if (!looksLikeNode()) return { collect: false, reason: `node state: not read — ${here} does not look like a Kubernetes node (no /var/lib/kubelet, /etc/kubernetes or kubelet process); use --root DIR for a captured tree` };
  return { collect: true };
}

function nodeKubeletVersion(evidence: Map<EvidenceKind, Availability>): string | undefined {
  const n = evidence.get('node');
  const v = n?.ok ? (n.value as { kubeletVersion?: string } | undefined) : undefined;
  return v?.kubeletVersion;
}

function nodeName(evidence: Map<EvidenceKind, Availability>): string | undefined {
  const n = evidence.get('node');
  const v = n?.ok ? (n.value as { name?: string } | undefined) : undefined;
  return v?.name;
}
