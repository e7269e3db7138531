// Pure: rules × evidence × journal hits → ranked findings. The root cause comes first; findings a
// cause explains are folded under it; signatures only seen in earlier kubelet runs rank last.

import type { Availability, Evidence, EvidenceKind, JournalEvidence } from '../evidence.js';
import { fillTemplate, satisfies, tidyProse, type Rule, type RuleOutcome } from '../rules/model.js';
import type { Citation, Finding, KubeletRun, Report, Severity, Skipped } from '../types.js';
import { runAt } from '../journal/run-window.js';
import { EXIT_RULE_ID, tellingRun } from './exit.js';
import { emptyHits, type RuleHits } from './hits.js';

// the old import path of the evidence model's Availability (src/evidence.ts)
export type { Availability } from '../evidence.js';

export interface DiagnoseInput {
  rules: Rule[];
  /** Evidence by kind: available with its value, or unavailable with the reason. */
  evidence: Map<EvidenceKind, Availability>;
  hits: Map<string, RuleHits>;
  now: Date;
  /** Kubelet version from any source (journal, node, --kubelet-version). */
  kubeletVersion?: string;
}

const SEV_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Journal hits as citations: each sample line, the first carrying the totals. */
export function journalCitations(hits: RuleHits, max = Infinity): Citation[] {
  const samples = [...hits.samples];
  if (hits.latest && !samples.includes(hits.latest) && !samples.some((s) => s.source === hits.latest!.source && s.line === hits.latest!.line)) samples.push(hits.latest);
  return samples.slice(0, max === Infinity ? undefined : max).map((s, i) => ({
    kind: 'journal' as const,
    source: s.source,
    line: s.line,
    endLine: s.rec?.endLine ?? s.endLine,
    text: s.text,
    highlight: s.highlight,
    run: s.run,
    firstSeen: s.timeText,
    ...(i === 0 ? { count: hits.count } : {}),
  }));
}

export function diagnose(input: DiagnoseInput): { findings: Finding[]; skipped: Skipped[]; rulesRun: string[] } {
  const { rules, evidence, hits, now } = input;
  const journal = evidence.get('journal');
  const j = journal?.ok ? (journal.value as JournalEvidence) : undefined;
  const latest = tellingRun(j);
  const latestRun: KubeletRun | undefined = j && runAt(j.runs, latest);
  const findings: Finding[] = [];
  const skipped: Skipped[] = [];
  const rulesRun: string[] = [];

  for (const rule of rules) {
    if (!satisfies(input.kubeletVersion, rule.kubeletVersions)) {
      skipped.push({ ruleId: rule.id, reason: `applies to kubelet ${rule.kubeletVersions}; this kubelet is ${input.kubeletVersion}` });
      continue;
    }
    const have: Partial<Evidence> = {};
    const missing: string[] = [];
    const unavailable: Partial<Record<EvidenceKind, string>> = {};
    for (const kind of rule.evidence) {
      const a = evidence.get(kind);
      if (a?.ok) (have as Record<string, unknown>)[kind] = a.value;
      else missing.push((unavailable[kind] = a ? a.reason : `${kind}: not collected`));
    }
    if (Object.keys(have).length === 0) {
      const reasons = [...new Set(missing)];
      skipped.push({ ruleId: rule.id, reason: reasons.join('; '), ...(reasons.length > 1 ? { reasons } : {}) });
      continue;
    }
    const h = hits.get(rule.id) ?? emptyHits(rule.match?.journal?.length ?? 0);
    let outcomes: RuleOutcome[];
    try {
      if (rule.check) {
        const res = rule.check({ evidence: have, hits: h, hitsOf: (id) => hits.get(id), now, unavailable });
        if (res && 'skip' in res) {
          skipped.push({ ruleId: rule.id, reason: res.skip });
          continue;
        }
        outcomes = res === undefined ? [] : Array.isArray(res) ? res : [res];
      } else {
        outcomes = h.count >= (rule.match?.minCount ?? 1) ? [{ evidence: [] }] : [];
      }
    } catch (e) {
      // A rule that throws is reported as unable to run, never as a pass.
      skipped.push({ ruleId: rule.id, reason: `rule failed to run: ${(e as Error).message}` });
      continue;
    }
    rulesRun.push(rule.id);
    for (const o of outcomes) {
      const fromJournal = h.count > 0;
      const citations = [...o.evidence];
      if (fromJournal && !citations.some((c) => c.kind === 'journal')) citations.unshift(...journalCitations(h));
      const current = o.current ?? (fromJournal ? h.runs.includes(latest) || !j?.runs.length : true);
      const vars: Record<string, string | undefined> = {
        count: String(h.count),
        node: j?.facts.nodeName ?? j?.facts.hostnames[0],
        kubeletVersion: input.kubeletVersion,
        ...h.captures,
        ...o.vars,
      };
      findings.push({
        ruleId: rule.id,
        severity: rule.benign ? 'info' : (o.severity ?? rule.severity),
        title: rule.title,
        category: rule.category,
        message: o.message !== undefined ? tidyProse(o.message) : fillTemplate(rule.message, vars, true),
        why: rule.why.trim(),
        evidence: citations,
        remediation: {
          summary: fillTemplate(rule.remediation.summary, vars, true),
          steps: rule.remediation.steps.map((s) => ({ text: fillTemplate(s.text, vars, true), ...(s.command ? { command: fillTemplate(s.command, vars) } : {}) })),
        },
        references: rule.references,
        explains: [],
        runs: h.runs,
        current,
        causedExit: !!latestRun?.exitCause && latestRun.exitCause === rule.id && current,
        benign: !!rule.benign,
        count: h.count,
        firstSeen: h.firstTime,
        lastSeen: h.lastTime,
      });
    }
  }
  foldExit(findings, rules, hits, latest);
  return { findings: rank(findings, rules, latest), skipped, rulesRun };
}

/**
 * The built-in kubelet-exit-unexplained finding (engine/exit.ts) folds under a current error finding that
 * explains the exit — one that caused it, a fatal rule (or a fatal wording of it) matched, a rule that
 * declares it explains it, or a signature the kubelet printed at F level — and is then informational.
 */
export function foldExit(findings: Finding[], rules: Rule[], hits: Map<string, RuleHits>, latest: number): void {
  const exit = findings.find((f) => f.ruleId === EXIT_RULE_ID);
  if (!exit) return;
  const ruleOf = new Map(rules.map((r) => [r.id, r]));
  const explains = (f: Finding): boolean => {
    if (f === exit || !f.current || f.benign || f.severity !== 'error') return false;
    const rule = ruleOf.get(f.ruleId);
    if (f.causedExit || rule?.fatal || rule?.explains?.includes(EXIT_RULE_ID)) return true;
    const h = hits.get(f.ruleId);
    if (!h || !h.runs.includes(latest)) return false;
    return h.worstLevel === 'F' || !!rule?.match?.journal?.some((p, i) => p.fatal && (h.byPattern[i] ?? 0) > 0);
  };
  const cause = findings.find(explains);
  if (!cause) return;
  exit.explainedBy = cause.ruleId;
  if (!cause.explains.includes(EXIT_RULE_ID)) cause.explains.push(EXIT_RULE_ID);
  exit.severity = 'info';
  exit.message = exit.message.replace(/No known failure signature explains it\./, `${cause.title} [${cause.ruleId}] explains it.`);
}

/** Order findings root cause first and fold explained findings under their cause. */
export function rank(findings: Finding[], rules: Rule[], latestRun: number): Finding[] {
  const ruleOf = new Map(rules.map((r) => [r.id, r]));
  const firstLineInLatest = (f: Finding) => {
    const c = f.evidence.find((e) => e.kind === 'journal' && e.run === latestRun);
    return c?.line ?? Number.MAX_SAFE_INTEGER;
  };
  const key = (f: Finding): number[] => [
    f.current ? 0 : 1,
    f.causedExit ? 0 : 1,
    f.benign ? 1 : 0,
    SEV_RANK[f.severity],
    ruleOf.get(f.ruleId)?.fatal ? 0 : 1,
    -(ruleOf.get(f.ruleId)?.priority ?? 0),
    firstLineInLatest(f),
  ];
  const cmp = (a: Finding, b: Finding) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
    return a.ruleId.localeCompare(b.ruleId);
  };
  const sorted = [...findings].sort(cmp);
  // Fold: a finding is explained by the best-ranked other finding whose rule declares it, as long
  // as the cause is current whenever the consequence is.
  for (const f of sorted) {
    const cause = sorted.find(
      (c) => c !== f && c.ruleId !== f.ruleId && (ruleOf.get(c.ruleId)?.explains ?? []).includes(f.ruleId) && (c.current || !f.current) && !c.benign,
    );
    if (cause && !wouldCycle(cause, f, sorted)) {
      f.explainedBy = cause.ruleId;
      if (!cause.explains.includes(f.ruleId)) cause.explains.push(f.ruleId);
    }
  }
  const out: Finding[] = [];
  const place = (f: Finding) => {
    if (out.includes(f)) return;
    out.push(f);
    for (const child of sorted) if (child.explainedBy === f.ruleId && child !== f) place(child);
  };
  for (const f of sorted) if (!f.explainedBy) place(f);
  for (const f of sorted) place(f); // anything left (defensive: cycles)
  return out;
}

function wouldCycle(cause: Finding, f: Finding, all: Finding[]): boolean {
  let cur: Finding | undefined = cause;
  const seen = new Set<string>();
  while (cur?.explainedBy) {
    if (cur.explainedBy === f.ruleId || seen.has(cur.ruleId)) return true;
    seen.add(cur.ruleId);
    const next: string = cur.explainedBy;
    cur = all.find((x) => x.ruleId === next);
  }
  return false;
}

/** One-line verdict for the report header. */
export function verdict(report: Pick<Report, 'findings' | 'crashLoop' | 'runs' | 'skipped'> & Partial<Pick<Report, 'sources' | 'rulesRun'>>): string {
  const top = report.findings.find((f) => !f.explainedBy && f.current && !f.benign);
  const loop = report.crashLoop ? ` (crash loop: ${report.crashLoop.runs} runs${report.crashLoop.restartCounter ? `, restart counter ${report.crashLoop.restartCounter}` : ''})` : '';
  if (!top) {
    const past = report.findings.find((f) => !f.current && !f.benign);
    if (past) return `No current failure; earlier kubelet runs showed: ${past.title}`;
    if (report.findings.length) return 'No failure found; only known-benign messages';
    // a journal with nothing in it (empty, or journalctl's `-- No entries --`) is no evidence of health: say so
    const journals = (report.sources ?? []).filter((s) => s.kind === 'journal');
    if (journals.length && journals.every((s) => s.records === 0)) {
      const names = journals.map((s) => s.name).join(', ');
      return report.rulesRun?.length
        ? `No known failure signature found in the node state; the journal (${names}) holds no log records, so nothing was read from it`
        : `Nothing to diagnose: the journal (${names}) holds no log records (empty, or only "-- No entries --")`;
    }
    if (report.rulesRun && report.rulesRun.length === 0 && report.skipped.length) return 'Nothing to diagnose: every rule was skipped for missing evidence (the reasons are listed with the skipped rules)';
    return 'No known failure signature found';
  }
  if (top.causedExit) return `kubelet exits: ${top.title}${loop}`;
  if (top.severity === 'error') return `${top.title}${loop}`;
  return `Warning: ${top.title}`;
}
