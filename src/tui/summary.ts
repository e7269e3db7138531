// What stays in the terminal after the TUI closes: the verdict, the top findings, and the fix of
// the finding that was opened (or the root cause) in plain lines, so the commands can be copied.

import { runCount } from '../run-summary.js';
import { Chalk } from 'chalk';
import type { Finding, Report } from '../types.js';
import { severityCounts } from './model.js';
import { safeReport } from '../render/terminal-safe.js';

const LABEL = { error: 'ERROR', warning: 'WARN ', info: 'INFO ' } as const;

export function exitSummary(report: Report, o: { color: boolean; opened?: Finding; maxFindings?: number; followed?: string }): string {
  const r = safeReport(report);
  const c = new Chalk({ level: o.color ? 1 : 0 });
  const sev = (f: Finding) => (f.severity === 'error' ? c.red.bold : f.severity === 'warning' ? c.yellow.bold : c.cyan)(LABEL[f.severity]);
  const out: string[] = [];
  const node = [r.node?.name ? `node ${r.node.name}` : '', r.node?.kubeletVersion ? `kubelet ${r.node.kubeletVersion}` : '', runCount(r) ? `${runCount(r)} kubelet run${runCount(r) === 1 ? '' : 's'}` : '']
    .filter(Boolean)
    .join(', ');
  out.push(c.dim(`kubelet-doctor ${r.tool.version}${node ? ` — ${node}` : ''}${o.followed ? ` — followed ${o.followed}` : ''}`));
  const top = r.findings.find((f) => !f.explainedBy && f.current && !f.benign);
  const vc = top?.severity === 'error' ? c.red.bold : top ? c.yellow.bold : c.green.bold;
  out.push(`${vc('Verdict:')} ${vc(r.verdict)}`);
  const n = severityCounts(r);
  out.push(c.dim(`${n.error} error, ${n.warning} warning, ${n.info} info; ${r.skipped.length} rule${r.skipped.length === 1 ? '' : 's'} skipped`));
  const roots = r.findings.filter((f) => !f.explainedBy);
  const max = o.maxFindings ?? 5;
  for (const f of roots.slice(0, max)) {
    const folded = r.findings.filter((x) => x.explainedBy === f.ruleId).length;
    out.push(`  ${sev(f)} ${f.title} ${c.dim(`[${f.ruleId}]`)}${folded ? c.dim(` (+${folded} folded)`) : ''}`);
  }
  if (roots.length > max) out.push(c.dim(`  … ${roots.length - max} more`));
  const fixOf = o.opened ?? top;
  if (fixOf) {
    out.push('');
    out.push(c.bold(`Fix for ${fixOf.title} [${fixOf.ruleId}]:`));
    out.push(`  ${fixOf.remediation.summary}`);
    fixOf.remediation.steps.forEach((s, i) => {
      out.push(`  ${i + 1}. ${s.text}`);
      if (s.command) for (const line of s.command.split('\n')) out.push(`     ${c.green(line)}`);
    });
  }
  out.push('');
  out.push(c.dim('Full report: kubelet-doctor scan --format text|markdown|json|sarif|junit'));
  return `${out.join('\n')}\n`;
}
