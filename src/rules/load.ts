// Loads rules: the built-in set (rules/*.yaml data rules and rules/*.ts code rules, compiled to
// dist/rules/*.js) plus user directories given with --rules. One schema validates both kinds.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { checkPatternSafety } from './safety.js';
import { RuleSchemaError, validateRule, type Rule } from './model.js';

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

/** Parse YAML safely: aliases are bounded so a "billion laughs" file fails instead of exploding. */
export function parseYamlSafe(text: string, file: string): unknown {
  try {
    return parseYaml(text, { maxAliasCount: 100, prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    throw new Error(`${file}: invalid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}

async function loadOne(path: string, opts: { builtin: boolean }): Promise<Rule> {
  const ext = extname(path);
  const id = basename(path, ext);
  let rule: Rule;
  if (ext === '.yaml' || ext === '.yml') {
    const raw = parseYamlSafe(readFileSync(path, 'utf8'), path);
    rule = validateRule(raw, path, 'data');
  } else {
    let target = path;
    if (ext === '.ts') {
      if (!runningFromSource) {
        // compiled: rules/foo.ts lives at dist/rules/foo.js
        target = join(packageRoot(), 'dist', 'rules', `${id}.js`);
        if (!existsSync(target)) throw new Error(`${path}: code rule is not compiled (run npm run build)`);
      }
    }
    const mod = (await import(pathToFileURL(target).href)) as { default?: unknown };
    if (!mod.default) throw new RuleSchemaError(path, '(default export)', 'a code rule must `export default defineRule({...})`');
    rule = validateRule(mod.default, path, 'code');
  }
  if (rule.id !== id) throw new RuleSchemaError(path, 'id', `"${rule.id}" must equal the file name "${id}"`);
  for (const [i, p] of (rule.match?.journal ?? []).entries()) {
    const problem = checkPatternSafety(p.pattern);
    if (problem) throw new RuleSchemaError(path, `match.journal[${i}].pattern`, problem);
  }
  void opts;
  return rule;
}

export interface LoadedRules {
  rules: Rule[];
  errors: string[];
}

/**
 * Load built-in rules and extra directories. Errors in user directories are collected (the rest
 * still load); an error in the built-in set is thrown, since it is a defect of the tool.
 */
export async function loadRules(extraDirs: string[] = [], opts: { builtins?: boolean } = {}): Promise<LoadedRules> {
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
    const dir = builtinRulesDir();
    for (const f of ruleFiles(dir)) add(await loadOne(join(dir, f), { builtin: true }));
  }
  for (const d of extraDirs) {
    const dir = resolve(d);
    if (!existsSync(dir)) {
      errors.push(`--rules ${d}: no such directory`);
      continue;
    }
    for (const f of ruleFiles(dir)) {
      try {
        add(await loadOne(join(dir, f), { builtin: false }));
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
