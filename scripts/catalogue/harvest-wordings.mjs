#!/usr/bin/env node
// Harvest every message wording of the kubelet start-up and registration paths from the release sources in
// the Go module cache: runs the extractor (scripts/catalogue/extract, Go standard library only: it parses,
// never builds) on each release and merges the call sites into one record per wording — format, level,
// style, keys, the files and functions that print it, and the releases that do.
//
//   scripts/catalogue/fetch-sources.sh 1.10.13 … > sources.txt      # "version cadvisor-dir" lines
//   node scripts/catalogue/harvest-wordings.mjs docs/catalogue/sources.txt   # writes docs/catalogue/harvest.json
//
// A cadvisor dir may be relative to the module cache (docs/catalogue/sources.txt keeps them so).
//
// Then `node scripts/catalogue/build-catalogue.mjs` assigns rules and reasons (docs/catalogue/wordings.yaml).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const sourcesFile = process.argv[2];
if (!sourcesFile) {
  console.error('usage: harvest-wordings.mjs SOURCES (lines "version cadvisor-dir", from fetch-sources.sh)');
  process.exit(2);
}
const modcache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
const bin = join(mkdtempSync(join(tmpdir(), 'harvest-')), 'extract');
execFileSync('go', ['build', '-o', bin, '.'], { cwd: join(ROOT, 'scripts/catalogue/extract'), stdio: 'inherit' });

const sources = readFileSync(sourcesFile, 'utf8').split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/));
const minor = (v) => v.split('.').slice(0, 2).join('.');
const byKey = new Map();
const releases = [];
const abs = (d) => (d.startsWith('/') ? d : join(modcache, d));
for (const [version, cadvisorDir, ...stagingDirs] of sources) {
  const k8s = join(modcache, `k8s.io/kubernetes@v${version}`);
  const args = ['-version', version, '-k8s', k8s];
  if (cadvisorDir) args.push('-cadvisor', abs(cadvisorDir));
  // k8s.io/<name>=DIR: staging modules the release's zip leaves out (fetch-sources.sh lists them)
  for (const s of stagingDirs) {
    const [name, dir] = s.split('=');
    args.push('-staging', `${name}=${abs(dir)}`);
  }
  const out = execFileSync(bin, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  const cadvisor = cadvisorDir ? cadvisorDir.split('@').pop() : undefined;
  releases.push({ kubernetes: `v${version}`, cadvisor, ...(stagingDirs.length ? { staging: stagingDirs.map((s) => s.split('=')[1].replace(/^k8s\.io\//, '')) } : {}) });
  let n = 0;
  for (const line of out.split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line);
    n++;
    // One wording: the same text at the same level in the same style (a moved file is the same wording).
    const key = JSON.stringify([e.format, e.level, e.style, e.v ?? 0, e.keys ?? [], e.hasErr ?? false]);
    let w = byKey.get(key);
    if (!w) {
      w = { format: e.format, level: e.level, v: e.v ?? 0, style: e.style, call: e.call, keys: e.keys ?? [], hasErr: e.hasErr ?? false, module: e.module, sites: {}, versions: [] };
      byKey.set(key, w);
    }
    const site = `${e.file}${e.func ? ` ${e.func}` : ''}`;
    w.sites[site] ??= [];
    if (!w.sites[site].includes(minor(version))) w.sites[site].push(minor(version));
    if (!w.versions.includes(minor(version))) w.versions.push(minor(version));
  }
  console.error(`v${version}: ${n} call sites${cadvisor ? ` (cadvisor ${cadvisor})` : ''}`);
}
const wordings = [...byKey.values()].sort((a, b) => (a.module + a.format).localeCompare(b.module + b.format));
writeFileSync(join(ROOT, 'docs/catalogue/harvest.json'), JSON.stringify({ releases, wordings }, null, 0).replace(/\},\{"format"/g, '},\n{"format"') + '\n');
console.error(`${wordings.length} wordings from ${releases.length} releases → docs/catalogue/harvest.json`);
