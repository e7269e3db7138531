// Plain-text report for people (the default off a TTY): verdict first, then each finding with what
// was seen, why it matters and the fix. Pure: (report, options) → string.

import { runCount } from '../run-summary.js';
import { Chalk, type ChalkInstance } from 'chalk';
import type { Citation, Finding, Report, Severity } from '../types.js';
import { groupSkipped } from './skip-groups.js';
import { safeReport } from './terminal-safe.js';

export interface TextOptions {
  color: boolean;
  /** Cited lines shown per finding. */
  maxCitations?: number;
  width?: number;
}

const SEV_LABEL: Record<Severity, string> = { error: 'ERROR', warning: 'WARN ', info: 'INFO ' };

function sevColor(c: ChalkInstance, s: Severity): ChalkInstance {
  return s === 'error' ? c.red.bold : s === 'warning' ? c.yellow.bold : c.cyan;
}

/** A cited line, with the matched part emphasised. */
export function citationLine(c: ChalkInstance, cit: Citation): string {
  const loc = cit.line !== undefined ? `${cit.source}:${cit.line}${cit.endLine && cit.endLine !== cit.line ? `-${cit.endLine}` : ''}` : cit.source;
  let text = cit.text;
  if (cit.highlight && cit.highlight[1] <= text.length) {
    const [a, b] = cit.highlight;
    text = text.slice(0, a) + c.bold.underline(text.slice(a, b)) + text.slice(b);
  }
  // the cited config line usually names its field already; say field = value only when it does not
  const field = cit.field && !cit.text.includes(cit.field) ? `${cit.field}${cit.value !== undefined ? ` = ${cit.value}` : ''}: ` : '';
  const note = cit.note ? c.dim(` (${cit.note})`) : '';
  return `${c.dim(loc)}  ${field}${text}${note}`;
}

export function runsPhrase(f: Finding, totalRuns: number): string {
  if (!f.runs.length || totalRuns <= 1) return '';
  const list = f.runs.map((r) => r + 1);
  const phrase = list.length === totalRuns ? 'every run' : list.length > 4 ? `runs ${list[0]}…${list[list.length - 1]} (${list.length})` : `run${list.length > 1 ? 's' : ''} ${list.join(', ')}`;
  return ` in ${phrase} of ${totalRuns}`;
}

export function seenLine(f: Finding, totalRuns: number): string | undefined {
  if (!f.count) return undefined;
  const times = f.firstSeen ? (f.firstSeen === f.lastSeen || !f.lastSeen ? `, at ${f.firstSeen}` : `, first ${f.firstSeen}, last ${f.lastSeen}`) : '';
  return `seen ${f.count} time${f.count === 1 ? '' : 's'}${runsPhrase(f, totalRuns)}${times}`;
}

function renderFinding(c: ChalkInstance, f: Finding, r: Report, o: TextOptions, indent: string): string[] {
  const out: string[] = [];
  const tags = [f.causedExit ? c.red('made the kubelet exit') : '', !f.current ? c.dim('earlier runs only') : '', f.benign ? c.dim('benign') : ''].filter(Boolean).join(', ');
  out.push(`${indent}${sevColor(c, f.severity)(SEV_LABEL[f.severity])} ${c.bold(f.title)} ${c.dim(`[${f.ruleId}]`)}${tags ? ` ${tags}` : ''}`);
  const pad = ' '.repeat(indent.length + 6);
  out.push(`${pad}${f.message}`);
  const seen = seenLine(f, runCount(r));
  if (seen) out.push(`${pad}${c.dim(seen)}`);
  // a few journal lines (the first ones and the latest) and the node evidence beside them
  const max = o.maxCitations ?? 3;
  const journal = f.evidence.filter((e) => e.kind === 'journal');
  const shownJournal = journal.length > max ? [...journal.slice(0, max - 1), journal[journal.length - 1]!] : journal;
  const other = f.evidence.filter((e) => e.kind !== 'journal').slice(0, 6);
  for (const cit of [...shownJournal, ...other]) out.push(`${pad}${c.dim('│')} ${citationLine(c, cit)}`);
  const hidden = f.evidence.length - shownJournal.length - other.length;
  if (hidden > 0) out.push(`${pad}${c.dim(`│ … ${hidden} more (--format json lists them all)`)}`);
  out.push(`${pad}${c.bold('Why:')} ${f.why}`);
  out.push(`${pad}${c.bold('Fix:')} ${f.remediation.summary}`);
  f.remediation.steps.forEach((s, i) => {
    out.push(`${pad}  ${i + 1}. ${s.text}`);
    if (s.command) for (const line of s.command.split('\n')) out.push(`${pad}     ${c.green(line)}`);
  });
  if (f.references.length) out.push(`${pad}${c.dim('See:')} ${c.dim(f.references.join('  '))}`);
  return out;
}

/** `1 line`, `2 lines`. */
export function counted(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function renderText(report: Report, o: TextOptions): string {
  const r = safeReport(report);
  const c = new Chalk({ level: o.color ? 1 : 0 });
  const out: string[] = [];
  const node = [r.node?.name ? `node ${r.node.name}` : '', r.node?.kubeletVersion ? `kubelet ${r.node.kubeletVersion}` : '', runCount(r) ? `${runCount(r)} kubelet run${runCount(r) === 1 ? '' : 's'}` : '']
    .filter(Boolean)
    .join(', ');
  out.push(c.dim(`kubelet-doctor ${r.tool.version}${node ? ` — ${node}` : ''}`));
  const top = r.findings.find((f) => !f.explainedBy && f.current && !f.benign);
  // a journal that held no records is no evidence of health: not green
  const journals = r.sources.filter((s) => s.kind === 'journal');
  const noRecords = (journals.length > 0 && journals.every((s) => s.records === 0)) || (r.rulesRun.length === 0 && r.skipped.length > 0);
  const vColor = top?.severity === 'error' ? c.red.bold : top || noRecords ? c.yellow.bold : c.green.bold;
  out.push(`${vColor('Verdict:')} ${vColor(r.verdict)}`);
  if (r.crashLoop) {
    const last = r.runs[r.runs.length - 1];
    out.push(c.red(`Crash loop: ${r.crashLoop.runs} runs${r.crashLoop.restartCounter ? `, systemd restart counter at ${r.crashLoop.restartCounter}` : ''}${r.crashLoop.exitStatus ? `, last exit status ${r.crashLoop.exitStatus}` : ''}${last?.exitCause ? `, exit cause ${last.exitCause}` : ''}`));
  }
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of r.findings) counts[f.severity]++;
  out.push(c.dim(`${counts.error} error, ${counts.warning} warning, ${counts.info} info; ${r.skipped.length} rule${r.skipped.length === 1 ? '' : 's'} skipped`));
  out.push('');
  const roots = r.findings.filter((f) => !f.explainedBy);
  let i = 0;
  for (const f of roots) {
    i++;
    out.push(...renderFinding(c, f, r, o, `${String(i).padStart(2)}. `));
    const children = r.findings.filter((x) => x.explainedBy === f.ruleId);
    if (children.length) {
      out.push(`      ${c.bold('Explains')} (consequences of the above, folded):`);
      for (const ch of children) {
        const seen = seenLine(ch, runCount(r));
        out.push(`        ${sevColor(c, ch.severity)('↳')} ${ch.title} ${c.dim(`[${ch.ruleId}]`)}${seen ? c.dim(` — ${seen}`) : ''}`);
        const first = ch.evidence[0];
        if (first) out.push(`          ${c.dim('│')} ${citationLine(c, first)}`);
        for (const gc of r.findings.filter((x) => x.explainedBy === ch.ruleId)) out.push(`          ${c.dim('↳')} ${gc.title} ${c.dim(`[${gc.ruleId}]`)}`);
      }
    }
    out.push('');
  }
  if (r.skipped.length) {
    out.push(c.bold('Skipped (evidence missing — not a pass):'));
    for (const g of groupSkipped(r.skipped)) out.push(`  ${c.dim('-')} ${g.reason}: ${c.dim(g.ruleIds.join(', '))}`);
    out.push('');
  }
  if (r.sources.length) {
    out.push(c.bold('Sources:'));
    for (const s of r.sources) {
      const detail = [s.format, s.lines !== undefined ? counted(s.lines, 'line') : '', s.records !== undefined ? counted(s.records, 'record') : ''].filter(Boolean).join(', ');
      out.push(`  ${s.name}${detail ? c.dim(` (${detail})`) : ''}`);
      for (const p of s.problems) out.push(`    ${c.yellow('!')} ${p}`);
    }
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
