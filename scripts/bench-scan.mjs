#!/usr/bin/env node
// One journal scan in this process, for the benchmark: loads the built-in rules from dist/, runs the
// journal pass (fast path, or --exhaustive), prints one JSON line: bytes, lines, ms, timing, peak RSS,
// and a digest of the result (hit counts, cited lines, runs) to compare engines.
//   node scripts/bench-scan.mjs FILE [--exhaustive]
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const imp = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
const [{ loadRules }, { compileMatcher }, { JournalScanner }, { fileInput }] = await Promise.all([
  imp('src/rules/load.js'),
  imp('src/engine/matcher.js'),
  imp('src/engine/scan-journal.js'),
  imp('src/journal/read.js'),
]);
const file = process.argv[2];
const exhaustive = process.argv.includes('--exhaustive');
const { rules } = await loadRules([]);
const journalRules = rules.filter((r) => r.match?.journal?.length);
const t0 = performance.now();
const scanner = new JournalScanner(compileMatcher(journalRules), { now: new Date('2026-01-01T00:00:00Z'), exhaustive, rules: journalRules });
// with its path, a large file is split across two threads (KUBELET_DOCTOR_WORKERS=off for one)
await scanner.scan({ ...fileInput(file), path: file });
const res = scanner.result();
const ms = performance.now() - t0;
const digest = {
  lines: res.lines,
  records: res.records,
  hits: [...res.hits].filter(([, h]) => h.count).map(([id, h]) => [id, h.count, h.byPattern, h.runs.length, h.firstTime, h.lastTime, h.samples.map((s) => [s.line, s.rec?.endLine ?? s.endLine, s.run, s.text.length]), h.latest?.line]),
  runs: res.evidence.runs.map((r) => [r.index, r.pid, r.startLine, r.endLine, r.firstTime, r.lastTime, r.records, r.exit?.status, r.restartCounter, r.exitCause, r.kubeletVersion]),
  facts: res.evidence.facts,
  latestRun: res.evidence.latestRun,
  problems: res.evidence.sources.flatMap((s) => s.problems),
  format: res.evidence.sources[0]?.format,
};
const out = {
  bytes: res.bytes,
  lines: res.lines,
  ms,
  timing: res.timing,
  rules: journalRules.length,
  maxRssKB: process.resourceUsage().maxRSS,
  parallel: scanner.parallel,
  digest: createHash('sha256').update(JSON.stringify(digest)).digest('hex').slice(0, 16),
};
if (process.argv.includes('--digest')) out.detail = digest;
process.stdout.write(`${JSON.stringify(out)}\n`);
