#!/usr/bin/env node
// `npm run lab -- SCENARIO|all [--version vX.Y.Z]…`   run scenarios for real and record them (fixtures/lab)
// `npm run lab:e2e -- [SCENARIO|all] [--version …]`   run them again and assert the live scans (no recording)
//
// Needs root, the Debian packages scripts/lab/setup.sh installs, and the binaries scripts/lab/build.sh
// made in the lab cache (${XDG_CACHE_HOME:-~/.cache}/kubelet-doctor-lab/bin/VERSION). Versions default to
// every kubelet in the cache. Each run: scripts/lab/lab.sh (namespaces, components, injection, capture),
// then scripts/lab/record.mjs (journal, sanitised tree, fixture.yaml, provenance.yaml). Every run also scans
// the broken node live (`kubelet-doctor scan` inside the lab's namespaces while the failure is on): for
// lab:e2e its first finding must be the injected cause (a healthy node: no error finding).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cache = process.env.LAB_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? '/root', '.cache'), 'kubelet-doctor-lab');
const args = process.argv.slice(2);
const e2e = args.includes('--e2e');
const versions = [];
const names = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--version') versions.push(args[++i].replace(/^(\d)/, 'v$1'));
  else if (args[i] !== '--e2e') names.push(args[i]);
}
const allScenarios = readdirSync(join(here, 'scenarios')).filter((f) => f.endsWith('.sh')).map((f) => f.slice(0, -3)).sort();
const scenarios = !names.length || names.includes('all') ? allScenarios : names;
for (const s of scenarios) if (!allScenarios.includes(s)) {
  console.error(`lab: no scenario ${s} (have: ${allScenarios.join(', ')})`);
  process.exit(2);
}
const built = existsSync(join(cache, 'bin')) ? readdirSync(join(cache, 'bin')).filter((v) => existsSync(join(cache, 'bin', v, 'kubelet'))) : [];
const vs = (versions.length ? versions : built).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
const unbuilt = vs.filter((v) => !built.includes(v));
if (unbuilt.length) {
  console.error(`lab: no kubelet ${unbuilt.join(', ')} in ${cache}/bin: scripts/lab/build.sh ${unbuilt[0]} kubelet`);
  process.exit(2);
}
if (!vs.length) {
  console.error(`lab: no kubelet built in ${cache}/bin: scripts/lab/build.sh v1.37.2 kubelet kube-apiserver kube-controller-manager`);
  process.exit(2);
}
if (process.getuid?.() !== 0) {
  console.error('lab: needs root (namespaces, cgroups, containerd)');
  process.exit(2);
}

const results = [];
const t0 = Date.now();
for (const s of scenarios) {
  for (const v of vs) {
    const t = Date.now();
    // the live scan runs in every run (it costs a second): `lab` also records, `lab:e2e` only asserts
    const lab = spawnSync(join(here, 'lab.sh'), [s, v, '--e2e'], { stdio: ['ignore', 'inherit', 'inherit'] });
    const run = join(cache, 'run', s, v);
    const outcome = existsSync(join(run, 'result')) ? readFileSync(join(run, 'result'), 'utf8').trim() : `lab.sh exited ${lab.status}`;
    const cause = /^CAUSE=(.*)$/m.exec(readFileSync(join(here, 'scenarios', `${s}.sh`), 'utf8'))?.[1]?.replace(/"/g, '') ?? '';
    const row = { scenario: s, version: v, outcome, cause, seconds: Math.round((Date.now() - t) / 1000) };
    if (outcome.startsWith('skipped')) {
      results.push({ ...row, pass: null });
      continue;
    }
    {
      let first;
      let errors = [];
      try {
        const rep = JSON.parse(readFileSync(join(run, 'e2e.json'), 'utf8'));
        first = rep.findings[0]?.ruleId;
        errors = rep.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId);
        row.api = rep.sources.filter((x) => x.kind === 'api').map((x) => x.name);
        row.findings = rep.findings.map((f) => f.ruleId);
      } catch (e) {
        const err = existsSync(join(run, 'e2e.err')) ? readFileSync(join(run, 'e2e.err'), 'utf8').slice(0, 300) : '';
        row.error = `no e2e report: ${err || e.message}`;
      }
      row.first = first;
      row.e2e = cause ? first === cause : errors.length === 0;
    }
    if (e2e) row.pass = row.e2e;
    else {
      const rec = spawnSync('node', [join(here, 'record.mjs'), s, v], { stdio: ['ignore', 'inherit', 'inherit'] });
      row.pass = rec.status === 0;
    }
    results.push(row);
    console.log(`== ${s} ${v}: ${outcome}, live scan's first finding ${row.first ?? 'none'} (cause ${cause || 'none: healthy'}) e2e ${row.e2e ? 'PASS' : 'FAIL'}${e2e ? '' : `, recorded ${row.pass ? 'ok' : 'FAILED'}`} in ${row.seconds}s`);
  }
}
const wall = Math.round((Date.now() - t0) / 1000);
const file = join(cache, e2e ? 'e2e-results.json' : `lab-results-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify({ wallSeconds: wall, at: new Date().toISOString(), results }, null, 2)}\n`);
const failed = results.filter((r) => r.pass === false);
console.log(`\n${results.length - failed.length} passed, ${failed.length} failed (wall ${wall}s; ${file})`);
process.exit(failed.length ? 1 : 0);
