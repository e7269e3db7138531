#!/usr/bin/env node
// `npm run bench -- --memory`: peak RSS of the whole CLI on generated journals of every format it reads, from a
// file (`--journal FILE`) and on stdin through a pipe (`cat FILE | kubelet-doctor scan`), and on a crash loop of
// many kubelet runs (issue 12's budget: 150 MB for 1 GB in every format and for a loop of 100,000 runs). One
// journal at a time is generated into a scratch directory (`mktemp -d` style, checked for room first), scanned
// under `/usr/bin/time -f %M` (the peak RSS of the node process: its worker threads are in it), and deleted.
//
//   npm run bench -- --memory [--size 1G] [--formats short,short-precise,…|all] [--inputs file,pipe]
//                    [--loop-runs 100000] [--loop-formats short-precise,json] [--budget 150] [--json OUT.json]
// --loop-runs 0 skips the crash loop; --formats '' only runs it.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateJournal, parseSize } from './bench-gen.mjs';

/** Every format the scanner reads (src/types.ts JournalFormat, and json-seq/json-sse read as json). */
const ALL_FORMATS = [
  'short', 'short-precise', 'short-iso', 'short-iso-precise', 'short-full', 'short-monotonic', 'short-unix',
  'syslog', 'syslog-rfc3339', 'cat', 'kubelet-json', 'json', 'json-seq', 'json-sse', 'json-pretty', 'verbose', 'export',
];

const root = new URL('..', import.meta.url).pathname;
const argv = process.argv.slice(2).filter((a) => a !== '--memory');
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
};
const list = (s) => s.split(',').filter(Boolean);
const size = parseSize(opt('size', '1G'));
const formatsOpt = opt('formats', 'all');
const formats = formatsOpt === 'all' ? ALL_FORMATS : list(formatsOpt);
const inputs = list(opt('inputs', 'file,pipe'));
const loopRuns = Number(opt('loop-runs', '100000'));
const loopFormats = list(opt('loop-formats', 'short-precise'));
const budgetMB = Number(opt('budget', '150'));
const bin = join(root, 'bin/kubelet-doctor.js');
for (const f of [...formats, ...loopFormats]) {
  if (!ALL_FORMATS.includes(f)) {
    console.error(`bench --memory: unknown format ${f} (known: ${ALL_FORMATS.join(', ')})`);
    process.exit(2);
  }
}
for (const i of inputs) {
  if (i !== 'file' && i !== 'pipe') {
    console.error(`bench --memory: --inputs takes file and/or pipe, not ${i}`);
    process.exit(2);
  }
}
if (!existsSync(join(root, 'dist/src/cli.js'))) {
  console.error('bench: build first (npm run build)');
  process.exit(2);
}
if (!existsSync('/usr/bin/time')) {
  console.error('bench --memory: needs /usr/bin/time (GNU time) for the peak RSS');
  process.exit(2);
}
const scratch = mkdtempSync(join(tmpdir(), 'kubelet-doctor-mem-'));
{
  // one journal at a time: room for the largest with a margin (a crash-loop run is ~16 entries: ~2 KB of text
  // lines, ~10 KB of journal fields in the entry formats)
  const fs = statfsSync(scratch);
  const free = fs.bavail * fs.bsize;
  const perRun = loopFormats.some((f) => /^(json|verbose|export)/.test(f)) ? 12e3 : 2.5e3;
  const need = Math.max(size, loopRuns > 0 ? loopRuns * perRun : 0) * 1.1 + 256e6;
  if (free < need) {
    rmSync(scratch, { recursive: true, force: true });
    console.error(`bench --memory: ${tmpdir()} has ${(free / 1e9).toFixed(1)} GB free; needs ${(need / 1e9).toFixed(1)} GB (use a smaller --size, or TMPDIR=…)`);
    process.exit(2);
  }
}

/** The CLI on one journal, given with --journal or piped to its stdin by `cat`: wall s, peak RSS MB, report. */
function scan(file, input) {
  const rss = join(scratch, 'rss');
  const cli = [process.execPath, bin, 'scan', '--format', 'json', '--fail-on', 'never'];
  const t0 = process.hrtime.bigint();
  const r =
    input === 'file'
      ? spawnSync('/usr/bin/time', ['-f', '%M', '-o', rss, ...cli, '--journal', file], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28, encoding: 'utf8' })
      : // time measures the CLI alone; cat writes into the pipe as fast as it is read
        spawnSync('sh', ['-c', 'f=$1; o=$2; shift 2; cat "$f" | exec /usr/bin/time -f %M -o "$o" "$@"', 'sh', file, rss, ...cli], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28, encoding: 'utf8' });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const mb = Number(readFileSync(rss, 'utf8').trim().split('\n').pop()) / 1024;
  let report = {};
  try {
    report = JSON.parse(r.stdout);
  } catch {
    console.log(`  ! exit ${r.status}: ${String(r.stderr).trim().split('\n').slice(-2).join(' / ')}`);
  }
  return { s, mb, report, status: r.status };
}

const results = [];
function row(name, input, gen, res) {
  const over = res.mb > budgetMB;
  const src = res.report.sources?.find((s) => s.kind === 'journal');
  const out = { name, input, bytes: gen.bytes, lines: gen.lines, seconds: res.s, peakRssMB: res.mb, read: src?.format, runs: res.report.runsTotal ?? res.report.runs?.length, findings: res.report.findings?.length, withinBudget: !over };
  results.push(out);
  console.log(
    `${name.padEnd(26)} ${input.padEnd(5)} ${(gen.bytes / 1e6).toFixed(0).padStart(6)} MB ${String(gen.lines).padStart(10)} lines ${res.s.toFixed(1).padStart(6)} s  peak RSS ${res.mb.toFixed(0).padStart(4)} MB${over ? `  OVER ${budgetMB} MB` : ''}  (read as ${out.read ?? '?'}, ${out.runs ?? 0} runs, ${out.findings ?? 0} findings)`,
  );
}

try {
  console.log(`peak RSS of \`kubelet-doctor scan --format json\` (Node ${process.version}; ${(size / 1e6).toFixed(0)} MB journals; budget ${budgetMB} MB)`);
  for (const format of formats) {
    const file = join(scratch, `journal.${format}`);
    const gen = generateJournal({ out: file, size, variant: 'broken', format, seed: 1 });
    for (const input of inputs) row(format, input, gen, scan(file, input));
    rmSync(file);
  }
  if (loopRuns > 0) {
    for (const format of loopFormats) {
      // a new kubelet run every 2 kubelet lines: ~16 lines a run
      const file = join(scratch, `crash-loop.${format}`);
      const gen = generateJournal({ out: file, runs: loopRuns, variant: 'broken', format, seed: 1, restartEvery: 2 });
      for (const input of inputs) row(`crash loop (${format})`, input, gen, scan(file, input));
      rmSync(file);
    }
  }
  if (opt('json')) writeFileSync(opt('json'), JSON.stringify({ size, budgetMB, node: process.version, results }, null, 2));
  // the table to paste (docs/performance.md)
  console.log('\n| journal | input | size | peak RSS |\n|---|---|---|---|');
  for (const r of results) console.log(`| ${r.name} | ${r.input === 'file' ? '`--journal`' : 'stdin (pipe)'} | ${(r.bytes / 1e6).toFixed(0)} MB | ${r.peakRssMB.toFixed(0)} MB${r.withinBudget ? '' : ' (over)'} |`);
  const over = results.filter((r) => !r.withinBudget);
  const worst = results.reduce((a, r) => (r.peakRssMB > (a?.peakRssMB ?? 0) ? r : a), undefined);
  console.log(`\n${over.length ? `${over.length} over the ${budgetMB} MB budget` : `all within ${budgetMB} MB`}${worst ? `; highest ${worst.peakRssMB.toFixed(0)} MB (${worst.name}, ${worst.input})` : ''}`);
  process.exitCode = over.length ? 1 : 0;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
