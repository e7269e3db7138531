// The one scan pipeline that `scan`, `follow` and the TUI drive: the rules (minus --ignore), the evidence
// kinds they need, the journal scanner compiled from their patterns, node state read only where it belongs
// to the journal's node, and the diagnosis assembled into a Report. `scan` feeds it every input once
// (scan.ts); follow mode feeds it as lines arrive and asks for a report on a debounce (follow.ts).

import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { collectEvidence, type CollectOptions } from './collectors/index.js';
import { diagnose, verdict } from './engine/diagnose.js';
import type { RuleHits } from './engine/hits.js';
import { compileMatcher } from './engine/matcher.js';
import { JournalScanner, type JournalScanOptions } from './engine/scan-journal.js';
import type { Availability, EvidenceKind, JournalEvidence } from './evidence.js';
import type { JournalChoice } from './journal/inputs.js';
import type { JournalInput } from './journal/read.js';
import { crashLoopOf } from './journal/runs.js';
import type { Rule } from './rules/model.js';
import { stateWants } from './rules/state-match.js';
import type { LogRecord, Report, SourceInfo } from './types.js';
import { redactDeep } from './redact.js';
import { boundRunIndexes, boundRuns } from './run-summary.js';
import { KUBELET_PROCESS } from './kubelet-identity.js';
import { readIdentity } from './collectors/identity.js';
import { TOOL_VERSION } from './version.js';

export interface ScanOptions extends JournalChoice {
  rules: Rule[];
  /** Read a captured tree instead of the live node. */
  root?: string;
  ignore?: string[];
  now?: Date;
  citeLimit?: number;
  kubeconfig?: string;
  /** --context: a context of the kubeconfig. */
  kubeContext?: string;
  nodeFile?: string;
  useApi?: boolean;
  hostnameOverride?: string;
  kubeletVersion?: string;
  /** Read node state (cgroups, config, certificates…): true, false, or undefined = decide (see nodeStateDecision). */
  nodeState?: boolean;
  /** Add the node's facts (identity, versions, settings) to the report when node state is read (default true). */
  facts?: boolean;
  onProgress?: (source: string, lines: number) => void;
  /** Node evidence collectors starting and ending (CollectOptions.onCollector). */
  onCollector?: CollectOptions['onCollector'];
  onHit?: (ruleId: string, rec: LogRecord) => void;
}

export class ScanPipeline {
  /** The rules that run (--ignore applied). */
  readonly rules: Rule[];
  /** The evidence kinds they need: only those are read. */
  readonly kinds: Set<EvidenceKind>;
  /** The sysctls and node paths the rules' state conditions name (the collectors read them too). */
  readonly wants: CollectOptions['wants'];
  readonly scanner: JournalScanner;

  constructor(
    readonly o: ScanOptions,
    hooks: Pick<JournalScanOptions, 'onHit' | 'onProgress'> = {},
  ) {
    const ignore = new Set(o.ignore ?? []);
    this.rules = o.rules.filter((r) => !ignore.has(r.id));
    this.kinds = new Set<EvidenceKind>(this.rules.flatMap((r) => r.evidence));
    this.wants = stateWants(this.rules);
    const journalRules = this.rules.filter((r) => r.match?.journal?.length);
    this.scanner = new JournalScanner(compileMatcher(journalRules), { now: o.now ?? new Date(), citeLimit: o.citeLimit, ...hooks, rules: journalRules });
  }

  /** Read journal inputs to their end, in order. */
  async read(inputs: JournalInput[]): Promise<void> {
    for (const input of inputs) await this.scanner.scan(input);
  }

  /** The journal as evidence so far: its runs and facts, or why there is none. */
  journal(noRecords: () => string): Availability<JournalEvidence> {
    const res = this.scanner.result();
    return res.records === 0 ? { ok: false, reason: noRecords() } : { ok: true, value: res.evidence };
  }

  /** Node state for the kinds the rules need, when it belongs to the journal's node (nodeStateDecision). */
  collect(now: Date, jv: JournalEvidence | undefined): Promise<{ evidence: Map<EvidenceKind, Availability>; sources: SourceInfo[] }> {
    return collectNodeState(this.o, now, [...this.kinds], jv, this.wants);
  }

  /** Diagnose with the journal's hits so far and this evidence (no timing stats). */
  report(evidence: Map<EvidenceKind, Availability>, sources: SourceInfo[], now: Date): Report {
    return assembleReport({ o: this.o, rules: this.rules, evidence, hits: this.scanner.result().hits, now, sources });
  }
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
  wants: CollectOptions['wants'] = stateWants(o.rules),
): Promise<{ evidence: Map<EvidenceKind, Availability>; sources: SourceInfo[] }> {
  const wanted = kinds.filter((k) => k !== 'journal');
  const opts: CollectOptions = {
    root: o.root ?? '/',
    live: !o.root,
    now,
    kubeconfig: o.kubeconfig,
    kubeContext: o.kubeContext,
    nodeFile: o.nodeFile,
    useApi: o.useApi ?? !o.root,
    hostnameOverride: o.hostnameOverride,
    kubeletVersion: o.kubeletVersion ?? jv?.facts.kubeletVersion,
    onCollector: o.onCollector,
    wants,
  };
  const decision = nodeStateDecision(o, jv?.facts.hostnames ?? []);
  if (decision.collect) {
    const got = await collectEvidence(wanted, opts);
    const other = o.root ? otherHostWarning(o.root, jv?.facts.hostnames ?? []) : undefined;
    if (other) got.sources.unshift({ name: o.root!, kind: 'root', problems: [other] });
    return got;
  }
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
  // a crash loop is a bounded summary (run-summary.ts): a journal of 100,000 restarts makes a small report
  const bounded = boundRuns(allRuns, latest, jv?.runsTotal);
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
    crashLoop: crashLoopOf(allRuns, latest, jv ?? {}),
    findings,
    skipped,
    rulesRun,
  };
  report.verdict = verdict(report);
  // the one place text enters a report (scans, follow events, check): no secret gets past it
  return redactDeep(report);
}

/**
 * Whether this machine looks like a Kubernetes node (so its /proc, /sys and /etc are worth reading): node
 * directories, or a kubelet process in this mount namespace. A kubelet in another one (a kind node
 * container, a lab) reads its files there, not here, so it does not make this machine's /etc a node's.
 */
export function looksLikeNode(root = '/'): boolean {
  if (['var/lib/kubelet', 'etc/kubernetes', 'var/lib/rancher', 'var/snap/microk8s'].some((p) => existsSync(`${root}${p}`))) return true;
  const ourMounts = safeLink('/proc/self/ns/mnt');
  try {
    return readdirSync('/proc').some(
      (d) => /^\d+$/.test(d) && KUBELET_PROCESS.test(safeRead(`/proc/${d}/comm`).trim()) && safeLink(`/proc/${d}/ns/mnt`) === ourMounts,
    );
  } catch {
    return false;
  }
}

function safeLink(p: string): string | undefined {
  try {
    return readlinkSync(p);
  } catch {
    return undefined;
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

/**
 * A journal paired with a capture (--root) of another host: the findings would mix two machines. Said as a
 * problem of the capture (every format lists it), from the journal's host names and the capture's /etc/hostname.
 */
export function otherHostWarning(root: string, journalHosts: string[]): string | undefined {
  const captured = readIdentity(root).hostname;
  if (!captured || !journalHosts.length) return undefined;
  const short = (h: string) => h.toLowerCase().split('.')[0];
  if (journalHosts.some((h) => short(h) === short(captured))) return undefined;
  return `the journal is from ${journalHosts.slice(0, 3).join(', ')}${journalHosts.length > 3 ? ' …' : ''}, but this capture's /etc/hostname is ${captured}: they may be different machines, and the findings would mix them`;
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
