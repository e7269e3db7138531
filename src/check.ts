// `kubelet-doctor check`: runs every fixture under the given directories and compares the findings
// with the fixture's own expectations, strictly both ways:
//   fixture.yaml  `expect: [ids]` — findings with no line to pin (node-state, or any)
//                 `cites: {id: [etc/x.toml:26]}` — when <id> fires it must cite that line of that node file
//   journal lines `# ruleid: <id>` — the next line must be cited by finding <id>
//                 `# ok: <id>`     — the next line must NOT be cited by <id>
//                 `# todoruleid: <id>` / `# todook: <id>` — known gaps, reported, never failing

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseYamlSafe } from './rules/load.js';
import type { Rule } from './rules/model.js';
import { runScan } from './scan.js';
import { EXIT_RULE_ID } from './engine/exit.js';
import type { Report } from './types.js';
import { redact } from './redact.js';

export interface FixtureSpec {
  description: string;
  /** Frozen clock for certificate expiry and year inference. */
  now?: string;
  /** Rule ids every case must produce (beyond inline annotations). */
  expect?: string[];
  /** Journal files, each its own case; a nested list is one case over several files. */
  journals?: (string | string[])[];
  /** Scan this folder (relative to the fixture) as a captured node tree (--root). */
  root?: string;
  node?: string;
  kubeconfig?: string;
  hostnameOverride?: string;
  kubeletVersion?: string;
  /** A healthy baseline: must yield no error finding. */
  healthy?: boolean;
  /** Also run a case without any journal (node evidence only) expecting `expectWithoutJournal`. */
  expectWithoutJournal?: string[];
  /** Node-file lines a finding must cite when it fires: rule id → [`path:line`], the path relative to the root. */
  cites?: Record<string, string[]>;
}

export interface Annotation {
  kind: 'ruleid' | 'ok' | 'todoruleid' | 'todook';
  ruleId: string;
  file: string;
  /** The annotated line (the next non-annotation line). */
  line: number;
}

export interface CaseResult {
  fixture: string;
  name: string;
  ok: boolean;
  expected: string[];
  actual: string[];
  missing: string[];
  extra: string[];
  problems: string[];
  todos: string[];
  formats: string[];
  report: Report;
}

const ANN = /^#\s*(ruleid|ok|todoruleid|todook):\s*([\w-]+(?:\s*,\s*[\w-]+)*)\s*$/;

/** Read inline annotations of a journal fixture. */
export function readAnnotations(file: string): Annotation[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  if (!text.includes('# ')) return [];
  const lines = text.split('\n');
  const out: Annotation[] = [];
  let pending: Omit<Annotation, 'line'>[] = [];
  lines.forEach((l, i) => {
    const m = ANN.exec(l.replace(/\r$/, ''));
    if (m) {
      for (const id of m[2]!.split(/\s*,\s*/)) pending.push({ kind: m[1] as Annotation['kind'], ruleId: id, file });
      return;
    }
    if (pending.length) {
      for (const p of pending) out.push({ ...p, line: i + 1 });
      pending = [];
    }
  });
  return out;
}

/** Every folder holding a fixture.yaml under the given paths. */
export function findFixtures(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 12) return;
    if (existsSync(join(dir, 'fixture.yaml'))) {
      out.push(dir);
      return; // a fixture's own tree is not searched for more fixtures
    }
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const e of entries.sort()) {
      const p = join(dir, e);
      try {
        if (statSync(p).isDirectory()) walk(p, depth + 1);
      } catch {
        /* unreadable: skip */
      }
    }
  };
  for (const p of paths) walk(resolve(p), 0);
  return out;
}

export function readSpec(dir: string): FixtureSpec {
  const file = join(dir, 'fixture.yaml');
  const raw = parseYamlSafe(readFileSync(file, 'utf8'), file) as FixtureSpec;
  if (!raw || typeof raw !== 'object') throw new Error(`${file}: must be a mapping`);
  if (typeof raw.description !== 'string') throw new Error(`${file}: description: must be a string`);
  if (raw.expect !== undefined && !Array.isArray(raw.expect)) throw new Error(`${file}: expect: must be a list of rule ids`);
  if (raw.journals === undefined && raw.root === undefined) throw new Error(`${file}: needs journals: [...] or root: <dir>`);
  if (raw.now !== undefined && Number.isNaN(Date.parse(String(raw.now)))) throw new Error(`${file}: now: not a date`);
  if (raw.cites !== undefined)
    for (const [id, at] of Object.entries(raw.cites))
      if (!Array.isArray(at) || !at.every((x) => typeof x === 'string' && /^[^:]+:\d+$/.test(x))) throw new Error(`${file}: cites.${id}: must be a list of path:line`);
  return raw;
}

function sameFile(a: string, b: string): boolean {
  return resolve(a) === resolve(b);
}

export async function checkFixture(dir: string, rules: Rule[], cwd = process.cwd()): Promise<CaseResult[]> {
  const spec = readSpec(dir);
  const rel = relative(cwd, dir) || '.';
  const cases: { name: string; journals: string[]; expectOverride?: string[] }[] = [];
  for (const j of spec.journals ?? []) {
    const files = (Array.isArray(j) ? j : [j]).map((f) => join(dir, f));
    cases.push({ name: (Array.isArray(j) ? j : [j]).join('+'), journals: files });
  }
  if (!spec.journals?.length) cases.push({ name: 'node evidence', journals: [] });
  if (spec.expectWithoutJournal) cases.push({ name: 'node evidence only', journals: [], expectOverride: spec.expectWithoutJournal });
  const results: CaseResult[] = [];
  for (const c of cases) {
    const anns = c.journals.flatMap(readAnnotations);
    const expected = new Set(c.expectOverride ?? [...(spec.expect ?? []), ...anns.filter((a) => a.kind === 'ruleid').map((a) => a.ruleId)]);
    const problems: string[] = [];
    const journalPaths = c.journals.map((f) => relative(cwd, f));
    for (const f of journalPaths) if (!existsSync(f)) problems.push(`journal ${f} does not exist`);
    const report = await runScan({
      rules,
      journals: journalPaths,
      root: spec.root !== undefined ? join(dir, spec.root) : undefined,
      // a journal-only fixture must never read the machine the tests run on
      nodeState: spec.root !== undefined,
      noJournalctl: true,
      now: spec.now ? new Date(spec.now) : new Date('2026-01-01T00:00:00Z'),
      citeLimit: 100000,
      nodeFile: spec.node ? join(dir, spec.node) : undefined,
      kubeconfig: spec.kubeconfig ? join(dir, spec.kubeconfig) : undefined,
      useApi: false,
      hostnameOverride: spec.hostnameOverride,
      kubeletVersion: spec.kubeletVersion,
      // a fixture with no journal must never read the test runner's stdin
      inputs: c.journals.length ? undefined : [],
    });
    // The exit finding folded under the rule that explains the exit is part of that cause (its details), not
    // a finding of its own: a fixture need not list it, though one that does still requires it.
    const actual = new Set(report.findings.filter((f) => !(f.ruleId === EXIT_RULE_ID && f.explainedBy && !expected.has(f.ruleId))).map((f) => f.ruleId));
    const missing = [...expected].filter((id) => !actual.has(id)).sort();
    const extra = [...actual].filter((id) => !expected.has(id)).sort();
    const todos: string[] = [];
    for (const a of anns) {
      const f = report.findings.find((x) => x.ruleId === a.ruleId);
      const cites = !!f?.evidence.some((e) => e.kind === 'journal' && e.line !== undefined && sameFile(e.source, a.file) && e.line <= a.line && (e.endLine ?? e.line) >= a.line);
      const where = `${relative(cwd, a.file)}:${a.line}`;
      if (a.kind === 'ruleid' && f && !cites) problems.push(`${where}: ${a.ruleId} fired but does not cite this line`);
      if (a.kind === 'ok' && cites) problems.push(`${where}: ${a.ruleId} must not cite this line (marked ok)`);
      if (a.kind === 'todoruleid') todos.push(`${where}: todo ${a.ruleId}${cites ? ' (now fires: promote to ruleid)' : ''}`);
      if (a.kind === 'todook') todos.push(`${where}: todo-ok ${a.ruleId}${cites ? ' (still cited)' : ' (no longer cited: promote to ok)'}`);
    }
    for (const [id, at] of Object.entries(spec.cites ?? {})) {
      const f = report.findings.find((x) => x.ruleId === id);
      if (!f) continue; // not firing is already `missing` when it was expected
      for (const want of at) {
        const [path, line] = [want.slice(0, want.lastIndexOf(':')).replace(/^\/+/, ''), Number(want.slice(want.lastIndexOf(':') + 1))];
        if (!f.evidence.some((e) => e.kind !== 'journal' && e.line === line && e.source.replace(/^\/+/, '') === path)) problems.push(`${id} fired but does not cite ${want}`);
      }
    }
    if (spec.healthy) for (const f of report.findings) if (f.severity === 'error') problems.push(`healthy baseline has an error finding: ${f.ruleId}`);
    for (const s of report.sources) for (const p of s.problems) if (/^cannot open|^read stopped/.test(p)) problems.push(`${s.name}: ${p}`);
    results.push({
      fixture: rel,
      name: c.name,
      ok: missing.length === 0 && extra.length === 0 && problems.length === 0,
      expected: [...expected].sort(),
      actual: [...actual].sort(),
      missing,
      extra,
      problems,
      todos,
      formats: report.sources.filter((s) => s.kind === 'journal').map((s) => String(s.format)),
      report,
    });
  }
  return results;
}

export async function runCheck(paths: string[], rules: Rule[]): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const dir of findFixtures(paths)) {
    try {
      out.push(...(await checkFixture(dir, rules)));
    } catch (e) {
      out.push({
        fixture: relative(process.cwd(), dir),
        name: 'fixture.yaml',
        ok: false,
        expected: [],
        actual: [],
        missing: [],
        extra: [],
        problems: [(e as Error).message],
        todos: [],
        formats: [],
        report: undefined as unknown as Report,
      });
    }
  }
  return out;
}

export function renderCheck(results: CaseResult[], color: (s: string, kind: 'ok' | 'bad' | 'dim') => string): string {
  const lines: string[] = [];
  for (const r of results) {
    const head = `${r.fixture} (${r.name})`;
    if (r.ok) {
      lines.push(`${color('✓', 'ok')} ${head} ${color(r.actual.length ? r.actual.join(', ') : 'no findings', 'dim')}`);
    } else {
      lines.push(`${color('✗', 'bad')} ${head}`);
      if (r.missing.length) lines.push(`    missing (expected, not found): ${r.missing.join(', ')}`);
      if (r.extra.length) lines.push(`    extra (found, not expected):   ${r.extra.join(', ')}`);
      for (const p of r.problems) lines.push(`    ${redact(p)}`);
    }
    for (const t of r.todos) lines.push(`    ${color(t, 'dim')}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  lines.push('');
  lines.push(`${results.length - failed} passed, ${failed} failed`);
  return `${lines.join('\n')}\n`;
}

