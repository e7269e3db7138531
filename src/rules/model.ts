// The rule envelope shared by data rules (rules/*.yaml) and code rules (rules/*.ts), and the one
// schema check both pass through at load time.

import { isVersionRange } from './versions.js';
import type { Citation, Remediation, Severity } from '../types.js';
import type { Evidence, EvidenceKind } from '../evidence.js';
import { EVIDENCE_KINDS } from '../evidence.js';
import type { RuleHits } from '../engine/hits.js';
import { parseStateMatch, type StateCondition } from './state-match.js';
import { stateCheck } from './state-check.js';

export interface JournalPattern {
  /** JavaScript regular expression, matched case-insensitively against the message (klog header
   * removed, `\"` unescaped). Named groups become template values. */
  pattern: string;
  /** Kubelet versions that print this wording, e.g. `>=1.21` or `1.19 - 1.20` (documentation). */
  versions?: string;
  /** Which processes' lines may match: kubelet family (default), or any process. */
  processes?: 'kubelet' | 'any';
  /** Minimum klog level for a match (e.g. W to ignore I-level repeats). */
  minLevel?: 'I' | 'W' | 'E' | 'F';
  /** This wording means the kubelet exits. */
  fatal?: boolean;
}

export interface RuleMeta {
  id: string;
  title: string;
  severity: Severity;
  category: string;
  /** Evidence kinds the rule reads; only those collectors run. */
  evidence: EvidenceKind[];
  /** Kubelet versions the rule applies to, e.g. `<1.24` (the rule is skipped outside them). */
  kubeletVersions?: string;
  match?: {
    journal?: JournalPattern[];
    /** Matches needed before the rule fires (default 1). */
    minCount?: number;
    /** Node-state conditions of data rules (state-match.ts): one or a list each; read into `state`. */
    setting?: unknown;
    sysctl?: unknown;
    file?: unknown;
  };
  /** Message template; `{{name}}` takes a named capture or a value the rule supplies. */
  message: string;
  /** Why it matters: what the kubelet does because of it. */
  why: string;
  remediation: Remediation;
  references: string[];
  /** Rule ids whose findings are consequences of this one and fold under it. */
  explains?: string[];
  /** Every wording of this rule makes the kubelet exit. */
  fatal?: boolean;
  /** Known noise: report as info with the explanation, never as a cause. */
  benign?: boolean;
  /** Tie-breaker in ranking among findings of equal standing (higher first). */
  priority?: number;
}

/** What a code rule may return for one finding. */
export interface RuleOutcome {
  message?: string;
  vars?: Record<string, string>;
  evidence: Citation[];
  severity?: Severity;
  /** Established by current node state, or by the latest kubelet run (default: from journal hits). */
  current?: boolean;
}

export interface RuleContext<K extends EvidenceKind = EvidenceKind> {
  /**
   * Only the evidence kinds the rule declared (typed so: reading another kind does not compile), each
   * present when it could be read — a rule runs when at least one of its kinds is available.
   */
  evidence: Readonly<Partial<Pick<Evidence, K>>>;
  /** Journal matches of this rule's own patterns (empty when nothing matched or no journal). */
  hits: RuleHits;
  /** Journal matches of any rule, for correlation. */
  hitsOf(ruleId: string): RuleHits | undefined;
  now: Date;
  /** Why each declared kind that is missing could not be had (a check that needs it skips with this). */
  unavailable?: Partial<Record<EvidenceKind, string>>;
}

export type CheckResult = RuleOutcome | RuleOutcome[] | { skip: string } | undefined;

export interface Rule extends RuleMeta {
  /** Code rules compare or compute; data rules have one when they test node state (state-check.ts). */
  check?: (ctx: RuleContext) => CheckResult;
  /** A data rule's node-state conditions (match.setting, match.sysctl, match.file), in order. */
  state?: StateCondition[];
  /** Where the rule was loaded from (for errors and `explain`). */
  file: string;
  kind: 'data' | 'code';
}

/** A code rule as written: its check sees the evidence kinds it declares. */
export type RuleDefinition<K extends EvidenceKind> = Omit<RuleMeta, 'evidence'> & { evidence: K[]; check?: (ctx: RuleContext<K>) => CheckResult };

/** A rule as defineRule returns it (annotate with it a rule whose check refers to the rule itself). */
export type DefinedRule = Omit<Rule, 'file' | 'kind'>;

/** Code rules export `defineRule({...})` as their default export. */
export function defineRule<const K extends EvidenceKind>(rule: RuleDefinition<K>): DefinedRule {
  return rule;
}

const ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const SEVERITY = new Set(['error', 'warning', 'info']);

export class RuleSchemaError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
    /** The line of a YAML rule the field is on, when the rule's text is at hand (load.ts). */
    readonly line?: number,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${field}: ${problem}`);
  }
}

/** Validate a rule object from YAML or a code module; throws RuleSchemaError naming file and field. */
export function validateRule(raw: unknown, file: string, kind: 'data' | 'code'): Rule {
  const fail = (field: string, problem: string): never => {
    throw new RuleSchemaError(file, field, problem);
  };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail('(root)', 'a rule must be a mapping');
  const r = raw as Record<string, unknown>;
  const known = new Set([
    'id', 'title', 'severity', 'category', 'evidence', 'kubeletVersions', 'match', 'message', 'why',
    'remediation', 'references', 'explains', 'fatal', 'benign', 'priority', 'check',
  ]);
  for (const k of Object.keys(r)) if (!known.has(k)) fail(k, `unknown field (known: ${[...known].join(', ')})`);
  const str = (field: string, optional = false): string | undefined => {
    const v = r[field];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'string' || v.trim() === '') fail(field, 'must be a non-empty string');
    return v as string;
  };
  const id = str('id')!;
  if (!ID.test(id)) fail('id', `"${id}" must be kebab-case (a-z, 0-9, dashes)`);
  str('title');
  if (!SEVERITY.has(r.severity as string)) fail('severity', `must be one of error, warning, info (got ${JSON.stringify(r.severity)})`);
  str('category');
  str('message');
  str('why');
  str('kubeletVersions', true);
  if (r.kubeletVersions !== undefined) checkRange(r.kubeletVersions as string, (p) => fail('kubeletVersions', p));
  if (!Array.isArray(r.evidence) || r.evidence.length === 0) fail('evidence', 'must list at least one evidence kind');
  (r.evidence as unknown[]).forEach((e, i) => {
    if (!EVIDENCE_KINDS.includes(e as EvidenceKind)) fail(`evidence[${i}]`, `unknown evidence kind ${JSON.stringify(e)} (known: ${EVIDENCE_KINDS.join(', ')})`);
  });
  if (r.match !== undefined) {
    const m = r.match as Record<string, unknown>;
    if (!m || typeof m !== 'object') fail('match', 'must be a mapping');
    const matchKeys = kind === 'data' ? ['journal', 'minCount', 'setting', 'sysctl', 'file'] : ['journal', 'minCount'];
    for (const k of Object.keys(m)) if (!matchKeys.includes(k)) fail(`match.${k}`, `unknown field (known: ${matchKeys.join(', ')})`);
    if (m.minCount !== undefined && (!Number.isInteger(m.minCount) || (m.minCount as number) < 1)) fail('match.minCount', 'must be a positive integer');
    if (m.journal !== undefined) {
      if (!Array.isArray(m.journal) || m.journal.length === 0) fail('match.journal', 'must be a non-empty list of patterns');
      m.journal = (m.journal as unknown[]).map((p, i) => {
        const f = `match.journal[${i}]`;
        const pat: Record<string, unknown> = typeof p === 'string' ? { pattern: p } : (p as Record<string, unknown>);
        if (!pat || typeof pat !== 'object') fail(f, 'must be a string or a mapping with `pattern`');
        for (const k of Object.keys(pat))
          if (!['pattern', 'versions', 'processes', 'minLevel', 'fatal'].includes(k)) fail(`${f}.${k}`, 'unknown field');
        if (typeof pat.pattern !== 'string' || pat.pattern === '') fail(`${f}.pattern`, 'must be a non-empty string');
        try {
          new RegExp(pat.pattern as string, 'i');
        } catch (e) {
          fail(`${f}.pattern`, `invalid regular expression: ${(e as Error).message}`);
        }
        if (pat.processes !== undefined && pat.processes !== 'kubelet' && pat.processes !== 'any') fail(`${f}.processes`, 'must be kubelet or any');
        if (pat.minLevel !== undefined && !['I', 'W', 'E', 'F'].includes(pat.minLevel as string)) fail(`${f}.minLevel`, 'must be one of I, W, E, F');
        return pat;
      });
    }
  }
  const state = kind === 'data' && r.match ? parseStateMatch(r.match as Record<string, unknown>, r.evidence as string[], fail) : [];
  if (kind === 'data' && !(r.match as { journal?: unknown } | undefined)?.journal && state.length === 0)
    fail('match', 'a data rule needs journal patterns or node-state conditions (setting, sysctl, file); rules that compare evidence are written in TypeScript');
  const rem = r.remediation as Record<string, unknown> | undefined;
  if (!rem || typeof rem !== 'object') fail('remediation', 'must be a mapping with summary and steps');
  if (typeof rem!.summary !== 'string' || rem!.summary === '') fail('remediation.summary', 'must be a non-empty string');
  if (!Array.isArray(rem!.steps) || rem!.steps.length === 0) fail('remediation.steps', 'must be a non-empty list');
  (rem!.steps as unknown[]).forEach((s, i) => {
    const st = s as Record<string, unknown>;
    if (!st || typeof st !== 'object' || typeof st.text !== 'string') fail(`remediation.steps[${i}].text`, 'must be a string');
    if (st.command !== undefined && typeof st.command !== 'string') fail(`remediation.steps[${i}].command`, 'must be a string');
  });
  if (!Array.isArray(r.references) || r.references.length === 0) fail('references', 'must list at least one URL');
  (r.references as unknown[]).forEach((u, i) => {
    if (typeof u !== 'string' || !/^https:\/\//.test(u)) fail(`references[${i}]`, 'must be an https URL');
  });
  if (r.explains !== undefined) {
    if (!Array.isArray(r.explains)) fail('explains', 'must be a list of rule ids');
    (r.explains as unknown[]).forEach((x, i) => {
      if (typeof x !== 'string' || !ID.test(x)) fail(`explains[${i}]`, 'must be a rule id');
    });
  }
  for (const b of ['fatal', 'benign'] as const) if (r[b] !== undefined && typeof r[b] !== 'boolean') fail(b, 'must be true or false');
  if (r.priority !== undefined && typeof r.priority !== 'number') fail('priority', 'must be a number');
  if (kind === 'code' && r.check !== undefined && typeof r.check !== 'function') fail('check', 'must be a function');
  if (kind === 'data' && r.check !== undefined) fail('check', 'data rules cannot have code');
  if (state.length) {
    const minCount = (r.match as { minCount?: number }).minCount;
    return { ...(r as unknown as RuleMeta), check: stateCheck(state, minCount), state, file, kind };
  }
  return { ...(r as unknown as RuleMeta), check: r.check as Rule['check'], file, kind };
}

// version ranges and comparisons live in versions.ts (semver); re-exported for the engine and the kit
export { parseVersion, satisfies } from './versions.js';

function checkRange(range: string, fail: (p: string) => void): void {
  if (!isVersionRange(range)) fail(`"${range}" is not a version range (e.g. ">=1.21 <1.24")`);
}

/** `name?'words %'`: the words, with the value for `%`, when `name` has a value (else the next alternative). */
const WORDED = /^([A-Za-z_]\w*)\s*\?\s*'(.*)'$/;

/**
 * Fill `{{name}}` placeholders. `{{a|b|'fallback'}}` takes the first defined value, else the quoted
 * fallback; an unknown name with no fallback renders as `?` so a message never shows raw braces.
 * `{{name?', overriding %'|''}}` words a value only when it is there (optional captures of state conditions).
 */
export function fillTemplate(template: string, vars: Record<string, string | undefined>, prose = false): string {
  const filled = template
    .replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
      for (const alt of expr.split('|').map((s) => s.trim())) {
        const worded = WORDED.exec(alt);
        if (worded) {
          const v = vars[worded[1]!];
          if (v !== undefined && v !== '') return worded[2]!.replace('%', prose ? markCut(v) : v);
          continue;
        }
        const lit = literalOf(alt);
        if (lit !== undefined) return lit;
        const v = vars[alt];
        if (v !== undefined && v !== '') return prose ? markCut(v) : v;
      }
      return '?';
    })
    .trim();
  return prose ? tidyProse(filled) : filled;
}

/**
 * A captured value that stops mid-phrase (the journal line was cut: a trailing space, or a quoted error
 * whose closing quote is gone) ends in an ellipsis, so a message never reads "no such file ." as if complete.
 */
export function markCut(v: string): string {
  const odd = (v.match(/(?<!\\)"/g)?.length ?? 0) % 2 === 1;
  return /\s$/.test(v) || odd ? `${v.trimEnd()}…` : v;
}

/** A sentence for people: a space before its closing stop means the text before it was cut ("parsing ." → "parsing…"). */
export function tidyProse(s: string): string {
  return s.replace(/\s+\.(?=\s|$)/g, '…').replace(/…\.(?=\s|$)/g, '…');
}

/** A template alternative that is a literal: `'quoted'`, or anything that cannot be a value's name (`/a/path`). */
function literalOf(alt: string): string | undefined {
  const q = /^'(.*)'$/.exec(alt);
  if (q) return q[1]!;
  return /^[A-Za-z_]\w*$/.test(alt) ? undefined : alt;
}

/**
 * A template as a reader of the rule sees it (`explain`, docs/rules.md), with no finding to fill it from: each
 * placeholder shows its default, or `<name>` when it has none — never the raw `{{a|b|'x'}}` syntax.
 */
export function showTemplate(template: string): string {
  return template.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
    const alts = expr.split('|').map((s) => s.trim());
    for (const alt of alts) {
      if (WORDED.test(alt)) continue;
      const lit = literalOf(alt);
      if (lit !== undefined) return lit;
    }
    const first = WORDED.exec(alts[0]!);
    return `<${first ? first[1] : alts[0]}>`;
  });
}
