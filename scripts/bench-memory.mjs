#!/usr/bin/env node
// `npm run bench -- --memory`: peak RSS of the whole CLI on generated journals of every format it reads, and
// on a crash loop of many kubelet runs (issue 12's budget: 150 MB for 1 GB in every format and for a loop of
// 100,000 runs). One journal at a time is generated into a scratch directory, scanned under
// `/usr/bin/time -f %M`, and deleted.
//
//   npm run bench -- --memory [--size 1G] [--formats short-precise,short-iso,cat,json,json-pretty,verbose,export]
//                    [--stdin json,short-precise] [--loop-runs 100000] [--budget 150] [--json OUT.json]
// --loop-runs 0 skips the crash loop; --formats '' only runs it.

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateJournal, parseSize } from './bench-gen.mjs';

const root = new URL('..', import.meta.url).pathname;
const argv = process.argv.slice(2).filter((a) => a !== '--memory');
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
};
const list = (s) => s.split(',').filter(Boolean);
const size = parseSize(opt('size', '1G'));
const formats = list(opt('formats', 'short-precise,short-iso,cat,json,json-pretty,verbose,export'));
const stdinFormats = new Set(list(opt('stdin', 'json,short-precise')));
const loopRuns = Number(opt('loop-runs', '100000'));
const budgetMB = Number(opt('budget', '150'));
const bin = join(root, 'bin/kubelet-doctor.js');
if (!existsSync(join(root, 'dist/src/cli.js'))) {
  console.error('bench: build first (npm run build)');
  process.exit(2);
}
if (!existsSync('/usr/bin/time')) {
  console.error('bench --memory: needs /usr/bin/time (GNU time) for the peak RSS');
  process.exit(2);
}
const scratch = mkdtempSync(join(tmpdir(), 'kubelet-doctor-mem-'));

/** The CLI on one journal (a file given with --journal, or the same file on stdin): wall s, peak RSS MB, report. */
function scan(file, viaStdin) {
  const rss = join(scratch, 'rss');
  const args = ['-f', '%M', '-o', rss, process.execPath, bin, 'scan', '--format', 'json', '--fail-on', 'never', ...(viaStdin ? [] : ['--journal', file])];
  const t0 = process.hrtime.bigint();
  const fd = viaStdin ? openSync(file, 'r') : 'ignore';
  const r = spawnSync('/usr/bin/time', args, { stdio: [fd, 'pipe', 'pipe'], maxBuffer: 1 << 28, encoding: 'utf8' });
  if (typeof fd === 'number') closeSync(fd);
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
  const out = { name, input, bytes: gen.bytes, lines: gen.lines, seconds: res.s, peakRssMB: res.mb, runs: res.report.runsTotal ?? res.report.runs?.length, findings: res.report.findings?.length, withinBudget: !over };
  results.push(out);
  console.log(
    `${name.padEnd(22)} ${input.padEnd(9)} ${(gen.bytes / 1e6).toFixed(0).padStart(6)} MB ${String(gen.lines).padStart(9)} lines ${res.s.toFixed(1).padStart(6)} s  peak RSS ${res.mb.toFixed(0).padStart(4)} MB${over ? `  OVER ${budgetMB} MB` : ''}  (${out.runs ?? 0} runs, ${out.findings ?? 0} findings)`,
  );
}

try {
  console.log(`peak RSS of \`kubelet-doctor scan --format json\` (Node ${process.version}; budget ${budgetMB} MB)`);
  for (const format of formats) {
    const file = join(scratch, `journal.${format}`);
    const gen = generateJournal({ out: file, size, variant: 'broken', format, seed: 1 });
    row(format, '--journal', gen, scan(file, false));
    if (stdinFormats.has(format)) row(format, 'stdin', gen, scan(file, true));
    rmSync(file);
  }
  if (loopRuns > 0) {
    // a new kubelet run every 2 kubelet lines: ~16 lines and ~1.9 KB a run
    const file = join(scratch, 'crash-loop.short-precise');
    const gen = generateJournal({ out: file, size: loopRuns * 1935, variant: 'broken', format: 'short-precise', seed: 1, restartEvery: 2 });
    row('crash loop', '--journal', gen, scan(file, false));
    row('crash loop', 'stdin', gen, scan(file, true));
    rmSync(file);
  }
  if (opt('json')) writeFileSync(opt('json'), JSON.stringify({ size, budgetMB, results }, null, 2));
  const over = results.filter((r) => !r.withinBudget);
  console.log(over.length ? `${over.length} over the ${budgetMB} MB budget` : `all within ${budgetMB} MB`);
  process.exitCode = over.length ? 1 : 0;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
