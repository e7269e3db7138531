// What the terminal views show, as pure functions of the report and the view state: the header,
// the ranked rows, an opened finding, help, sources. Everything comes out as styled lines already
// fitted to the width, so the ink components only lay them out.

import { runCount } from '../run-summary.js';
import { commandLang } from '../render/markdown.js';
import { groupSkipped } from '../render/skip-groups.js';
import { seenLine } from '../render/text.js';
import type { Citation, Finding, Report, Severity } from '../types.js';
import { highlighted, type Line, plural, seg, type Style, truncLine, wrapLine } from './lines.js';

/** A severity threshold, as --fail-on means it: this level and above (`info` and above is everything). */
export type SeverityFilter = 'all' | Severity;
export const SEVERITY_CYCLE: SeverityFilter[] = ['all', 'error', 'warning'];
const SEV_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Whether a severity passes the threshold (at or above it). */
export function atOrAbove(s: Severity, threshold: SeverityFilter): boolean {
  return threshold === 'all' || SEV_RANK[s] <= SEV_RANK[threshold];
}

/** How the footer names a threshold. */
export function severityLabel(threshold: SeverityFilter): string {
  return threshold === 'all' ? '' : threshold === 'error' ? 'severity: error' : `severity: ${threshold} and above`;
}

export const SEV_STYLE: Record<Severity, Style> = { error: { color: 'red', bold: true }, warning: { color: 'yellow', bold: true }, info: { color: 'cyan' } };
export const SEV_LABEL: Record<Severity, string> = { error: 'ERROR', warning: 'WARN ', info: 'INFO ' };

/** A change seen in follow mode, shown next to the row for a while. */
export interface RowChange {
  kind: 'new' | 'more';
  delta: number;
  at: number;
}

export interface Row {
  key: string;
  finding: Finding;
  depth: number;
}

/** Stable key per finding: rule id plus its ordinal among that rule's findings. */
export function findingKeys(findings: Finding[]): string[] {
  const n = new Map<string, number>();
  return findings.map((f) => {
    const i = n.get(f.ruleId) ?? 0;
    n.set(f.ruleId, i + 1);
    return `${f.ruleId}#${i}`;
  });
}

function depthOf(f: Finding, all: Finding[]): number {
  let d = 0;
  let cur: Finding | undefined = f;
  const seen = new Set<string>();
  while (cur?.explainedBy && d < 4 && !seen.has(cur.ruleId)) {
    seen.add(cur.ruleId);
    const parent: string = cur.explainedBy;
    cur = all.find((x) => x.ruleId === parent);
    if (cur) d++;
  }
  return d;
}

export function matchesText(f: Finding, q: string): boolean {
  if (!q) return true;
  const needle = q.toLowerCase();
  const hay = [f.ruleId, f.title, f.message, f.category, f.remediation.summary, ...f.evidence.map((e) => `${e.source} ${e.field ?? ''} ${e.text}`)].join('\n').toLowerCase();
  return hay.includes(needle);
}

/** The rows shown: findings in rank order (consequences under their cause), filtered. */
export function visibleRows(report: Report, filter: string, severity: SeverityFilter): Row[] {
  const keys = findingKeys(report.findings);
  return report.findings
    .map((f, i) => ({ key: keys[i]!, finding: f, depth: depthOf(f, report.findings) }))
    .filter((r) => atOrAbove(r.finding.severity, severity) && matchesText(r.finding, filter));
}

export function severityCounts(r: Report): Record<Severity, number> {
  const c = { error: 0, warning: 0, info: 0 };
  for (const f of r.findings) c[f.severity]++;
  return c;
}

export interface FollowStatus {
  /** Name of what is followed (journalctl, stdin, a file). */
  source: string;
  records: number;
  ended: boolean;
  endReason?: string;
}

export function headerLines(r: Report, width: number, follow?: FollowStatus): Line[] {
  const out: Line[] = [];
  const facts = [
    `kubelet-doctor ${r.tool.version}`,
    r.node?.name ? `node ${r.node.name}` : 'node ?',
    r.node?.kubeletVersion ? `kubelet ${r.node.kubeletVersion}` : '',
    runCount(r) ? plural(runCount(r), 'kubelet run') : '',
  ].filter(Boolean);
  out.push(truncLine([seg(facts.join(' · '), { dim: true })], width));
  if (follow) {
    const state = follow.ended ? `input ended${follow.endReason ? ` (${follow.endReason})` : ''}` : 'following';
    out.push(truncLine([seg(follow.ended ? '■ ' : '● ', { color: follow.ended ? 'gray' : 'green', bold: true }), seg(`${state} ${follow.source} · ${plural(follow.records, 'record')} read`, { dim: true })], width));
  }
  const top = r.findings.find((f) => !f.explainedBy && f.current && !f.benign);
  const vStyle: Style = top?.severity === 'error' ? { color: 'red', bold: true } : top ? { color: 'yellow', bold: true } : { color: 'green', bold: true };
  const verdict = wrapLine([seg('Verdict: ', vStyle), seg(r.verdict, vStyle)], width, 9);
  out.push(...verdict.slice(0, 2));
  if (verdict.length > 2) out[out.length - 1] = truncLine([...out[out.length - 1]!, seg('……')], width);
  if (r.crashLoop) {
    const last = r.runs[r.runs.length - 1];
    out.push(
      truncLine(
        [
          seg(
            `Crash loop: ${r.crashLoop.runs} runs${r.crashLoop.restartCounter ? `, restart counter ${r.crashLoop.restartCounter}` : ''}${r.crashLoop.exitStatus ? `, last exit ${r.crashLoop.exitStatus}` : ''}${last?.exitCause ? `, exit cause ${last.exitCause}` : ''}`,
            { color: 'red' },
          ),
        ],
        width,
      ),
    );
  }
  const c = severityCounts(r);
  const journal = r.sources.filter((s) => s.kind === 'journal');
  const lines = journal.reduce((n, s) => n + (s.lines ?? 0), 0);
  // While following, line counts are only known at the end of input: show records instead.
  const records = journal.reduce((n, s) => n + (s.records ?? 0), 0);
  const amount = lines ? plural(lines, 'line') : plural(follow?.records ?? records, 'record');
  const problems = r.sources.reduce((n, s) => n + s.problems.length, 0);
  const counts: Line = [
    seg(`${c.error} error`, c.error ? SEV_STYLE.error : { dim: true }),
    seg(' · ', { dim: true }),
    seg(`${c.warning} warning`, c.warning ? SEV_STYLE.warning : { dim: true }),
    seg(' · ', { dim: true }),
    seg(`${c.info} info`, c.info ? SEV_STYLE.info : { dim: true }),
    seg(
      `   ${plural(r.sources.length, 'source')} read${journal.length ? ` (journal: ${amount})` : ''}${problems ? `, ${plural(problems, 'problem')}` : ''} · ${r.rulesRun.length} rules ran, ${r.skipped.length} skipped`,
      { dim: true },
    ),
  ];
  out.push(...wrapLine(counts, width, 3).slice(0, 2));
  return out;
}

export function rowLine(row: Row, width: number, selected: boolean, change?: RowChange, now = Date.now()): Line {
  const f = row.finding;
  const pointer = selected ? '› ' : '  ';
  const indent = row.depth ? `${'  '.repeat(row.depth - 1)}  ↳ ` : '';
  const tags: string[] = [];
  if (change && now - change.at < 15_000) tags.push(change.kind === 'new' ? 'NEW' : `+${change.delta}`);
  if (f.causedExit) tags.push('exit');
  if (!f.current) tags.push('past');
  if (f.benign) tags.push('benign');
  const right = `${tags.length ? `${tags.join(' ')} ` : ''}${f.count > 1 ? `×${f.count}` : ''}`.trimEnd();
  const left: Line = [seg(pointer, selected ? { bold: true } : undefined), seg(indent, { dim: true }), seg(SEV_LABEL[f.severity], SEV_STYLE[f.severity]), seg(' '), seg(f.title, selected ? { bold: true } : undefined)];
  const room = width - (right ? right.length + 1 : 0);
  let line = truncLine(left, room);
  const used = line.reduce((n, s) => n + [...s.text].length, 0);
  if (right) line = [...line, seg(' '.repeat(Math.max(1, width - used - right.length))), seg(right, change && now - change.at < 15_000 ? { color: 'magenta', bold: true } : { dim: true })];
  if (selected) line = line.map((s) => ({ ...s, style: { ...s.style, inverse: true } }));
  return line;
}

function citeLoc(c: Citation): string {
  return c.line !== undefined ? `${c.source}:${c.line}${c.endLine && c.endLine !== c.line ? `-${c.endLine}` : ''}` : c.source;
}

function section(out: Line[], title: string): void {
  out.push([]);
  out.push([seg(title, { bold: true, underline: true })]);
}

/** The lines of an opened finding: what was seen, node evidence, why, fix, references, consequences. */
export function detailLines(f: Finding, r: Report, width: number): Line[] {
  const out: Line[] = [];
  const w = width;
  out.push(...wrapLine([seg(SEV_LABEL[f.severity].trim(), SEV_STYLE[f.severity]), seg('  '), seg(f.title, { bold: true })], w, 2));
  const tags = [f.ruleId, f.category, f.causedExit ? 'made the kubelet exit' : '', !f.current ? 'earlier kubelet runs only' : '', f.benign ? 'known benign' : ''].filter(Boolean);
  out.push(...wrapLine([seg(tags.join(' · '), { dim: true })], w, 2));
  out.push([]);
  out.push(...wrapLine([seg(f.message)], w));
  const seen = seenLine(f, runCount(r));
  if (seen) out.push(...wrapLine([seg(seen, { dim: true })], w));
  if (f.explainedBy) {
    const cause = r.findings.find((x) => x.ruleId === f.explainedBy);
    out.push(...wrapLine([seg('Consequence of: ', { bold: true }), seg(cause ? `${cause.title} [${cause.ruleId}]` : f.explainedBy)], w, 4));
  }

  const journal = f.evidence.filter((c) => c.kind === 'journal');
  const node = f.evidence.filter((c) => c.kind !== 'journal');
  if (journal.length) {
    section(out, 'What was seen');
    for (const c of journal) {
      const meta = [citeLoc(c), c.count !== undefined ? `×${c.count}` : '', c.run !== undefined && runCount(r) > 1 ? `run ${c.run + 1}` : '', c.firstSeen ?? '', c.lastSeen && c.lastSeen !== c.firstSeen ? `… ${c.lastSeen}` : '']
        .filter(Boolean)
        .join(' · ');
      out.push(...wrapLine([seg('  '), seg(meta, { color: 'cyan' })], w, 4));
      out.push(...wrapLine([seg('    '), ...highlighted(c.text, c.highlight, undefined, { color: 'yellow', bold: true, underline: true })], w, 4));
      if (c.note) out.push(...wrapLine([seg(`    (${c.note})`, { dim: true })], w, 5));
    }
    if (f.count > journal.length && journal.length) out.push(...wrapLine([seg(`  ${plural(f.count, 'matching record')} in all; the first ones and the latest are shown`, { dim: true })], w, 2));
  }
  if (node.length) {
    section(out, 'Node evidence');
    for (const c of node) {
      const what = c.kind === 'absent' ? 'missing' : c.kind;
      out.push(...wrapLine([seg('  '), seg(citeLoc(c), { color: 'cyan' }), seg(`  (${what})`, { dim: true })], w, 4));
      if (c.field) out.push(...wrapLine([seg('    '), seg(c.field, { bold: true }), ...(c.value !== undefined ? [seg(' = '), seg(c.value, { color: 'yellow', bold: true })] : [])], w, 6));
      if (c.text) out.push(...wrapLine([seg('    '), ...highlighted(c.text, c.highlight, undefined, { color: 'yellow', bold: true, underline: true })], w, 4));
      if (c.note) out.push(...wrapLine([seg(`    (${c.note})`, { dim: true })], w, 5));
    }
  }
  section(out, 'Why it matters');
  out.push(...wrapLine([seg(`  ${f.why}`)], w, 2));

  section(out, 'Fix');
  out.push(...wrapLine([seg(`  ${f.remediation.summary}`, { bold: true })], w, 2));
  f.remediation.steps.forEach((s, i) => {
    const num = `  ${i + 1}. `;
    out.push(...wrapLine([seg(num), seg(s.text)], w, num.length));
    if (s.command) {
      const lang = commandLang(s.command);
      if (lang === 'yaml') out.push([seg(`${' '.repeat(num.length)}# in the KubeletConfiguration / YAML file:`, { dim: true })]);
      // Commands sit alone on their lines, indented only, so a mouse selection copies them as is.
      for (const cl of s.command.split('\n')) out.push(...wrapLine([seg(' '.repeat(num.length)), seg(cl, { color: 'green' })], w, num.length));
    }
  });

  const children = r.findings.filter((x) => x.explainedBy === f.ruleId);
  if (children.length) {
    section(out, 'Explains (consequences, folded)');
    for (const ch of children) {
      const s = seenLine(ch, runCount(r));
      out.push(...wrapLine([seg('  ↳ '), seg(SEV_LABEL[ch.severity].trim(), SEV_STYLE[ch.severity]), seg(` ${ch.title} `), seg(`[${ch.ruleId}]`, { dim: true }), ...(s ? [seg(` — ${s}`, { dim: true })] : [])], w, 4));
      const first = ch.evidence[0];
      if (first) out.push(...wrapLine([seg('      '), seg(citeLoc(first), { color: 'cyan' }), seg('  '), seg(first.text, { dim: true })], w, 6));
    }
  }
  if (f.references.length) {
    section(out, 'References');
    for (const u of f.references) out.push(...wrapLine([seg(`  ${u}`, { color: 'blue' })], w, 2));
  }
  return out;
}

/** Only the commands of a finding's fix, for the clipboard and the scrollback. */
export function fixCommands(f: Finding): string {
  return f.remediation.steps
    .filter((s) => s.command)
    .map((s) => `# ${s.text}\n${s.command}`)
    .join('\n\n');
}

export const HELP: [string, string][] = [
  ['↑ ↓  j k', 'move the selection / scroll'],
  ['PgUp PgDn  space', 'a page up / down'],
  ['g G  Home End', 'first / last'],
  ['Enter  →  l', 'open the selected finding'],
  ['Esc  ←  h', 'back to the list (in the list: clear the filter)'],
  ['n  p', 'next / previous finding (when one is open)'],
  ['/', 'filter by text (Enter keeps it, Esc clears it)'],
  ['s', 'severity threshold, as --fail-on: all, error, warning and above'],
  ['y', 'copy the open finding\'s fix commands (OSC 52 clipboard)'],
  ['i', 'sources read and rules skipped'],
  ['?', 'this help'],
  ['q  Ctrl-C', 'quit (a plain summary stays in the terminal)'],
];

/** What the marks at the right of a row mean. */
export const LEGEND: [string, string][] = [
  ['exit', 'this made the kubelet exit in its latest run'],
  ['past', 'seen only in earlier kubelet runs: the latest run did not show it (history; it does not fail the run)'],
  ['benign', 'a known harmless message, shown as info: not a cause'],
  ['×n', 'how many journal lines matched'],
  ['↳', 'a consequence, folded under the finding that explains it'],
  ['NEW  +n', 'follow mode: appeared, or repeated n more times, in the last 15 s'],
];

export function helpLines(width: number): Line[] {
  const out: Line[] = [[seg('Keys', { bold: true, underline: true })], []];
  for (const [k, v] of HELP) out.push(...wrapLine([seg(`  ${k.padEnd(18)}`, { bold: true }), seg(v)], width, 20));
  out.push([], [seg('Marks on a row', { bold: true, underline: true })], []);
  for (const [k, v] of LEGEND) out.push(...wrapLine([seg(`  ${k.padEnd(18)}`, { bold: true }), seg(v)], width, 20));
  out.push([]);
  out.push(...wrapLine([seg('On exit the verdict and the fix of the finding you opened (or the top one) are printed in plain text, ready to copy.', { dim: true })], width));
  return out;
}

export function sourcesLines(r: Report, width: number): Line[] {
  const out: Line[] = [[seg('Sources read', { bold: true, underline: true })]];
  for (const s of r.sources) {
    const detail = [s.kind, s.format, s.lines !== undefined ? plural(s.lines, 'line') : '', s.records !== undefined ? plural(s.records, 'record') : ''].filter(Boolean).join(', ');
    out.push(...wrapLine([seg(`  ${s.name}`), seg(`  (${detail})`, { dim: true })], width, 4));
    for (const p of s.problems) out.push(...wrapLine([seg('    ! ', { color: 'yellow', bold: true }), seg(p)], width, 6));
  }
  if (!r.sources.length) out.push([seg('  none', { dim: true })]);
  out.push([]);
  out.push([seg(`Rules skipped (${r.skipped.length}) — evidence missing, not a pass`, { bold: true, underline: true })]);
  for (const g of groupSkipped(r.skipped)) {
    out.push(...wrapLine([seg('  - '), seg(g.reason)], width, 4));
    out.push(...wrapLine([seg(`    ${g.ruleIds.join(', ')}`, { dim: true })], width, 4));
  }
  if (!r.skipped.length) out.push([seg('  none', { dim: true })]);
  out.push([]);
  out.push(...wrapLine([seg(`Rules that ran (${r.rulesRun.length}): `, { bold: true }), seg(r.rulesRun.join(', '), { dim: true })], width, 2));
  return out;
}
