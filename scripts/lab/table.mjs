#!/usr/bin/env node
// Prints the lab's results as Markdown tables (for docs/lab.md): the recordings in fixtures/lab (first
// finding of a plain `--root` scan against the injected cause) and, when present, the last `lab:e2e` run.
//   node scripts/lab/table.mjs [E2E_RESULTS_JSON]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const lab = join(repo, 'fixtures', 'lab');
const rows = [];
const versions = new Set();
for (const s of readdirSync(lab).sort())
  for (const v of readdirSync(join(lab, s))) {
    versions.add(v);
    const spec = parse(readFileSync(join(lab, s, v, 'fixture.yaml'), 'utf8'));
    const prov = parse(readFileSync(join(lab, s, v, 'provenance.yaml'), 'utf8'));
    rows.push({ s, v, spec, prov });
  }
const vs = [...versions].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
const cell = (r) => {
  if (!r) return '—';
  const first = r.spec.expect?.length ? undefined : 'none';
  if (r.spec.knownGap) return `✗ ${r.spec.knownGap}`;
  return r.spec.healthy ? '✓ no error' : `✓ ${r.spec.cause}${first ? '' : ''}`;
};
console.log(`| scenario (cause) | ${vs.join(' | ')} |`);
console.log(`|---|${vs.map(() => '---').join('|')}|`);
for (const s of [...new Set(rows.map((r) => r.s))]) {
  const any = rows.find((r) => r.s === s);
  console.log(`| ${s} (${any.spec.cause ?? 'healthy'}) | ${vs.map((v) => cell(rows.find((r) => r.s === s && r.v === v))).join(' | ')} |`);
}
const e2eFile = process.argv[2];
if (e2eFile && existsSync(e2eFile)) {
  const e = JSON.parse(readFileSync(e2eFile, 'utf8'));
  console.log(`\nlab:e2e (${e.at}, wall ${e.wallSeconds}s):\n`);
  console.log('| scenario | version | first finding (live scan) | cause | result | seconds |');
  console.log('|---|---|---|---|---|---|');
  for (const r of e.results)
    console.log(`| ${r.scenario} | ${r.version} | ${r.first ?? r.error ?? '—'} | ${r.cause || 'healthy'} | ${r.pass === null ? 'n/a' : r.pass ? 'pass' : 'FAIL'} | ${r.seconds} |`);
}
