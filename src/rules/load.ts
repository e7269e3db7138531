// Loads rules: the built-in set (rules/*.yaml data rules and rules/*.ts code rules, compiled to
// dist/rules/*.js) plus user directories given with --rules. One schema validates both kinds.

import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkPatternSafety, primeSafePatterns } from './safety.js';
import { primeLiterals } from '../engine/literals.js';
import { RuleSchemaError, validateRule, type Rule } from './model.js';
import { lineOfField, parseYamlSafe } from '../yaml.js';

const here = dirname(fileURLToPath(import.meta.url));
const runningFromSource = import.meta.url.endsWith('.ts');

/** The package root (the folder holding package.json and rules/). */
export function packageRoot(): string {
  let dir = here;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'rules'))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`cannot find the kubelet-doctor package root above ${here}`);
}

export function builtinRulesDir(): string {
  return join(packageRoot(), 'rules');
}

function ruleFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts') && !f.startsWith('_'))
    .sort();
}

// moved to src/yaml.ts (collectors parse YAML too); this path keeps working
export { parseYamlSafe } from '../yaml.js';

/** Validate a parsed data rule or an imported code-rule module, then check its id and patterns. */
function finishRule(path: string, id: string, source: { data: unknown } | { module: { default?: unknown } }): Rule {
  let rule: Rule;
  if ('data' in source) rule = validateRule(source.data, path, 'data');
  else {
    if (!source.module.default) throw new RuleSchemaError(path, '(default export)', 'a code rule must `export default defineRule({...})`');
    rule = validateRule(source.module.default, path, 'code');
  }
  if (rule.id !== id) throw new RuleSchemaError(path, 'id', `"${rule.id}" must equal the file name "${id}"`);
  for (const [i, p] of (rule.match?.journal ?? []).entries()) {
    const problem = checkPatternSafety(p.pattern);
    if (problem) throw new RuleSchemaError(path, `match.journal[${i}].pattern`, problem);
  }
  return rule;
}

async function loadOne(path: string, opts: { builtin: boolean }): Promise<Rule> {
  const ext = extname(path);
  const id = basename(path, ext);
  void opts;
  if (ext === '.yaml' || ext === '.yml') {
    const text = readFileSync(path, 'utf8');
    try {
      return finishRule(path, id, { data: parseYamlSafe(text, path) });
    } catch (e) {
      // a schema error names the field; the rule's text says which line it is on
      if (!(e instanceof RuleSchemaError)) throw e;
      throw new RuleSchemaError(e.file, e.field, e.problem, lineOfField(text, e.field));
    }
  }
  let target = path;
  if (ext === '.ts') {
    if (!runningFromSource) {
      // compiled: rules/foo.ts lives at dist/rules/foo.js
      target = join(packageRoot(), 'dist', 'rules', `${id}.js`);
      if (!existsSync(target)) throw new Error(`${path}: code rule is not compiled (run npm run build)`);
    }
  }
  return finishRule(path, id, { module: (await import(pathToFileURL(target).href)) as { default?: unknown } });
}

/** Load every rule file of a directory, one by one (the built-in set without a bundle; --rules dirs). */
export async function loadRuleFiles(dir: string, opts: { builtin: boolean }): Promise<Rule[]> {
  const out: Rule[] = [];
  for (const f of ruleFiles(dir)) out.push(await loadOne(join(dir, f), opts));
  return out;
}

export interface BundleEntry {
  file: string;
  kind: 'data' | 'code';
  /** data rules: the YAML file's SHA-1, and its content as JSON text */
  sha1?: string;
  data?: string;
  module?: { default?: unknown };
}

/**
 * The built-in rules from dist/rules/index.js (written by scripts/build-rules.mjs at build time: YAML
 * pre-parsed, code rules statically imported) — one import instead of a YAML parse or dynamic import per
 * rule. Validated like rule files. Undefined when running from source, when there is no bundle, or when it
 * is out of date (rule files added or removed, a YAML file changed): the caller then reads rules/.
 */
export async function loadBundledRules(dir = builtinRulesDir()): Promise<Rule[] | undefined> {
  if (runningFromSource) return undefined;
  const path = join(packageRoot(), 'dist', 'rules', 'index.js');
  if (!existsSync(path)) return undefined;
  let entries: BundleEntry[];
  try {
    const bundle = (await import(pathToFileURL(path).href)) as BundleModule;
    entries = bundle.entries;
    primeFromBundle(bundle);
  } catch {
    return undefined; // e.g. a code rule that throws on import: the per-file path reports it
  }
  const files = ruleFiles(dir);
  if (!Array.isArray(entries) || files.length !== entries.length || files.some((f, i) => f !== entries[i]!.file)) return undefined;
  let createHash: typeof import('node:crypto').createHash | undefined;
  for (const e of entries)
    if (e.kind === 'data') {
      createHash ??= (await import('node:crypto')).createHash;
      if (createHash('sha1').update(readFileSync(join(dir, e.file), 'utf8')).digest('hex') !== e.sha1) return undefined;
    }
  return rulesOfEntries(entries, dir);
}

let embedded: BundleEntry[] | undefined;
/**
 * The single executable carries the built-in rules bundle inside itself (scripts/build-sea.mjs): there is
 * no rules/ folder beside it to check the bundle against, and none is read. Validated like rule files.
 */
export function useEmbeddedRules(bundle: BundleModule): void {
  embedded = bundle.entries;
  primeFromBundle(bundle);
}

/** dist/rules/index.js: the rules, and what the build computed of their patterns (scripts/build-rules.mjs). */
export interface BundleModule {
  entries: BundleEntry[];
  literals?: Record<string, string[] | null>;
  safePatterns?: string[];
}

/** What the build computed of the built-in patterns: required literals, and which passed the safety check. */
function primeFromBundle(bundle: BundleModule): void {
  if (bundle.literals && typeof bundle.literals === 'object') primeLiterals(bundle.literals);
  if (Array.isArray(bundle.safePatterns)) primeSafePatterns(bundle.safePatterns);
}

function rulesOfEntries(entries: BundleEntry[], dir: string): Rule[] {
  return entries.map((e) => {
    const file = join(dir, e.file);
    const id = basename(file, extname(file));
    return finishRule(file, id, e.kind === 'data' ? { data: JSON.parse(e.data!) as unknown } : { module: e.module ?? {} });
  });
}

/** Why a file may not be imported: someone other than its owner (the user or root) could have changed it. */
function writableByOthers(path: string): string | undefined {
  const st = statSync(path);
  const me = process.getuid?.() ?? 0;
  if (st.uid !== me && st.uid !== 0) return `owned by uid ${st.uid}, neither you nor root`;
  if (st.mode & 0o022) return 'writable by group or others';
  return undefined;
}

/** Why a --code-rules directory is refused, or undefined. */
function codeDirRefusal(dir: string, root: string | undefined): string | undefined {
  let st;
  try {
    st = statSync(dir);
  } catch {
    return 'no such directory';
  }
  if (!st.isDirectory()) return 'not a directory';
  if (root) {
    const r = realpathSync(resolve(root));
    const real = realpathSync(dir);
    if (real === r || real.startsWith(`${r}/`)) return `inside the captured tree ${root}: code is never loaded from a capture`;
  }
  return writableByOthers(dir);
}

export interface LoadedRules {
  rules: Rule[];
  errors: string[];
}

/**
 * Load built-in rules and extra directories. Errors in user directories are collected (the rest
 * still load); an error in the built-in set is thrown, since it is a defect of the tool.
 */
export async function loadRules(extraDirs: string[] = [], opts: { builtins?: boolean; codeDirs?: string[]; root?: string } = {}): Promise<LoadedRules> {
  const rules: Rule[] = [];
  const errors: string[] = [];
  const seen = new Map<string, string>();
  const add = (r: Rule) => {
    const prev = seen.get(r.id);
    if (prev) throw new RuleSchemaError(r.file, 'id', `duplicate rule id "${r.id}" (also in ${prev})`);
    seen.set(r.id, r.file);
    rules.push(r);
  };
  if (opts.builtins !== false) {
    if (embedded) for (const r of rulesOfEntries(embedded, 'rules')) add(r);
    else {
      const dir = builtinRulesDir();
      for (const r of (await loadBundledRules(dir)) ?? (await loadRuleFiles(dir, { builtin: true }))) add(r);
    }
  }
  // --rules: data only. A .js/.mjs/.ts file there is never imported (a rule directory is often shared or
  // copied from elsewhere, and importing runs its code with the doctor's privileges, root on a node)
  for (const d of extraDirs) {
    const dir = resolve(d);
    if (!existsSync(dir)) {
      errors.push(`--rules ${d}: no such directory`);
      continue;
    }
    for (const f of ruleFiles(dir)) {
      if (!/\.ya?ml$/.test(f)) {
        errors.push(`${join(dir, f)}: not loaded: --rules reads YAML rules only; code rules load only from a --code-rules directory`);
        continue;
      }
      try {
        add(await loadOne(join(dir, f), { builtin: false }));
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
  }
  // --code-rules: compiled code rules (.js/.mjs), from a directory the user named for code, that no one
  // else can write, and never from inside the captured tree being scanned
  for (const d of opts.codeDirs ?? []) {
    const dir = resolve(d);
    const refusal = codeDirRefusal(dir, opts.root);
    if (refusal) {
      errors.push(`--code-rules ${d}: ${refusal}`);
      continue;
    }
    for (const f of readdirSync(dir).filter((x) => /\.(js|mjs)$/.test(x) && !x.startsWith('_')).sort()) {
      const file = join(dir, f);
      const bad = writableByOthers(file);
      if (bad) {
        errors.push(`${file}: not loaded: ${bad}`);
        continue;
      }
      try {
        add(await loadOne(file, { builtin: false }));
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
  }
  // explains must name real rules
  const ids = new Set(rules.map((r) => r.id));
  for (const r of rules)
    for (const [i, x] of (r.explains ?? []).entries()) if (!ids.has(x)) errors.push(new RuleSchemaError(r.file, `explains[${i}]`, `no rule "${x}"`).message);
  return { rules, errors };
}
