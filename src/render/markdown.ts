// Markdown to paste into an issue or a chat: the verdict, each finding with its evidence in fenced
// blocks and the fix as shell blocks; consequences folded under their cause; skipped rules and
// sources in collapsed sections. Renders the same in GitHub, GitLab and CommonMark viewers.

import { runCount } from '../run-summary.js';
import type { Citation, Finding, Report } from '../types.js';
import { counted, seenLine } from './text.js';
import { groupSkipped } from './skip-groups.js';
import { safeReport } from './terminal-safe.js';

export interface MarkdownOptions {
  /** Cited lines shown per finding (default 6). */
  maxCitations?: number;
}

/** Escape text so it shows literally in Markdown (log messages carry `*`, `_`, `<`, `[`...). */
export function mdEscape(s: string): string {
  return s.replace(/[\\`*_{}[\]<>()#+!|~@]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

/** A fence longer than any backtick run inside the content. */
export function fence(content: string, lang = ''): string {
  let longest = 0;
  for (const m of content.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const f = '`'.repeat(Math.max(3, longest + 1));
  return `${f}${lang}\n${content}\n${f}`;
}

/** Language for a remediation command: YAML snippets for config files, shell otherwise. */
export function commandLang(cmd: string): 'yaml' | 'sh' {
  const lines = cmd.split('\n').filter((l) => l.trim() !== '');
  const yamlish = lines.every((l) => /^\s*(?:- )?[A-Za-z_][\w.-]*:(?:\s|$)/.test(l) || /^\s*- /.test(l) || /^\s+\S/.test(l));
  return lines.length > 0 && yamlish && /^[A-Za-z_][\w.-]*:/.test(lines[0]!.trim()) && !/^\w+:\/\//.test(lines[0]!.trim()) ? 'yaml' : 'sh';
}

function citeLoc(c: Citation): string {
  return c.line !== undefined ? `${c.source}:${c.line}${c.endLine && c.endLine !== c.line ? `-${c.endLine}` : ''}` : c.source;
}

function evidenceBlock(cites: Citation[]): string {
  const lines: string[] = [];
  for (const c of cites) {
    const field = c.field ? `${c.field}${c.value !== undefined ? ` = ${c.value}` : ''}: ` : '';
    const extra = [c.count && c.count > 1 ? `×${c.count}` : '', c.note ?? ''].filter(Boolean).join(', ');
    lines.push(`# ${citeLoc(c)}${extra ? ` (${extra})` : ''}`);
    lines.push(`${field}${c.text}`);
  }
  return fence(lines.join('\n'), 'text');
}

const SEV: Record<string, string> = { error: 'ERROR', warning: 'WARNING', info: 'INFO' };

function findingSection(f: Finding, n: number, r: Report, all: Finding[], o: MarkdownOptions): string[] {
  const out: string[] = [];
  const tags = [f.causedExit ? 'made the kubelet exit' : '', !f.current ? 'earlier kubelet runs only' : '', f.benign ? 'known benign' : ''].filter(Boolean);
  out.push(`### ${n}. ${SEV[f.severity]}: ${mdEscape(f.title)} (\`${f.ruleId}\`)`, '');
  const seen = seenLine(f, runCount(r));
  const meta = [...tags, seen ?? ''].filter(Boolean).join(' · ');
  if (meta) out.push(`_${mdEscape(meta)}_`, '');
  out.push(mdEscape(f.message), '');
  const max = o.maxCitations ?? 6;
  if (f.evidence.length) {
    out.push('**Evidence**', '', evidenceBlock(f.evidence.slice(0, max)));
    if (f.evidence.length > max) out.push('', `_…and ${f.evidence.length - max} more citations._`);
    out.push('');
  }
  out.push(`**Why it matters:** ${mdEscape(f.why)}`, '');
  out.push(`**Fix:** ${mdEscape(f.remediation.summary)}`, '');
  f.remediation.steps.forEach((s, i) => {
    out.push(`${i + 1}. ${mdEscape(s.text)}`);
    if (s.command) out.push('', fence(s.command, commandLang(s.command)).replace(/^/gm, '   '));
    out.push('');
  });
  const children = all.filter((x) => x.explainedBy === f.ruleId);
  if (children.length) {
    out.push('<details><summary>Consequences of this (folded)</summary>', '');
    for (const ch of children) {
      const s = seenLine(ch, runCount(r));
      out.push(`- **${SEV[ch.severity]}** ${mdEscape(ch.title)} (\`${ch.ruleId}\`)${s ? ` — ${mdEscape(s)}` : ''}`);
      const first = ch.evidence[0];
      if (first) out.push('', fence(`# ${citeLoc(first)}\n${first.text}`, 'text').replace(/^/gm, '  '), '');
    }
    out.push('', '</details>', '');
  }
  if (f.references.length) out.push(`**References:** ${f.references.map((u) => `<${u}>`).join(' · ')}`, '');
  return out;
}

export function renderMarkdown(report: Report, o: MarkdownOptions = {}): string {
  const r = safeReport(report);
  const out: string[] = [];
  out.push(`## kubelet-doctor: ${mdEscape(r.verdict)}`, '');
  const facts = [
    r.node?.name ? `**Node:** ${mdEscape(r.node.name)}` : '',
    r.node?.kubeletVersion ? `**kubelet:** ${mdEscape(r.node.kubeletVersion)}` : '',
    runCount(r) ? `**kubelet runs:** ${runCount(r)}` : '',
    r.crashLoop
      ? `**crash loop:** ${r.crashLoop.runs} runs${r.crashLoop.restartCounter ? `, restart counter ${r.crashLoop.restartCounter}` : ''}${r.crashLoop.exitStatus ? `, last exit ${mdEscape(r.crashLoop.exitStatus)}` : ''}`
      : '',
  ].filter(Boolean);
  if (facts.length) out.push(facts.join(' · '), '');
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of r.findings) counts[f.severity]++;
  out.push(
    `**Findings:** ${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.info} info · ${r.rulesRun.length} rule${r.rulesRun.length === 1 ? '' : 's'} ran, ${r.skipped.length} skipped`,
    '',
  );
  const roots = r.findings.filter((f) => !f.explainedBy || !r.findings.some((x) => x.ruleId === f.explainedBy));
  const journals = r.sources.filter((s) => s.kind === 'journal');
  const noRecords = journals.length > 0 && journals.every((s) => s.records === 0);
  if (!roots.length) out.push(noRecords ? 'No log records were read from the journal: nothing was diagnosed from it.' : 'No known failure signature was found in the evidence read.', '');
  roots.forEach((f, i) => out.push(...findingSection(f, i + 1, r, r.findings, o)));
  if (r.skipped.length) {
    out.push(`<details><summary>Skipped rules (${r.skipped.length}): evidence missing, not a pass</summary>`, '');
    for (const g of groupSkipped(r.skipped)) out.push(`- ${mdEscape(g.reason)}: ${g.ruleIds.map((id) => `\`${id}\``).join(', ')}`);
    out.push('', '</details>', '');
  }
  if (r.sources.length) {
    out.push(`<details><summary>Sources read (${r.sources.length})</summary>`, '');
    for (const s of r.sources) {
      const detail = [s.format, s.lines !== undefined ? counted(s.lines, 'line') : '', s.records !== undefined ? counted(s.records, 'record') : ''].filter(Boolean).join(', ');
      out.push(`- \`${s.name.replace(/`/g, "'")}\`${detail ? ` (${detail})` : ''}`);
      for (const p of s.problems) out.push(`  - ${mdEscape(p)}`);
    }
    out.push('', '</details>', '');
  }
  out.push(`<sub>kubelet-doctor ${mdEscape(r.tool.version)} · ${r.generatedAt}</sub>`);
  return `${out.join('\n')}\n`;
}
