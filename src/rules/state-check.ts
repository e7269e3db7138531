// How a YAML rule's node-state conditions (state-match.ts) decide: each holds, does not hold, or cannot be
// told (its evidence is missing: the rule is then skipped with the reason, never passed). Every condition
// that is not optional must hold; what held is cited (the flag or the config file's line, the sysctl's file,
// the path) and captured for the message. With journal patterns too, either decides: the journal alone
// still fires when the node state cannot be read, as code rules do (known-settings.ts).

import { lookupSetting, overriddenField } from '../collectors/kubelet-setting-lookup.js';
import { settingCitation, type Setting } from '../collectors/kubelet-settings.js';
import type { Evidence } from '../evidence.js';
import type { Citation } from '../types.js';
import { settingsUnknown } from './known-settings.js';
import type { CheckResult, RuleContext } from './model.js';
import type { Scalar, StateCondition, StateOps } from './state-match.js';

type Verdict = { holds: true; cites: Citation[]; vars: Record<string, string> } | { holds: false } | { skip: string };

/** A value as compared and captured: scalars as written, lists comma-joined (as on a command line), maps as JSON. */
function text(v: unknown): string {
  if (Array.isArray(v)) return v.map(String).join(',');
  if (v && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const NUMBER = /^\s*-?\d+(?:\.\d+)?\s*$/;

/** Whether every operator holds for a present value. */
function test(ops: StateOps, value: unknown): boolean {
  const t = text(value);
  const eq = (x: Scalar) => t === String(x);
  if (ops.equals !== undefined && !eq(ops.equals)) return false;
  if (ops.notEquals !== undefined && eq(ops.notEquals)) return false;
  if (ops.in && !ops.in.some(eq)) return false;
  if (ops.notIn?.some(eq)) return false;
  for (const [k, bound] of [['gt', ops.gt], ['ge', ops.ge], ['lt', ops.lt], ['le', ops.le]] as const) {
    if (bound === undefined) continue;
    // a numeric test holds only for a number (a port of "abc" is not above 0)
    if (typeof value !== 'number' && !(typeof value === 'string' && NUMBER.test(value))) return false;
    const n = Number(value);
    if (!(k === 'gt' ? n > bound : k === 'ge' ? n >= bound : k === 'lt' ? n < bound : n <= bound)) return false;
  }
  if (ops.matches !== undefined && !new RegExp(ops.matches).test(t)) return false;
  if (ops.contains !== undefined) {
    const want = String(ops.contains);
    const items = Array.isArray(value) ? value.map(String) : value && typeof value === 'object' ? Object.keys(value) : t.split(',').map((s) => s.trim());
    if (!items.includes(want)) return false;
  }
  return true;
}

/** Only `exists` asks nothing of the value. */
const needsValue = (ops: StateOps) => Object.keys(ops).some((k) => k !== 'exists');

const at = (s: Setting) => `${s.source}${s.line ? `:${s.line}` : ''}`;

function settingVerdict(c: StateCondition, ev: Evidence['kubeletConfig']): Verdict {
  const s = lookupSetting(ev, c.name);
  const set = !!s && s.origin !== 'default';
  if (c.ops.exists !== undefined && c.ops.exists !== set) return { holds: false };
  if (!s) {
    if (needsValue(c.ops)) return { skip: `${c.name} is not set, and its default is not in kubelet-doctor's defaults table (src/collectors/kubelet-defaults.ts)` };
    return { holds: true, cites: [{ kind: 'config', source: ev.configPath ?? 'kubelet command line', field: c.name, text: `${c.name} is not set` }], vars: {} };
  }
  if (needsValue(c.ops) && !test(c.ops, s.value)) return { holds: false };
  const cite = settingCitation(s);
  const over = overriddenField(ev, c.name, s);
  const p = c.as;
  const vars: Record<string, string> = { [p]: cite.value ?? text(s.value), [`${p}Field`]: s.field, [`${p}Source`]: s.source, [`${p}Origin`]: s.origin };
  if (s.line !== undefined) vars[`${p}Line`] = String(s.line);
  if (set) {
    vars[`${p}At`] = at(s);
    vars[`${p}SetIn`] = `${s.field} in ${at(s)}`;
  }
  if (over) vars[`${p}Overridden`] = `${over.field}: ${text(over.value)} in ${over.source}`;
  return { holds: true, cites: [cite, ...(over ? [settingCitation(over, 'overridden by the flag')] : [])], vars };
}

function sysctlVerdict(c: StateCondition, sys: Evidence['system']): Verdict {
  const s = sys.sysctls[c.name];
  if (!s) return { skip: `sysctl ${c.name} was not read` };
  if (!s.exists && !s.absent) return { skip: s.reason ?? `${s.path} cannot be read` };
  if (c.ops.exists !== undefined && c.ops.exists !== s.exists) return { holds: false };
  if (needsValue(c.ops)) {
    if (s.value === undefined) return { skip: s.reason ?? `${s.path} holds no value` };
    if (!test(c.ops, s.value)) return { holds: false };
  }
  return { holds: true, cites: [s.cite], vars: { [c.as]: s.value ?? '', [`${c.as}Path`]: s.path } };
}

function fileVerdict(c: StateCondition, sys: Evidence['system']): Verdict {
  const f = sys.files[c.name];
  if (!f) return { skip: `${c.name} was not probed` };
  if (f.reason) return { skip: f.reason };
  if (c.ops.exists !== undefined && c.ops.exists !== f.exists) return { holds: false };
  return { holds: true, cites: [f.cite], vars: { [c.as]: f.path, ...(f.type ? { [`${c.as}Type`]: f.type } : {}) } };
}

function verdict(c: StateCondition, ctx: RuleContext, unavailable: Partial<Record<string, string>>): Verdict {
  const ev = ctx.evidence as Partial<Evidence>;
  if (c.kind === 'setting') {
    if (!ev.kubeletConfig) return { skip: unavailable.kubeletConfig ?? 'kubeletConfig: not collected' };
    const unknown = settingsUnknown({ kubeletConfig: ev.kubeletConfig });
    if (unknown) return { skip: unknown };
    return settingVerdict(c, ev.kubeletConfig);
  }
  if (!ev.system) return { skip: unavailable.system ?? 'system: not collected' };
  return c.kind === 'sysctl' ? sysctlVerdict(c, ev.system) : fileVerdict(c, ev.system);
}

/** The check a YAML rule with node-state conditions runs (the engine calls it as it calls a code rule's). */
export function stateCheck(conditions: readonly StateCondition[], minCount = 1): (ctx: RuleContext) => CheckResult {
  return (ctx) => {
    const journal = ctx.hits.count > 0 && ctx.hits.count >= minCount;
    const unavailable = ctx.unavailable ?? {};
    const cites: Citation[] = [];
    const vars: Record<string, string> = {};
    let skip: string | undefined;
    let holds = true;
    for (const c of conditions) {
      const v = verdict(c, ctx, unavailable);
      if ('skip' in v) {
        if (!c.optional) skip ??= v.skip;
      } else if (v.holds) {
        cites.push(...v.cites);
        Object.assign(vars, v.vars);
      } else if (!c.optional) holds = false;
    }
    // three-valued: one condition known false decides; otherwise one that cannot be told makes it unknown
    if (holds && !skip) return { evidence: cites, vars, current: true };
    if (journal) return { evidence: [] };
    if (!holds) return undefined;
    return { skip: skip! };
  };
}
