#!/usr/bin/env node
// `npm run new-rule -- <id> [--code | --state setting|sysctl|file] [--evidence kind,kind]`: scaffolds a rule,
// its fixture and its documentation stub, each marked TODO where a person must fill in facts (the kubelet's
// real wording, with the release it comes from; the fix). Nothing is invented here: the files are shapes to fill.
//
//   rules/<id>.yaml                 a data rule (a journal signature), with --state a data rule that tests one
//                                   node fact (a kubelet setting, a sysctl, a path's presence: no TypeScript),
//                                   or with --code rules/<id>.ts (the kit only: evidence that must be compared)
//   fixtures/journal/<id>/scenario.yaml   the journal that must make it fire (annotated `ruleid: <id>`)
//   fixtures/nodes/<id>/fixture.yaml      (--state) the captured node tree that must make it fire
//   docs/rules/<id>.md              why it matters and how the wording was found (sources, versions)
//
// Then: fill the TODOs, `node scripts/journal-fixture.mjs fixtures/journal/<id>` (real journald tools write
// the journals), `npm run build && node bin/kubelet-doctor.js check fixtures/journal/<id>`, and regenerate
// docs/rules.md (`node bin/kubelet-doctor.js rules --format markdown > docs/rules.md`).
// `--root DIR` writes under DIR instead of this repository (tests).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const EVIDENCE = ['journal', 'kubeletConfig', 'kubeconfig', 'cgroups', 'system', 'cni', 'runtime', 'node'];

function usage(msg) {
  process.stderr.write(`${msg ? `new-rule: ${msg}\n` : ''}usage: npm run new-rule -- <id> [--code | --state setting|sysctl|file] [--evidence journal,system] [--root DIR]\n`);
  process.exit(2);
}

/** The condition a --state rule starts from: a real, valid example, each line marked TODO (src/rules/state-match.ts). */
const STATE_EXAMPLES = {
  setting: { kind: 'kubeletConfig', lines: ['name: readOnlyPort     # TODO: the KubeletConfiguration field path (authorization.mode) or --flag', 'gt: 0                  # TODO: equals, notEquals, in, notIn, exists, gt, ge, lt, le, matches, contains', 'as: value              # captures {{value}}, {{valueAt}}, {{valueSetIn}}, {{valueOverridden}}, …'] },
  sysctl: { kind: 'system', lines: ['name: net.ipv4.ip_forward   # TODO: the sysctl (read from /proc/sys under the root)', "equals: '0'                 # TODO: equals, notEquals, in, notIn, exists, gt, ge, lt, le, matches", 'as: value                   # captures {{value}} and {{valuePath}}'] },
  file: { kind: 'system', lines: ['path: /etc/kubernetes/manifests   # TODO: the node path (probed under the root, never read)', 'exists: false                     # TODO: true or false', 'as: value                         # captures {{value}} (the path) and {{valueType}}'] },
};

export function scaffold({ id, code = false, state, evidence = state ? [] : ['journal'], root }) {
  if (!/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(id ?? '')) throw new Error(`"${id}" is not a rule id: kebab-case naming the problem (a-z, 0-9, dashes)`);
  for (const k of evidence) if (!EVIDENCE.includes(k)) throw new Error(`unknown evidence kind "${k}" (known: ${EVIDENCE.join(', ')})`);
  if (state !== undefined && !STATE_EXAMPLES[state]) throw new Error(`--state takes setting, sysctl or file (got "${state}")`);
  if (state !== undefined && code) throw new Error('--state writes a YAML rule; --code a TypeScript one: choose one');
  if (state !== undefined && !evidence.includes(STATE_EXAMPLES[state].kind)) evidence = [...evidence, STATE_EXAMPLES[state].kind];
  const journal = evidence.includes('journal');
  const files = {};
  const pattern = 'TODO: the wording the kubelet prints, as a regular expression from the release sources (named groups become {{values}})';
  if (code) {
    files[`rules/${id}.ts`] = `// TODO: what goes wrong on the node, and what evidence shows it.

import { defineRule, type Citation } from '../src/rules/kit.js';

export default defineRule({
  id: '${id}',
  title: 'TODO: the problem in a few words',
  severity: 'error',
  category: 'TODO',
  evidence: ${JSON.stringify(evidence).replace(/"/g, "'").replace(/,/g, ', ')},
${journal ? `  match: {\n    journal: [{ pattern: '${pattern}', versions: '>=1.TODO' }],\n  },\n` : ''}  message: 'TODO: what is wrong, with {{values}}',
  why: 'TODO: what the kubelet does because of it',
  remediation: {
    summary: 'TODO: the fix in one sentence',
    steps: [{ text: 'TODO: a step a person can paste (back up before overwriting; mark destructive steps)', command: 'TODO' }],
  },
  references: ['https://TODO.invalid/the-source-or-documentation-the-wording-and-the-fix-come-from'],
  check({ evidence, hits }) {
    // Compare the declared evidence; cite every value used (file and line, field, certificate subject).
    // Missing evidence: return { skip: 'why' }, never a silent pass.
    const citations: Citation[] = [];
    void evidence;
    return hits.count > 0 ? { evidence: citations } : undefined;
  },
});
`;
  } else if (state !== undefined) {
    files[`rules/${id}.yaml`] = yamlRule({
      id,
      evidence,
      comment: `# TODO: what is wrong on the node when this holds, and what the kubelet does because of it.
# Fires when the condition holds (skipped with the reason when it cannot be read)${journal ? ', or on the journal pattern' : ''}.`,
      match: `${journal ? `  journal:\n    - pattern: "${pattern}"\n      versions: ">=1.TODO"\n` : ''}  ${state}:
${STATE_EXAMPLES[state].lines.map((l) => `    ${l}`).join('\n')}`,
      value: 'value',
      from: 'the fact and the fix come from',
    });
    files[`fixtures/nodes/${id}/fixture.yaml`] = `# A captured node tree beside this file (etc/…, proc/sys/…, var/lib/kubelet/…) in which the condition holds;
# write it with a script (scripts/node-tree-fixtures.py) or from a real node (kubelet-doctor collect), never by pasting logs.
description: "TODO: the node's story in one sentence (kubelet version, what is set wrong)"
now: 2026-01-01T00:00:00Z
root: .
kubeletVersion: v1.TODO
expect: [${id}]
`;
  } else {
    if (!journal) throw new Error('a data rule matches the journal: add journal to --evidence, use --state for a node fact, or --code');
    files[`rules/${id}.yaml`] = yamlRule({
      id,
      evidence,
      comment: '# TODO: what goes wrong on the node, and which kubelet releases print the wording.',
      match: `  journal:
    - pattern: "${pattern}"
      versions: ">=1.TODO"`,
      value: 'values',
      from: 'the wording and the fix come from',
    });
  }
  if (journal)
    files[`fixtures/journal/${id}/scenario.yaml`] = `# Compose the journal from the kubelet's format strings (never from pasted logs), then run
#   node scripts/journal-fixture.mjs fixtures/journal/${id}
description: "TODO: the node's story in one sentence (kubelet version, what broke)"
host: node-1
start: 2026-01-01T00:00:00Z
now: 2026-01-01T00:30:00Z
pid: 1234
formats: [short-precise, json]
entries:
  - systemd: 'Started kubelet: The Kubernetes Node Agent.'
  - klog: 'I server.go:416] Version: v1.TODO'
  - klog: 'E TODO.go:1] TODO: the wording, as the kubelet prints it'
    ruleid: ${id}
`;
  files[`docs/rules/${id}.md`] = `# ${id}

TODO: what the kubelet does when this happens, and why a person would not see it at once.

${state !== undefined ? `## The fact

TODO: where the kubelet (or the kernel) reads the ${state} and what it does with the value, per release (source file and versions).
${journal ? '\n' : ''}` : ''}${journal || state === undefined ? `## The wording

TODO: the format string(s) and the file they are in, per kubelet release (e.g. \`pkg/kubelet/…/x.go\`, v1.20–v1.37).
` : ''}
## The fix

TODO: why the remediation is safe to paste, and what it changes.
`;
  const written = [];
  for (const [rel, text] of Object.entries(files)) {
    const p = join(root, rel);
    if (existsSync(p)) throw new Error(`${rel} exists already`);
  }
  for (const [rel, text] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    written.push(rel);
  }
  return written;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const args = process.argv.slice(2);
  let id;
  let code = false;
  let state;
  let evidence;
  let root = new URL('..', import.meta.url).pathname;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--code') code = true;
    else if (a === '--state') state = args[++i] ?? usage('--state needs setting, sysctl or file');
    else if (a === '--evidence') evidence = (args[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--root') root = args[++i] ?? usage('--root needs a directory');
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (id === undefined) id = a;
    else usage(`one rule id at a time (got ${id} and ${a})`);
  }
  if (!id) usage();
  try {
    const written = scaffold({ id, code, state, evidence: evidence ?? (state ? [] : ['journal']), root });
    for (const f of written) process.stdout.write(`wrote ${f}\n`);
    const fixture = state !== undefined ? `fixtures/nodes/${id}` : `fixtures/journal/${id}`;
    const journalStep = written.includes(`fixtures/journal/${id}/scenario.yaml`) ? `node scripts/journal-fixture.mjs fixtures/journal/${id}; ` : '';
    process.stdout.write(`next: fill the TODOs; ${journalStep}npm run build && node bin/kubelet-doctor.js check ${fixture}\n`);
  } catch (e) {
    process.stderr.write(`new-rule: ${e.message}\n`);
    process.exit(2);
  }
}

/** A data rule's YAML: the parts every scaffold shares around its `match:` block. */
function yamlRule({ id, evidence, comment, match, value, from }) {
  return `${comment}
id: ${id}
title: "TODO: the problem in a few words"
severity: error
category: TODO
evidence: [${evidence.join(', ')}]
match:
${match}
message: "TODO: what is wrong, with {{${value}}}"
why: "TODO: what the kubelet does because of it"
remediation:
  summary: "TODO: the fix in one sentence"
  steps:
    - text: "TODO: a step a person can paste (back up before overwriting; mark destructive steps)"
      command: "TODO"
references:
  - "https://TODO.invalid/the-source-or-documentation-${from.replaceAll(' ', '-')}"
`;
}
