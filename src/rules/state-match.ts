// The node-state conditions a YAML rule may test beside its journal patterns — a kubelet setting, a sysctl,
// a node path's presence — and their load-time check. A rule made only of such conditions is data, not
// TypeScript: `match: { setting: { name: readOnlyPort, gt: 0 } }`. Evaluated by state-check.ts; the
// collectors read what the conditions name (CollectOptions.wants), rules never touch the filesystem.

import { settingNameProblem } from '../collectors/kubelet-setting-lookup.js';
import type { EvidenceKind } from '../evidence.js';
import { checkPatternSafety } from './safety.js';
import { nearest } from '../nearest.js';

export type Scalar = string | number | boolean;

/** What a condition tests: every given operator must hold. */
export interface StateOps {
  equals?: Scalar;
  notEquals?: Scalar;
  in?: Scalar[];
  notIn?: Scalar[];
  /** setting: set by a flag or the config file (true) or left to the default (false); sysctl, file: present. */
  exists?: boolean;
  gt?: number;
  ge?: number;
  lt?: number;
  le?: number;
  /** A regular expression (case-sensitive, whole value unless anchored otherwise), checked for safety like journal patterns. */
  matches?: string;
  /** A list holds it, a map has it as a key, a comma-separated value (`Node,Webhook`) has it as an item. */
  contains?: Scalar;
}

export type StateKind = 'setting' | 'sysctl' | 'file';

export interface StateCondition {
  kind: StateKind;
  /** The setting (`authorization.mode`, `--read-only-port`), the sysctl (`net.ipv4.ip_forward`) or the node path. */
  name: string;
  /** Prefix of its captures in message templates (default: the kind): `{{port}}`, `{{portAt}}`. */
  as: string;
  /** Cited and captured when it holds, but the rule fires without it. */
  optional: boolean;
  ops: StateOps;
}

/** The evidence kind each condition reads (the rule must declare it). */
export const STATE_EVIDENCE: Record<StateKind, EvidenceKind> = { setting: 'kubeletConfig', sysctl: 'system', file: 'system' };

const OPS_BY_KIND: Record<StateKind, (keyof StateOps)[]> = {
  setting: ['equals', 'notEquals', 'in', 'notIn', 'exists', 'gt', 'ge', 'lt', 'le', 'matches', 'contains'],
  sysctl: ['equals', 'notEquals', 'in', 'notIn', 'exists', 'gt', 'ge', 'lt', 'le', 'matches'],
  file: ['exists'],
};
const NAME_KEY: Record<StateKind, string> = { setting: 'name', sysctl: 'name', file: 'path' };
const SYSCTL = /^[a-z0-9_]+(?:\.[A-Za-z0-9_-]+)+$/;
const CAPTURE = /^[A-Za-z_]\w*$/;

const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * Validate `match.setting`, `match.sysctl` and `match.file` (each one condition or a list of them) and
 * return them in order; `fail(field, problem)` throws the schema error naming the field.
 */
export function parseStateMatch(m: Record<string, unknown>, evidence: readonly string[], fail: (field: string, problem: string) => never): StateCondition[] {
  const out: StateCondition[] = [];
  for (const kind of ['setting', 'sysctl', 'file'] as const) {
    const raw = m[kind];
    if (raw === undefined) continue;
    const list = Array.isArray(raw) ? raw : [raw];
    if (list.length === 0) fail(`match.${kind}`, 'must be a condition or a non-empty list of conditions');
    if (!evidence.includes(STATE_EVIDENCE[kind])) fail(`match.${kind}`, `reads ${STATE_EVIDENCE[kind]} evidence: add ${STATE_EVIDENCE[kind]} to evidence`);
    list.forEach((c, i) => out.push(parseCondition(kind, c, Array.isArray(raw) ? `match.${kind}[${i}]` : `match.${kind}`, fail)));
  }
  const seen = new Set<string>();
  for (const c of out) {
    if (seen.has(c.as)) fail('match', `two conditions capture as "${c.as}": give one of them another \`as\``);
    seen.add(c.as);
  }
  if (out.length && out.every((c) => c.optional)) fail('match', 'every condition is optional: at least one must decide whether the rule fires');
  return out;
}

function parseCondition(kind: StateKind, raw: unknown, f: string, fail: (field: string, problem: string) => never): StateCondition {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(f, `must be a mapping with ${NAME_KEY[kind]} and an operator`);
  const c = raw as Record<string, unknown>;
  const ops = OPS_BY_KIND[kind];
  const known = [NAME_KEY[kind], 'as', 'optional', ...ops];
  for (const k of Object.keys(c)) {
    if (known.includes(k)) continue;
    const near = nearest(k, known);
    fail(`${f}.${k}`, `unknown field${near ? ` (did you mean ${near}?)` : ''} (known: ${known.join(', ')})`);
  }
  const name = c[NAME_KEY[kind]];
  if (typeof name !== 'string' || name === '') fail(`${f}.${NAME_KEY[kind]}`, 'must be a non-empty string');
  const n = name as string;
  if (kind === 'setting') {
    const problem = settingNameProblem(n);
    if (problem) fail(`${f}.name`, problem);
  } else if (kind === 'sysctl') {
    if (!SYSCTL.test(n)) fail(`${f}.name`, `"${n}" is not a sysctl name (dotted, e.g. net.ipv4.ip_forward)`);
  } else if (!n.startsWith('/') || n.split('/').some((p) => p === '..' || p === '.') || /\/\/|[\0\n]/.test(n) || (n.length > 1 && n.endsWith('/')))
    fail(`${f}.path`, `"${n}" must be an absolute node path without . or .. (read under --root)`);
  const as = c.as ?? kind;
  if (typeof as !== 'string' || !CAPTURE.test(as)) fail(`${f}.as`, 'must be a name (letters, digits, _) for its captures');
  if (c.optional !== undefined && typeof c.optional !== 'boolean') fail(`${f}.optional`, 'must be true or false');
  const given = ops.filter((k) => c[k] !== undefined);
  if (given.length === 0) fail(f, `needs an operator (${ops.join(', ')})`);
  const o: StateOps = {};
  for (const k of given) {
    const v = c[k];
    const at = `${f}.${k}`;
    if (k === 'exists') {
      if (typeof v !== 'boolean') fail(at, 'must be true or false');
      o.exists = v as boolean;
    } else if (k === 'in' || k === 'notIn') {
      if (!Array.isArray(v) || v.length === 0 || !v.every(isScalar)) fail(at, 'must be a non-empty list of values');
      o[k] = v as Scalar[];
    } else if (k === 'gt' || k === 'ge' || k === 'lt' || k === 'le') {
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(at, 'must be a number');
      o[k] = v as number;
    } else if (k === 'matches') {
      if (typeof v !== 'string' || v === '') fail(at, 'must be a regular expression');
      try {
        new RegExp(v as string);
      } catch (e) {
        fail(at, `invalid regular expression: ${(e as Error).message}`);
      }
      const unsafe = checkPatternSafety(v as string);
      if (unsafe) fail(at, unsafe);
      o.matches = v as string;
    } else {
      if (!isScalar(v)) fail(at, 'must be a single value (string, number or true/false)');
      o[k as 'equals' | 'notEquals' | 'contains'] = v as Scalar;
    }
  }
  if (o.exists === false && given.length > 1) fail(f, 'exists: false cannot be combined with a value test (there is no value to test)');
  return { kind, name: n, as: as as string, optional: c.optional === true, ops: o };
}

/** What the collectors must read for these rules' conditions (sysctls beyond their own, node paths to probe). */
export function stateWants(rules: readonly { state?: readonly StateCondition[] }[]): { sysctls: string[]; files: string[] } {
  const sysctls = new Set<string>();
  const files = new Set<string>();
  for (const r of rules)
    for (const c of r.state ?? []) {
      if (c.kind === 'sysctl') sysctls.add(c.name);
      if (c.kind === 'file') files.add(c.name);
    }
  return { sysctls: [...sysctls].sort(), files: [...files].sort() };
}

/** A condition in words, for `explain` and docs/rules.md: `setting authorization.mode equals AlwaysAllow`. */
export function describeCondition(c: StateCondition): string {
  const words: Record<keyof StateOps, string> = { equals: '=', notEquals: '≠', in: 'in', notIn: 'not in', exists: 'exists', gt: '>', ge: '≥', lt: '<', le: '≤', matches: 'matches', contains: 'contains' };
  const presence = (present: boolean) => (c.kind === 'setting' ? (present ? 'set' : 'not set') : present ? 'exists' : 'missing');
  const tests = Object.entries(c.ops).map(([k, v]) =>
    k === 'exists' ? presence(v === true) : `${words[k as keyof StateOps]} ${Array.isArray(v) ? `[${v.join(', ')}]` : k === 'matches' ? `/${String(v)}/` : String(v)}`,
  );
  return `${c.kind} ${c.name} ${tests.join(' and ')}${c.optional ? ' (optional)' : ''}`;
}
