// SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format) for code-scanning dashboards:
// one run, tool.driver.rules from rule metadata, one result per finding located at the cited
// journal line or config file line, skipped rules and source problems as tool notifications.
// Spec: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html

import { runCount } from '../run-summary.js';
import type { RuleMeta } from '../rules/model.js';
import type { Citation, Finding, Report, Severity } from '../types.js';

export interface SarifOptions {
  /** Metadata of the rules that were loaded (help text, help URI); findings fill in any gap. */
  rules?: readonly RuleMeta[];
  /** The capture root the scan read (--root, a bundle): node paths resolve against it (uriBaseId NODEROOT). */
  root?: string;
  /** The working directory, against which relative journal paths resolve (uriBaseId WORKDIR). */
  cwd?: string;
}

/** uriBaseIds: node paths (relative to the capture root or /) and journal paths (relative to the working directory). */
export const NODEROOT = 'NODEROOT';
export const WORKDIR = 'WORKDIR';

/** A directory as the absolute file: URI SARIF wants for a base (ends in /). */
function dirUri(dir: string): string {
  const abs = dir.startsWith('/') ? dir : `/${dir}`;
  return `file://${abs.split('/').map((p) => encodeURIComponent(p)).join('/').replace(/\/*$/, '/')}`;
}

/** GitHub code scanning keeps one analysis per category: one per node. */
export function automationId(report: Report): string {
  return `kubelet-doctor/${(report.node?.name ?? 'unknown-node').replace(/[^\w.-]/g, '_')}/`;
}

type SarifLevel = 'error' | 'warning' | 'note' | 'none';

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** A citation source as a URI reference: absolute paths become file: URIs, the rest stay relative. */
export function sourceUri(source: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return source;
  const enc = source
    .split('/')
    .map((p) => encodeURIComponent(p))
    .join('/');
  return source.startsWith('/') ? `file://${enc}` : enc;
}

/** Journal/config citations point at a file and line; API objects, processes and absences do not. */
function hasArtifact(c: Citation): boolean {
  return (c.kind === 'journal' || c.kind === 'file' || c.kind === 'config' || c.kind === 'certificate') && c.source !== '';
}

function citationMessage(c: Citation): string {
  const field = c.field ? `${c.field}${c.value !== undefined ? ` = ${c.value}` : ''}: ` : '';
  const count = c.count && c.count > 1 ? ` (matched ${c.count} times)` : '';
  const note = c.note ? ` (${c.note})` : '';
  return `${field}${c.text}${count}${note}`.slice(0, 4000) || c.kind;
}

/** Which base a relative citation source resolves against: node files under the root, journals under the working directory. */
function baseOf(c: Citation): string | undefined {
  if (c.source.startsWith('/') || /^[a-z][a-z0-9+.-]*:\/\//i.test(c.source) || c.source === 'stdin' || c.source === 'journalctl') return undefined;
  return c.kind === 'journal' ? WORKDIR : NODEROOT;
}

function artifactLocation(source: string, kind: Citation['kind']): { uri: string; uriBaseId?: string } {
  const base = baseOf({ kind, source, text: '' });
  return { uri: sourceUri(source), ...(base ? { uriBaseId: base } : {}) };
}

function location(c: Citation, id: number) {
  const message = { text: citationMessage(c) };
  if (hasArtifact(c)) {
    const region: Record<string, unknown> = {};
    if (c.line !== undefined && c.line > 0) {
      region.startLine = c.line;
      if (c.endLine !== undefined && c.endLine > c.line) region.endLine = c.endLine;
      // highlight offsets index the cited line's text in UTF-16 code units, as SARIF columns do by default
      if (c.highlight && (c.endLine === undefined || c.endLine === c.line) && c.highlight[1] > c.highlight[0]) {
        region.startColumn = c.highlight[0] + 1;
        region.endColumn = c.highlight[1] + 1;
      }
      region.snippet = { text: c.text };
    }
    return {
      id,
      physicalLocation: { artifactLocation: artifactLocation(c.source, c.kind), ...(Object.keys(region).length ? { region } : {}) },
      message,
    };
  }
  const kind = c.kind === 'api' || c.kind === 'node' ? 'resource' : c.kind === 'process' ? 'process' : 'object';
  return { id, logicalLocations: [{ fullyQualifiedName: c.source || c.kind, kind }], message };
}

function helpText(r: Pick<RuleMeta, 'why' | 'remediation' | 'references'>): { text: string; markdown: string } {
  const steps = r.remediation.steps;
  const text = [
    r.why.trim(),
    '',
    `Fix: ${r.remediation.summary}`,
    ...steps.flatMap((s, i) => [`${i + 1}. ${s.text}`, ...(s.command ? s.command.split('\n').map((l) => `     ${l}`) : [])]),
    ...(r.references.length ? ['', ...r.references] : []),
  ].join('\n');
  const md = [
    r.why.trim(),
    '',
    `**Fix:** ${r.remediation.summary}`,
    '',
    ...steps.flatMap((s, i) => [`${i + 1}. ${s.text}`, ...(s.command ? ['', '   ```sh', ...s.command.split('\n').map((l) => `   ${l}`), '   ```', ''] : [])]),
    ...(r.references.length ? ['', ...r.references.map((u) => `- <${u}>`)] : []),
  ].join('\n');
  return { text, markdown: md };
}

type RuleInfo = Pick<RuleMeta, 'id' | 'title' | 'severity' | 'category' | 'why' | 'remediation' | 'references'> & { message?: string };

function ruleDescriptor(r: RuleInfo) {
  return {
    id: r.id,
    name: r.id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.why.trim() || r.title },
    ...(r.references[0] ? { helpUri: r.references[0] } : {}),
    help: helpText(r),
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: { category: r.category, tags: ['kubelet', r.category], ...(r.references.length ? { references: r.references } : {}) },
  };
}

export function renderSarif(report: Report, o: SarifOptions = {}): string {
  // Rules: every one the report mentions (ran, skipped or fired), described from metadata when we have it.
  const meta = new Map<string, RuleInfo>();
  for (const r of o.rules ?? []) meta.set(r.id, r);
  for (const f of report.findings)
    if (!meta.has(f.ruleId))
      meta.set(f.ruleId, { id: f.ruleId, title: f.title, severity: f.severity, category: f.category, why: f.why, remediation: f.remediation, references: f.references });
  const ids = [...new Set([...report.rulesRun, ...report.skipped.map((s) => s.ruleId), ...report.findings.map((f) => f.ruleId)])];
  const rules = ids.map(
    (id) => meta.get(id) ?? { id, title: id, severity: 'warning' as Severity, category: 'unknown', why: '', remediation: { summary: `see kubelet-doctor explain ${id}`, steps: [] }, references: [] },
  );
  const index = new Map(rules.map((r, i) => [r.id, i]));

  const results = report.findings.map((f, rank) => result(f, rank, index.get(f.ruleId)!));

  const notifications = [
    ...report.skipped.map((s) => ({
      level: (/^rule failed to run/.test(s.reason) ? 'error' : 'note') as SarifLevel,
      message: { text: `${s.ruleId} skipped: ${s.reason}` },
      associatedRule: { id: s.ruleId, index: index.get(s.ruleId)! },
    })),
    ...report.sources.flatMap((src) => src.problems.map((p) => ({ level: 'warning' as SarifLevel, message: { text: `${src.name}: ${p}` } }))),
  ];

  const journalArtifacts = report.sources.filter((s) => s.kind === 'journal' || s.kind === 'file');
  const bases = {
    [NODEROOT]: { ...(o.root ? { uri: dirUri(o.root) } : {}), description: { text: 'The node\'s filesystem root as the scan read it (--root, a bundle, or /)' } },
    [WORKDIR]: { ...(o.cwd ? { uri: dirUri(o.cwd) } : {}), description: { text: 'The working directory of the scan: journal files given by a relative path' } },
  };
  const sarif = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        automationDetails: { id: automationId(report), description: { text: `kubelet-doctor on node ${report.node?.name ?? '(name unknown)'}` } },
        originalUriBaseIds: bases,
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            ...(/^\d+\.\d+\.\d+/.test(report.tool.version) ? { semanticVersion: report.tool.version } : {}),
            rules: rules.map(ruleDescriptor),
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            endTimeUtc: report.generatedAt,
            ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        ...(journalArtifacts.length
          ? {
              artifacts: journalArtifacts.map((s) => ({
                location: artifactLocation(s.name, s.kind === 'journal' ? 'journal' : 'file'),
                ...(s.bytes !== undefined ? { length: s.bytes } : {}),
                ...(s.format ? { properties: { format: s.format, lines: s.lines, records: s.records } } : {}),
              })),
            }
          : {}),
        columnKind: 'utf16CodeUnits',
        results,
        properties: {
          verdict: report.verdict,
          ...(report.node?.name ? { nodeName: report.node.name } : {}),
          ...(report.node?.kubeletVersion ? { kubeletVersion: report.node.kubeletVersion } : {}),
          kubeletRuns: runCount(report),
          ...(report.crashLoop ? { crashLoop: report.crashLoop } : {}),
        },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function result(f: Finding, rank: number, ruleIndex: number) {
  // Findings only seen in earlier kubelet runs, and known-benign ones, are notes: they do not fail --fail-on either.
  const level: SarifLevel = f.benign || !f.current ? 'note' : LEVEL[f.severity];
  // The first file-backed citation is the location; every other citation is a related location.
  const primaryIndex = Math.max(0, f.evidence.findIndex((c) => hasArtifact(c)));
  const primary = f.evidence[primaryIndex];
  const qualifiers = [f.causedExit ? 'made the kubelet exit' : '', !f.current ? 'earlier kubelet runs only' : '', f.benign ? 'known benign' : ''].filter(Boolean);
  const text = `${f.title}: ${f.message}${qualifiers.length ? ` (${qualifiers.join(', ')})` : ''} Fix: ${f.remediation.summary}`;
  const related = f.evidence.filter((_c, i) => i !== primaryIndex);
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level,
    kind: 'fail',
    message: { text },
    locations: primary ? [location(primary, 0)] : [],
    ...(related.length ? { relatedLocations: related.map((c, n) => location(c, n + 1)) } : {}),
    partialFingerprints: { 'kubeletDoctor/ruleAndSource/v1': `${f.ruleId}:${primary?.source ?? ''}` },
    rank: Math.max(0, 100 - rank),
    properties: {
      severity: f.severity,
      category: f.category,
      current: f.current,
      causedExit: f.causedExit,
      benign: f.benign,
      count: f.count,
      ...(f.firstSeen ? { firstSeen: f.firstSeen } : {}),
      ...(f.lastSeen ? { lastSeen: f.lastSeen } : {}),
      ...(f.runs.length ? { kubeletRuns: f.runs.map((r) => r + 1) } : {}),
      ...(f.explainedBy ? { explainedBy: f.explainedBy } : {}),
      ...(f.explains.length ? { explains: f.explains } : {}),
      remediation: f.remediation,
    },
  };
}
