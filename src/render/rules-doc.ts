// docs/rules.md from rule metadata: what each rule detects, its severity and evidence, the fix and
// the references. Pure: (rules) → Markdown; `kubelet-doctor rules --format markdown` prints it and a
// test keeps the committed file in step.

import { showTemplate, type Rule } from '../rules/model.js';
import { describeCondition } from '../rules/state-match.js';

const fence = (text: string, lang = 'sh') => {
  const ticks = text.includes('```') ? '~~~~' : '```';
  return `${ticks}${lang}\n${text}\n${ticks}`;
};

export function renderRulesDoc(rules: Rule[]): string {
  const sorted = [...rules].sort((a, b) => a.category.localeCompare(b.category) || a.id.localeCompare(b.id));
  const out: string[] = [
    '# kubelet-doctor rules',
    '',
    'Generated from the rule files in `rules/` (`kubelet-doctor rules --format markdown > docs/rules.md`). ',
    '`kubelet-doctor explain <id>` prints one rule with its journal signatures.',
    '',
    '| id | severity | category | evidence | title |',
    '|---|---|---|---|---|',
    ...sorted.map((r) => `| [${r.id}](#${r.id}) | ${r.benign ? 'info (benign)' : r.severity} | ${r.category} | ${r.evidence.join(', ')} | ${r.title.replace(/\|/g, '\\|')} |`),
    '',
  ];
  for (const r of sorted) {
    out.push(`## ${r.id}`, '', `**${r.title}** — ${r.severity}${r.fatal ? ', makes the kubelet exit' : ''}${r.benign ? ', known-benign' : ''}; evidence: ${r.evidence.join(', ')}${r.kubeletVersions ? `; kubelet ${r.kubeletVersions}` : ''}.`, '');
    out.push(r.why.trim(), '');
    if (r.match?.journal?.length) out.push(`Journal signatures: ${r.match.journal.length} (${[...new Set(r.match.journal.map((p) => p.versions).filter(Boolean))].join('; ') || 'all versions'}).`, '');
    if (r.state?.length) out.push(`Node state: ${r.state.map((c) => `\`${describeCondition(c)}\``).join(r.state.length > 1 ? '; ' : '')}.`, '');
    out.push(`**Fix:** ${showTemplate(r.remediation.summary)}`, '');
    r.remediation.steps.forEach((s, i) => {
      out.push(`${i + 1}. ${showTemplate(s.text)}`);
      if (s.command) out.push('', fence(showTemplate(s.command)).replace(/^/gm, '   '), '');
    });
    if (r.explains?.length) out.push('', `Explains (folds these findings under it): ${r.explains.map((x) => `[${x}](#${x})`).join(', ')}`);
    out.push('', `References: ${r.references.map((u) => `<${u}>`).join(' · ')}`, '');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
