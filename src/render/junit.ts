// JUnit XML for CI test reports: one testcase per rule that ran or was skipped. A current,
// non-benign finding is a <failure> (message, cited evidence, fix); a skipped rule is <skipped>
// with the reason; a rule that threw is an <error>. Findings only seen in earlier kubelet runs and
// known-benign ones pass, with the finding in <system-out>, as --fail-on does not count them either.

import { runCount } from '../run-summary.js';
import type { RuleMeta } from '../rules/model.js';
import type { Citation, Finding, Report } from '../types.js';

export interface JunitOptions {
  rules?: readonly RuleMeta[];
}

/** Text safe inside XML 1.0: escaped markup, control characters shown as \xNN (they are not legal XML). */
export function xmlEscape(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}

function citeText(c: Citation): string {
  const loc = c.line !== undefined ? `${c.source}:${c.line}${c.endLine && c.endLine !== c.line ? `-${c.endLine}` : ''}` : c.source;
  const field = c.field ? `${c.field}${c.value !== undefined ? ` = ${c.value}` : ''}: ` : '';
  const extra = [c.count && c.count > 1 ? `matched ${c.count} times` : '', c.note ?? ''].filter(Boolean).join('; ');
  return `  ${loc}  ${field}${c.text}${extra ? `  (${extra})` : ''}`;
}

function findingBody(f: Finding): string {
  const lines = [`${f.severity.toUpperCase()} ${f.title} [${f.ruleId}]`, f.message];
  const seen = [f.count ? `seen ${f.count} time${f.count === 1 ? '' : 's'}` : '', f.firstSeen ? `first ${f.firstSeen}` : '', f.lastSeen && f.lastSeen !== f.firstSeen ? `last ${f.lastSeen}` : '', f.causedExit ? 'made the kubelet exit' : '']
    .filter(Boolean)
    .join(', ');
  if (seen) lines.push(seen);
  if (f.explainedBy) lines.push(`explained by ${f.explainedBy} (a consequence of it)`);
  if (f.evidence.length) lines.push('', 'Evidence:', ...f.evidence.map(citeText));
  lines.push('', `Why: ${f.why}`, '', `Fix: ${f.remediation.summary}`);
  f.remediation.steps.forEach((s, i) => {
    lines.push(`  ${i + 1}. ${s.text}`);
    if (s.command) for (const l of s.command.split('\n')) lines.push(`       ${l}`);
  });
  if (f.references.length) lines.push('', 'References:', ...f.references.map((u) => `  ${u}`));
  if (f.explains.length) lines.push('', `Explains: ${f.explains.join(', ')}`);
  return lines.join('\n');
}

export function renderJunit(report: Report, o: JunitOptions = {}): string {
  const meta = new Map((o.rules ?? []).map((r) => [r.id, r]));
  const byRule = new Map<string, Finding[]>();
  for (const f of report.findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  const ids = [...new Set([...report.rulesRun, ...report.findings.map((f) => f.ruleId)])];
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  const category = (id: string) => meta.get(id)?.category ?? byRule.get(id)?.[0]?.category ?? 'rules';
  for (const id of ids) {
    const fs = byRule.get(id) ?? [];
    const failing = fs.filter((f) => f.current && !f.benign);
    const passing = fs.filter((f) => !failing.includes(f));
    const head = `    <testcase${attrs({ classname: `kubelet-doctor.${category(id)}`, name: id, time: '0' })}`;
    if (!fs.length) {
      cases.push(`${head}/>`);
      continue;
    }
    const parts: string[] = [];
    if (failing.length) {
      failures++;
      const top = failing[0]!;
      const message = failing.length === 1 ? `${top.title}: ${top.message}` : `${top.title}: ${failing.length} findings`;
      parts.push(`      <failure${attrs({ message, type: top.severity })}>${xmlEscape(failing.map(findingBody).join('\n\n'))}</failure>`);
    }
    if (passing.length) {
      const why = passing.map((f) => `${f.benign ? 'known benign' : 'seen only in earlier kubelet runs'}: ${findingBody(f)}`).join('\n\n');
      parts.push(`      <system-out>${xmlEscape(why)}</system-out>`);
    }
    cases.push(`${head}>\n${parts.join('\n')}\n    </testcase>`);
  }
  for (const s of report.skipped) {
    const head = `    <testcase${attrs({ classname: `kubelet-doctor.${category(s.ruleId)}`, name: s.ruleId, time: '0' })}>`;
    if (/^rule failed to run/.test(s.reason)) {
      errors++;
      cases.push(`${head}\n      <error${attrs({ message: s.reason, type: 'rule-error' })}>${xmlEscape(s.reason)}</error>\n    </testcase>`);
    } else {
      skipped++;
      cases.push(`${head}\n      <skipped${attrs({ message: s.reason })}/>\n    </testcase>`);
    }
  }
  const tests = cases.length;
  const time = report.stats ? (report.stats.ms.total / 1000).toFixed(3) : '0';
  const suiteName = `kubelet-doctor${report.node?.name ? ` ${report.node.name}` : ''}`;
  const props: Record<string, string | undefined> = {
    verdict: report.verdict,
    'tool.version': report.tool.version,
    'node.name': report.node?.name,
    'kubelet.version': report.node?.kubeletVersion,
    'kubelet.runs': String(runCount(report)),
    'crash.loop': report.crashLoop ? `${report.crashLoop.runs} runs${report.crashLoop.restartCounter ? `, restart counter ${report.crashLoop.restartCounter}` : ''}` : undefined,
    sources: report.sources.map((s) => s.name).join(', ') || undefined,
  };
  const propXml = Object.entries(props)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `      <property${attrs({ name: k, value: v })}/>`);
  const problems = report.sources.flatMap((s) => s.problems.map((p) => `${s.name}: ${p}`));
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'kubelet-doctor', tests, failures, errors, skipped, time })}>`,
    `  <testsuite${attrs({ name: suiteName, tests, failures, errors, skipped, time, timestamp: report.generatedAt.replace(/\.\d+Z$/, 'Z'), hostname: report.node?.name })}>`,
    ...(propXml.length ? ['    <properties>', ...propXml, '    </properties>'] : []),
    ...cases,
    `    <system-out>${xmlEscape([`Verdict: ${report.verdict}`, ...problems].join('\n'))}</system-out>`,
    '  </testsuite>',
    '</testsuites>',
  ];
  return `${out.join('\n')}\n`;
}
