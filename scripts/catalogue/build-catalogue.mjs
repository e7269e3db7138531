#!/usr/bin/env node
// Build the wording catalogue (docs/catalogue/wordings.yaml and its README summary) from the harvest
// (docs/catalogue/harvest.json, written by harvest-wordings.mjs) and the hand-reviewed assignments
// (docs/catalogue/assignments.yaml): every wording gets the rule that matches it or the reason none should.
// Assignments are tried in order, the first whose `when` fits decides; a wording no assignment names takes
// the rule the project's matcher finds for its rendered sample, or — only for info and debug levels — the
// level's reason. An error-level wording left without either is listed and the build fails (exit 1).
//
//   npm run build && node scripts/catalogue/build-catalogue.mjs

import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { renderSample, versionRange } from './render.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const { loadRules } = await import(join(ROOT, 'dist/src/rules/load.js'));
const { compileMatcher } = await import(join(ROOT, 'dist/src/engine/matcher.js'));

const harvest = JSON.parse(readFileSync(join(ROOT, 'docs/catalogue/harvest.json'), 'utf8'));
const assignments = parse(readFileSync(join(ROOT, 'docs/catalogue/assignments.yaml'), 'utf8')).assignments;
const { rules, errors } = await loadRules([]);
if (errors.length) throw new Error(errors.join('\n'));
const ruleIds = new Set(rules.map((r) => r.id));
const matcher = compileMatcher(rules);
const minors = harvest.releases.map((r) => r.kubernetes.replace(/^v(\d+\.\d+).*/, '$1'));

/** Rule ids whose patterns match a rendered sample (as an E line of the kubelet). */
export function matchingRules(text, level) {
  const hits = new Set();
  matcher.match({ source: 'catalogue', line: 1, message: text, fromKubelet: true, level }, (p) => hits.add(p.ruleId));
  return [...hits];
}

// Families, by the file that prints the wording (first match).
const FAMILIES = [
  [/^cmd\/kubelet\/app\/options\//, 'flags'],
  [/^cmd\/kubelet\//, 'kubelet-startup'],
  [/apis\/(?:config|kubeletconfig)\/validation\//, 'config-validation'],
  [/kubeletconfig\//, 'config-file'],
  [/cm\/cpumanager\//, 'cpu-manager'],
  [/cm\/memorymanager\//, 'memory-manager'],
  [/cm\/topologymanager\//, 'topology-manager'],
  [/cm\/devicemanager\//, 'device-plugins'],
  [/cm\/dra\//, 'dra'],
  [/cm\/util\/|cgroup_manager|cgroup_v[12]_manager|node_container_manager|qos_container_manager|pod_container_manager|helpers_linux/, 'cgroups'],
  [/cm\//, 'container-manager'],
  [/eviction\//, 'eviction'],
  [/(?:^|\/)oom(?:_watcher|\/)|oomparser|util\/oom\//, 'oom'],
  [/kuberuntime\/|\/remote\/|cri-client\/|kubelet\/pkg\/cri\/|pkg\/kubelet\/runtime\.go/, 'cri'],
  [/dockershim\/network\/|kubelet\/network\/cni/, 'cni'],
  [/dockershim\//, 'dockershim'],
  [/certificate\/|util\/cert\/|transport\/cert_rotation/, 'certificates'],
  [/clientcmd\//, 'kubeconfig'],
  [/kubelet\/server\//, 'kubelet-server'],
  [/nodestatus\/|kubelet_node_status|nodelease\//, 'node-registration'],
  [/pleg\//, 'pleg'],
  [/images\//, 'image-gc'],
  [/stats\//, 'stats'],
  [/kubelet\/config\//, 'pod-sources'],
  [/kubelet\/cadvisor\//, 'cadvisor-kubelet'],
  [/util\/swap\//, 'swap'],
  [/component-base\/featuregate\//, 'feature-gates'],
  [/component-base\//, 'component-base'],
  [/util\/sysctl|util\/procfs|util\/flag/, 'kernel-and-flags'],
  [/pkg\/kubelet\/(?:kubelet|kubelet_network|kubelet_network_linux|kubelet_getters)\.go$|pkg\/kubelet\/util\//, 'kubelet-core'],
  [/^(?:lib\/)?(?:manager|container|watcher)\//, 'cadvisor-manager'],
  [/^(?:lib\/)?fs\//, 'cadvisor-fs'],
  [/^(?:lib\/)?(?:machine|utils)\//, 'cadvisor-machine'],
];
const familyOf = (file) => FAMILIES.find(([re]) => re.test(file))?.[1] ?? 'other';

const compiled = assignments.map((a, i) => {
  const w = a.when ?? {};
  const re = (s) => (s === undefined ? undefined : new RegExp(s, 'i'));
  // a family pattern names whole families (`flags` is not `kernel-and-flags`)
  return { ...a, index: i, re: { format: re(w.format), file: re(w.file), func: re(w.func), family: w.family === undefined ? undefined : new RegExp(`^(?:${w.family})$`, 'i') }, levels: w.level ? [].concat(w.level) : undefined, exact: w.exact, used: 0 };
});

function assignmentFor(w, file, func, family) {
  for (const a of compiled) {
    if (a.exact !== undefined && a.exact !== w.format) continue;
    if (a.re.format && !a.re.format.test(w.format)) continue;
    if (a.re.file && !Object.keys(w.sites).some((s) => a.re.file.test(s.split(' ')[0]))) continue;
    if (a.re.func && !a.re.func.test(func ?? '')) continue;
    if (a.re.family && !a.re.family.test(family)) continue;
    if (a.levels && !a.levels.includes(w.v ? `${w.level}V` : w.level)) continue;
    a.used++;
    return a;
  }
  return undefined;
}

const LEVEL_REASON = {
  IV: (w) => `debug-level: V(${w.v}), not printed at the default verbosity`,
  EV: (w) => `debug-level: V(${w.v}), not printed at the default verbosity`,
  I: () => 'informational: an I line healthy nodes print too; a failure it accompanies is named by its own E/F line',
};

const entries = [];
const unassigned = [];
for (const w of harvest.wordings) {
  // the site of the newest release that prints it
  const sites = Object.entries(w.sites).sort((a, b) => minors.indexOf(b[1].at(-1)) - minors.indexOf(a[1].at(-1)));
  const [file, func] = sites[0][0].split(' ');
  const family = w.module === 'github.com/spf13/pflag' ? 'flag-parsing' : familyOf(file);
  const level = w.v ? `${w.level}V` : w.level;
  const a = assignmentFor(w, file, func, family);
  const sample = renderSample(w, a?.sample);
  const hits = matchingRules(sample, w.level === 'err' ? 'E' : w.level);
  const hash = createHash('sha1').update(JSON.stringify([w.format, w.level, w.style, w.v, w.keys, w.hasErr])).digest('hex').slice(0, 6);
  const slug = w.format.toLowerCase().replace(/%[-+# 0-9.*\[\]]*[a-z]/gi, ' ').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').split('-').slice(0, 6).join('-');
  const e = {
    id: `${family}/${slug || 'format'}-${hash}`,
    format: w.format,
    level: w.level === 'err' ? 'error-value' : w.level,
    ...(w.v ? { v: w.v } : {}),
    style: w.style,
    ...(w.keys.length ? { keys: w.keys } : {}),
    ...(w.hasErr ? { err: true } : {}),
    file: w.module === 'k8s.io/kubernetes' ? file : `${w.module}: ${file}`,
    ...(func ? { func } : {}),
    ...(sites.length > 1 ? { alsoIn: sites.slice(1).map(([s]) => s.split(' ')[0]).filter((f, i, l) => f !== file && l.indexOf(f) === i) } : {}),
    versions: versionRange(w.versions, minors),
  };
  if (e.alsoIn && !e.alsoIn.length) delete e.alsoIn;
  if (a?.rule) {
    e.rule = a.rule;
    // a rule that was pending has landed: the wording is matched once the rule matches its sample
    if (a.status === 'pending-rule' && ruleIds.has(a.rule) && hits.includes(a.rule)) e.assigned = 'landed';
    else if (a.status) e.status = a.status;
    else if (!ruleIds.has(a.rule)) e.status = 'no-rule-yet';
  } else if (a?.fallback && !hits.length) {
    // no family rule: the exit it causes is named by the fallback (a code rule reading how the run ended)
    e.reason = `start-up error no family rule names: when it ends the run, ${a.fallback} names the exit and quotes this line`;
    e.fallback = a.fallback;
  } else if (a?.reason && !hits.length && LEVEL_REASON[level] && level.endsWith('V')) e.reason = LEVEL_REASON[level](w);
  else if (a?.reason && !(hits.length && !a.override)) e.reason = a.reason;
  else if (hits.length) {
    // a rule matches the wording as rendered: it takes precedence over a class reason (an assignment
    // with `override: true` keeps its reason: the match would be a false finding)
    e.rule = hits[0];
    e.assigned = 'matcher';
  } else if (LEVEL_REASON[level]) e.reason = LEVEL_REASON[level](w);
  else unassigned.push({ ...e, sample });
  if (a?.sample) e.sample = a.sample;
  if (a?.note) e.note = a.note;
  entries.push({ family, e, hits, sample });
}

// wordings.yaml: families in order of first appearance in FAMILIES, pending (no-rule-yet) entries apart
const order = ['flag-parsing', ...FAMILIES.map(([, f]) => f), 'other'];
const byFamily = new Map();
const pending = [];
for (const { family, e } of entries) {
  if (e.status === 'no-rule-yet') pending.push({ family, ...e });
  else (byFamily.get(family) ?? byFamily.set(family, []).get(family)).push(e);
}
const families = order.filter((f) => byFamily.has(f)).map((f) => ({ family: f, entries: byFamily.get(f) }));
const doc = {
  description: 'Every message wording of the kubelet start-up and registration paths, v1.10 to v1.37, harvested from the release sources (docs/catalogue/README.md says how), each with the rule that matches it or the reason none should.',
  releases: harvest.releases,
  families,
  pending,
};
writeFileSync(join(ROOT, 'docs/catalogue/wordings.yaml'), '# Generated by scripts/catalogue/build-catalogue.mjs — edit docs/catalogue/assignments.yaml, not this file.\n' + stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }));

// README summary
const count = (list, pred) => list.filter(pred).length;
const all = entries.map((x) => x.e);
let md = readFileSync(join(ROOT, 'docs/catalogue/README.head.md'), 'utf8');
md += `\n## Summary\n\n${all.length} wordings from ${harvest.releases.length} releases (${harvest.releases[0].kubernetes} … ${harvest.releases.at(-1).kubernetes}): `;
md += `${count(all, (e) => e.rule && !e.status)} matched by a rule, ${count(all, (e) => e.status === 'pending-rule')} waiting for a rule being written (pending-rule), ${count(all, (e) => e.status === 'no-rule-yet')} needing a rule nobody writes yet (no-rule-yet), ${count(all, (e) => e.reason)} with a reason.\n\n`;
md += '| family | wordings | rule | pending | reason | F | E | W | error values |\n|---|---|---|---|---|---|---|---|---|\n';
for (const f of order) {
  const list = entries.filter((x) => x.family === f).map((x) => x.e);
  if (!list.length) continue;
  md += `| ${f} | ${list.length} | ${count(list, (e) => e.rule && !e.status)} | ${count(list, (e) => e.status)} | ${count(list, (e) => e.reason)} | ${count(list, (e) => e.level === 'F')} | ${count(list, (e) => e.level === 'E' && !e.v)} | ${count(list, (e) => e.level === 'W')} | ${count(list, (e) => e.level === 'error-value')} |\n`;
}
md += '\n## Wordings per release\n\n| release | cAdvisor | wordings | with a rule | F / E / W lines |\n|---|---|---|---|---|\n';
for (const [i, r] of harvest.releases.entries()) {
  const m = minors[i];
  const has = harvest.wordings.map((w, k) => (w.versions.includes(m) ? entries[k].e : undefined)).filter(Boolean);
  md += `| ${r.kubernetes} | ${r.cadvisor ?? ''} | ${has.length} | ${count(has, (e) => e.rule)} | ${count(has, (e) => e.level === 'F')} / ${count(has, (e) => e.level === 'E' && !e.v)} / ${count(has, (e) => e.level === 'W')} |\n`;
}
md += '\n## Rules by the wordings they match\n\n| rule | wordings | releases |\n|---|---|---|\n';
const byRule = new Map();
for (const { e } of entries) if (e.rule) (byRule.get(e.rule) ?? byRule.set(e.rule, []).get(e.rule)).push(e);
for (const [r, list] of [...byRule].sort()) md += `| ${r}${ruleIds.has(r) ? '' : ' (pending)'} | ${list.length} | ${[...new Set(list.map((e) => e.versions))].slice(0, 4).join('; ')}${new Set(list.map((e) => e.versions)).size > 4 ? '; …' : ''} |\n`;
writeFileSync(join(ROOT, 'docs/catalogue/README.md'), md);

// wordings whose named rule does not match their sample (test/catalogue.test.ts fails on these)
const misses = entries.filter(({ e, hits }) => e.rule && !e.status && !hits.includes(e.rule));
if (misses.length) console.error(`${misses.length} wordings their rule does not match:\n${misses.map(({ e, sample }) => `  ${e.id} → ${e.rule}\n      ${sample}`).join('\n')}`);
const unused = compiled.filter((a) => !a.used).map((a) => `assignment #${a.index} ${JSON.stringify(a.when)}`);
if (unused.length) console.error(`assignments that name no wording:\n  ${unused.join('\n  ')}`);
const waiting = entries.filter(({ e }) => e.status === 'pending-rule' && ruleIds.has(e.rule));
if (waiting.length && process.env.CATALOGUE_VERBOSE) console.error(`pending-rule wordings whose rule exists but does not match them:\n${waiting.map(({ e, sample }) => `  ${e.id} → ${e.rule}\n      ${sample}`).join('\n')}`);
console.error(`${waiting.length} pending-rule wordings whose rule exists but does not match them yet`);
console.error(`${all.length} wordings: ${count(all, (e) => e.rule)} with a rule (${count(all, (e) => e.assigned === 'matcher')} found by the matcher), ${count(all, (e) => e.reason)} with a reason, ${unassigned.length} unassigned`);
rmSync(join(ROOT, 'docs/catalogue/.unassigned.json'), { force: true });
if (unassigned.length) {
  writeFileSync(join(ROOT, 'docs/catalogue/.unassigned.json'), JSON.stringify(unassigned, null, 1));
  console.error('unassigned wordings written to docs/catalogue/.unassigned.json');
  process.exit(1);
}
