// One view of several nodes (`fleet`, `scan --bundle A B …`): each node's report, what only a comparison of
// nodes shows, and the nodes that could not be scanned. Rendered in every format a scan has; pure functions
// of the view, built on the single-report renderers.

import type { RenderOptions } from '../render/index.js';
import { RENDERERS } from '../render/index.js';
import { xmlEscape } from '../render/junit.js';
import { SARIF_SCHEMA_URI } from '../render/sarif.js';
import type { Report, Severity } from '../types.js';
import { yaml } from '../yaml.js';
import type { Comparison } from './compare.js';

export interface FleetView {
  /** The API server's /version (gitVersion), when `fleet` asked it. */
  apiServerVersion?: string;
  nodes: { name: string; report: Report }[];
  comparisons: Comparison[];
  couldNotRun: { node: string; reason: string }[];
  /** Jobs `fleet` created and deleted again. */
  jobsDeleted?: string[];
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const count = (r: Report, s: Severity) => r.findings.filter((f) => f.current && f.severity === s).length;

/** Worst first: most current errors, then warnings. */
function worstFirst(v: FleetView): FleetView['nodes'] {
  return [...v.nodes].sort((a, b) => count(b.report, 'error') - count(a.report, 'error') || count(b.report, 'warning') - count(a.report, 'warning') || a.name.localeCompare(b.name));
}

const collectHint = (node: string) => `run \`kubelet-doctor collect --output ${node}.tar.gz\` on that node and \`kubelet-doctor scan --bundle\` it`;

function text(v: FleetView): string {
  const out: string[] = [`kubelet-doctor — ${v.nodes.length} node${v.nodes.length === 1 ? '' : 's'}${v.apiServerVersion ? `, API server ${v.apiServerVersion}` : ''}`, ''];
  for (const n of worstFirst(v)) {
    out.push(`${n.name}: ${count(n.report, 'error')} error, ${count(n.report, 'warning')} warning — ${n.report.verdict}`);
    for (const f of n.report.findings.filter((x) => x.current).slice(0, 5)) out.push(`    ${f.severity.toUpperCase()} ${f.title} [${f.ruleId}]`);
  }
  out.push('', v.comparisons.length ? 'Across nodes:' : 'Across nodes: nothing differs that should not.');
  for (const c of v.comparisons) {
    out.push(`  ${c.severity.toUpperCase()} ${c.title} [${c.id}]`, `    ${c.message}`);
    for (const e of c.evidence) out.push(`    │ ${e}`);
    if (c.fix) out.push(`    Fix: ${c.fix}`);
  }
  if (v.couldNotRun.length) {
    out.push('', 'Could not run:');
    for (const x of v.couldNotRun) out.push(`  ${x.node}: ${x.reason} — ${collectHint(x.node)}`);
  }
  return `${out.join('\n')}\n`;
}

function doc(v: FleetView, o: RenderOptions): unknown {
  const strip = (r: Report) => (o.stats ? r : (({ stats: _s, ...rest }) => rest)(r));
  return {
    ...(v.apiServerVersion ? { apiServerVersion: v.apiServerVersion } : {}),
    nodes: worstFirst(v).map((n) => ({ name: n.name, report: strip(n.report) })),
    comparisons: v.comparisons,
    couldNotRun: v.couldNotRun,
    ...(v.jobsDeleted ? { jobsDeleted: v.jobsDeleted } : {}),
  };
}

function markdown(v: FleetView): string {
  const out = [`# kubelet-doctor — ${v.nodes.length} nodes${v.apiServerVersion ? ` (API server ${v.apiServerVersion})` : ''}`, '', '| Node | Errors | Warnings | Verdict |', '| --- | ---: | ---: | --- |'];
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  for (const n of worstFirst(v)) out.push(`| ${cell(n.name)} | ${count(n.report, 'error')} | ${count(n.report, 'warning')} | ${cell(n.report.verdict)} |`);
  out.push('', '## Across nodes', '');
  if (!v.comparisons.length) out.push('Nothing differs that should not.');
  for (const c of v.comparisons) {
    out.push(`### ${c.severity.toUpperCase()}: ${c.title} (\`${c.id}\`)`, '', c.message, '', ...c.evidence.map((e) => `- ${e}`), '');
    if (c.fix) out.push(`**Fix:** ${c.fix}`, '');
  }
  if (v.couldNotRun.length) {
    out.push('', '## Could not run', '');
    for (const x of v.couldNotRun) out.push(`- **${x.node}**: ${x.reason} — ${collectHint(x.node)}`);
  }
  // each node's own report, its headings one level down
  for (const n of worstFirst(v)) out.push('', `## Node ${n.name}`, '', RENDERERS.markdown!(n.report, { color: false }).replace(/^(#+) /gm, '$1## ').trim());
  return `${out.join('\n')}\n`;
}

function sarif(v: FleetView, o: RenderOptions): string {
  // one run per node (its own automationDetails id), then one for the comparisons and the nodes not scanned
  const runs = v.nodes.map((n) => (JSON.parse(RENDERERS.sarif!(n.report, { ...o, root: undefined })) as { runs: unknown[] }).runs[0]);
  const ids = [...new Set(v.comparisons.map((c) => c.id))];
  runs.push({
    automationDetails: { id: 'kubelet-doctor/fleet/', description: { text: 'kubelet-doctor: comparisons across nodes' } },
    tool: { driver: { name: 'kubelet-doctor', rules: ids.map((id) => ({ id, shortDescription: { text: v.comparisons.find((c) => c.id === id)!.title } })) } },
    invocations: [
      {
        executionSuccessful: true,
        ...(v.couldNotRun.length ? { toolExecutionNotifications: v.couldNotRun.map((x) => ({ level: 'error', message: { text: `${x.node}: could not run: ${x.reason}` } })) } : {}),
      },
    ],
    results: v.comparisons.map((c) => ({
      ruleId: c.id,
      ruleIndex: ids.indexOf(c.id),
      level: c.severity === 'info' ? 'note' : c.severity,
      message: { text: `${c.title}: ${c.message}${c.fix ? ` Fix: ${c.fix}` : ''}` },
      locations: c.nodes.map((n, i) => ({ id: i, logicalLocations: [{ fullyQualifiedName: `node/${n}`, kind: 'resource' }] })),
      properties: { nodes: c.nodes, evidence: c.evidence },
    })),
    properties: { ...(v.apiServerVersion ? { apiServerVersion: v.apiServerVersion } : {}) },
  });
  return `${JSON.stringify({ $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs }, null, 2)}\n`;
}

function junit(v: FleetView, o: RenderOptions): string {
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suites: string[] = [];
  for (const n of v.nodes) {
    const xml = RENDERERS.junit!(n.report, o);
    const top = /<testsuites[^>]*>/.exec(xml)![0];
    for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += Number(new RegExp(` ${k}="(\\d+)"`).exec(top)?.[1] ?? 0);
    const suite = xml.slice(xml.indexOf(top) + top.length, xml.lastIndexOf('</testsuites>')).replace(/^\n|\n$/g, '');
    // the suite is named as the view names the node (cloned machines share a host name)
    suites.push(suite.replace(/<testsuite name="[^"]*"/, `<testsuite name="kubelet-doctor ${xmlEscape(n.name)}"`));
  }
  const cases = [
    ...v.comparisons.map(
      (c) => `    <testcase classname="kubelet-doctor.fleet" name="${xmlEscape(c.id)}" time="0">\n      <failure message="${xmlEscape(`${c.title}: ${c.message}`)}" type="${c.severity}">${xmlEscape([...c.evidence, ...(c.fix ? [`Fix: ${c.fix}`] : [])].join('\n'))}</failure>\n    </testcase>`,
    ),
    ...v.couldNotRun.map((x) => `    <testcase classname="kubelet-doctor.fleet" name="${xmlEscape(`could-not-run ${x.node}`)}" time="0">\n      <error message="${xmlEscape(x.reason)}" type="could-not-run">${xmlEscape(collectHint(x.node))}</error>\n    </testcase>`),
  ];
  const f = v.comparisons.length;
  const e = v.couldNotRun.length;
  totals.tests += cases.length;
  totals.failures += f;
  totals.errors += e;
  suites.push(`  <testsuite name="kubelet-doctor fleet" tests="${cases.length}" failures="${f}" errors="${e}" skipped="0" time="0">${cases.length ? `\n${cases.join('\n')}\n  ` : ''}</testsuite>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="kubelet-doctor" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="0">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** The view in a scan's output format (text, json, yaml, sarif, junit, markdown). */
export function renderView(v: FleetView, format: string, o: RenderOptions = { color: false }): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(doc(v, o), null, 2)}\n`;
    case 'yaml':
      return yaml().stringify(doc(v, o), { lineWidth: 0 });
    case 'sarif':
      return sarif(v, o);
    case 'junit':
      return junit(v, o);
    case 'markdown':
      return markdown(v);
    default:
      return text(v);
  }
}

/** Exit code of a view under --fail-on: any node's current finding or any comparison at or above it. */
export function viewExitCode(v: FleetView, failOn: Severity | 'never'): number {
  if (failOn === 'never') return 0;
  const hit = (s: Severity) => ORDER[s] <= ORDER[failOn];
  return v.nodes.some((n) => n.report.findings.some((f) => f.current && hit(f.severity))) || v.comparisons.some((c) => hit(c.severity)) ? 1 : 0;
}
