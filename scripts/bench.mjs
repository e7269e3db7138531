#!/usr/bin/env node
// `npm run bench`: generates realistic kubelet journals (seeded; broken and healthy variants, in
// journalctl formats), then measures in the same run, over the same files:
//   - kubelet-doctor: the built CLI (`scan --journal FILE --format json --stats`, wall time, peak RSS)
//     and the journal engine alone (scripts/bench-scan.mjs: fast path, and --exhaustive for reference)
//   - ripgrep (`rg -c -i -f patterns`) and GNU grep (`grep -c -i -E -f patterns`, LC_ALL=C and default locale)
//     with the rules' journal patterns converted to POSIX ERE (patterns ERE cannot express are left out)
//   - CLI start-up: `rules` and `scan` of a tiny journal
// and prints throughput (MB/s = 10^6 bytes/s), lines/s, peak RSS and the ratios to rg.
//
//   npm run bench -- [--size 200M] [--formats short-precise,json] [--variants broken,healthy]
//                    [--seed 1] [--runs 2] [--no-grep] [--no-exhaustive] [--keep] [--json OUT.json]
// `--size 1G` for the 1 GB run. `--memory`: peak RSS in every journal format and for a crash loop (bench-memory.mjs). Needs a build (npm run build) and rg/grep on PATH.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateJournal, parseSize } from './bench-gen.mjs';

const root = new URL('..', import.meta.url).pathname;
const argv = process.argv.slice(2);
// --memory: peak RSS per journal format and for a crash loop (scripts/bench-memory.mjs)
if (argv.includes('--memory')) {
  await import('./bench-memory.mjs');
  process.exit(process.exitCode ?? 0);
}
const flag = (name) => argv.includes(`--${name}`);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
};
const size = parseSize(opt('size', '200M'));
const formats = opt('formats', 'short-precise,json').split(',');
const variants = opt('variants', 'broken,healthy').split(',');
const seed = Number(opt('seed', '1'));
const runs = Number(opt('runs', '2'));
const bin = join(root, 'bin/kubelet-doctor.js');
if (!existsSync(join(root, 'dist/src/cli.js'))) {
  console.error('bench: build first (npm run build)');
  process.exit(2);
}
const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const scratch = mkdtempSync(join(tmpdir(), 'kubelet-doctor-bench-'));
const MB = (b, ms) => b / 1e6 / (ms / 1000);
const fmt = (x, d = 0) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d));

/** Run a command `runs` times; best wall time (ms) and peak RSS (KB, via /usr/bin/time) of the best run. */
function timed(cmd, args, env = {}) {
  let best;
  for (let i = 0; i < runs; i++) {
    const rss = join(scratch, 'rss');
    const t0 = process.hrtime.bigint();
    const r = TIME
      ? spawnSync(TIME, ['-f', '%M', '-o', rss, cmd, ...args], { env: { ...process.env, ...env }, maxBuffer: 1 << 30, encoding: 'utf8' })
      : spawnSync(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 1 << 30, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const kb = TIME && existsSync(rss) ? Number(readFileSync(rss, 'utf8').trim().split('\n').pop()) : undefined;
    if (r.status !== 0 && r.status !== 1) {
      console.log(`  ! ${cmd} ${args.join(' ')} exited ${r.status}: ${String(r.stderr).trim().split('\n').slice(-2).join(' / ')}`);
      return { ms: NaN, kb: undefined, stdout: '{}', stderr: '' };
    }
    if (!best || ms < best.ms) best = { ms, kb, stdout: r.stdout, stderr: r.stderr };
  }
  return best;
}

/** JS regex source → POSIX ERE (for grep -E and rg), or undefined when ERE cannot say it. */
export function toEre(src) {
  if (/\(\?[=!]|\(\?<[=!]|\\[1-9]|\\k<|\\[nrtfv0]|\\[xu]/.test(src)) return undefined;
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = src[++i];
      const cls = { d: '0-9', s: '[:space:]', w: '[:alnum:]_' }[n];
      const neg = { D: '0-9', S: '[:space:]', W: '[:alnum:]_' }[n];
      if (cls) out += inClass ? cls : `[${cls}]`;
      else if (neg) {
        if (inClass) return undefined;
        out += `[^${neg}]`;
      } else if (n === 'b' || n === 'B') {
        if (inClass) return undefined;
        out += `\\${n}`;
      } else if (inClass) {
        if (n === ']' || n === '\\' || n === '^') return undefined;
        out += n === '-' ? '' : n; // a literal `-` inside a class: dropped here, appended at the class end
        if (n === '-') out += '\u0000';
      } else out += /[.[\]{}()*+?^$|\\]/.test(n) ? `\\${n}` : n;
      continue;
    }
    if (inClass) {
      if (c === ']') {
        if (out.includes('\u0000')) out = out.replace(/\u0000/g, '') + '-';
        inClass = false;
      }
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') out += src[++i];
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      if (src[i + 2] === ':') i += 2;
      else if (src[i + 2] === '<') i = src.indexOf('>', i);
      else return undefined;
      out += '(';
      continue;
    }
    if ((c === '?' || c === '+' || c === '*' || c === '}') && src[i + 1] === '?') {
      out += c;
      i++;
      continue;
    }
    out += c;
  }
  // fix the class-end marker placement: a `-` moved before `]` must stay literal
  return out.replace(/-\]/g, '-]');
}

function patternList(rules) {
  const kept = [];
  let dropped = 0;
  for (const r of rules)
    for (const p of r.match?.journal ?? []) {
      const ere = toEre(p.pattern);
      const ok =
        ere &&
        !ere.includes('\n') &&
        spawnSync('grep', ['-E', '-e', ere], { input: '' }).status === 1 &&
        (!have('rg') || spawnSync('rg', ['-e', ere], { input: '' }).status === 1) &&
        (() => {
          try {
            new RegExp(ere, 'i');
            return true;
          } catch {
            return false;
          }
        })();
      if (ok) kept.push(ere);
      else dropped++;
    }
  return { kept, dropped };
}

const { loadRules } = await import(pathToFileURL(join(root, 'dist/src/rules/load.js')).href);
const { rules } = await loadRules([]);
const { kept, dropped } = patternList(rules);
const patFile = join(scratch, 'patterns.txt');
writeFileSync(patFile, `${kept.join('\n')}\n`);
const cpu = (() => {
  try {
    return /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
})();
console.log(`kubelet-doctor bench — node ${process.version}, ${cpu ?? 'cpu ?'}, ${(await import('node:os')).cpus().length} cores`);
console.log(`rules: ${rules.length}; journal patterns for rg/grep: ${kept.length} (${dropped} not expressible in ERE left out) → ${patFile}`);
console.log(`rg: ${have('rg') ? execFileSync('rg', ['--version'], { encoding: 'utf8' }).split('\n')[0] : 'not found'}; grep: ${execFileSync('grep', ['--version'], { encoding: 'utf8' }).split('\n')[0]}`);
console.log('');

const results = [];
try {
  for (const format of formats)
    for (const variant of variants) {
      const file = join(scratch, `${variant}.${format === 'json' ? 'json' : 'log'}`);
      const tg = Date.now();
      const g = generateJournal({ out: file, size, variant, format, seed });
      const bytes = statSync(file).size;
      console.log(`${variant} ${format}: ${(bytes / 1e6).toFixed(0)} MB, ${g.lines} lines (generated in ${((Date.now() - tg) / 1000).toFixed(1)} s)`);
      const row = { variant, format, bytes, lines: g.lines };
      // the whole CLI: start-up, rules, journal pass, collectors of this machine, diagnosis, JSON output
      const cli = timed(process.execPath, [bin, 'scan', '--journal', file, '--format', 'json', '--stats', '--fail-on', 'never']);
      row.cli = { ms: cli.ms, kb: cli.kb, stats: cli.stderr.split('\n').find((l) => l.startsWith('stats:')) };
      // the journal engine alone (in-process timing, no process start or collectors)
      const eng = { timing: {}, ...JSON.parse(timed(process.execPath, [join(root, 'scripts/bench-scan.mjs'), file]).stdout) };
      row.engine = eng;
      if (!flag('no-exhaustive') && bytes <= 300e6) row.exhaustive = JSON.parse(timed(process.execPath, [join(root, 'scripts/bench-scan.mjs'), file, '--exhaustive']).stdout);
      if (have('rg')) {
        const r = timed('rg', ['-c', '-i', '-f', patFile, file]);
        row.rg = { ms: r.ms, kb: r.kb, count: Number(r.stdout.trim() || 0) };
      }
      if (!flag('no-grep')) {
        const c = timed('grep', ['-c', '-i', '-E', '-f', patFile, file], { LC_ALL: 'C' });
        row.grepC = { ms: c.ms, count: Number(c.stdout.trim() || 0) };
        const u = timed('grep', ['-c', '-i', '-E', '-f', patFile, file]);
        row.grepU = { ms: u.ms, count: Number(u.stdout.trim() || 0), locale: process.env.LC_ALL || process.env.LANG || 'C.UTF-8 (unset)' };
      }
      results.push(row);
      const line = (name, ms, extra = '') => console.log(`  ${name.padEnd(34)} ${fmt(ms / 1000, 2).padStart(7)} s ${fmt(MB(bytes, ms)).padStart(6)} MB/s ${fmt(g.lines / (ms / 1000) / 1e6, 2).padStart(6)} M lines/s ${extra}`);
      line('kubelet-doctor scan (whole CLI)', row.cli.ms, `peak RSS ${fmt(row.cli.kb / 1024)} MB`);
      line('kubelet-doctor journal engine', eng.ms, `peak RSS ${fmt(eng.maxRssKB / 1024)} MB; prefilter ${fmt(eng.timing.prefilter)} ms, parse ${fmt(eng.timing.parse)} ms, match ${fmt(eng.timing.match)} ms`);
      if (row.exhaustive) line('  (reference path: every line)', row.exhaustive.ms, `same result: ${row.exhaustive.digest === eng.digest ? 'yes' : 'NO'}`);
      if (row.rg) line('rg -c -i -f patterns', row.rg.ms, `${row.rg.count} matching lines`);
      if (row.grepC) line('LC_ALL=C grep -c -i -E -f patterns', row.grepC.ms, `${row.grepC.count} matching lines`);
      if (row.grepU) line(`grep -c -i -E -f (${row.grepU.locale})`, row.grepU.ms);
      if (row.rg) console.log(`  ratio kubelet-doctor/rg: whole CLI ${fmt(row.rg.ms / row.cli.ms, 2)}, engine ${fmt(row.rg.ms / eng.ms, 2)}  (target ≥ 0.5)`);
      console.log(`  ${row.cli.stats ?? ''}`);
      console.log('');
    }

  // start-up: time to first output of `rules` and of `scan` on a tiny journal
  const tiny = join(scratch, 'tiny.log');
  writeFileSync(tiny, 'Nov 20 03:00:01.123456 node-a kubelet[1234]: I1120 03:00:01.123456    1234 server.go:487] "Kubelet version" kubeletVersion="v1.30.2"\n');
  const startRuns = Math.max(3, runs);
  const startup = (args) => {
    let best = Infinity;
    for (let i = 0; i < startRuns; i++) {
      const t0 = process.hrtime.bigint();
      spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return best;
  };
  const tRules = startup(['rules']);
  const tScan = startup(['scan', '--journal', tiny, '--fail-on', 'never', '--root', scratch]);
  console.log(`start-up (process start to exit, best of ${startRuns}): rules ${fmt(tRules)} ms, scan of a tiny journal ${fmt(tScan)} ms (target < 300 ms)`);

  // a whole scan of a typical node: a 50 MB broken-node journal plus a captured node tree (kubeadm v1.30)
  const node50 = join(scratch, 'node-50M.log');
  generateJournal({ out: node50, size: 50e6, variant: 'broken', format: 'short-precise', seed });
  const tree = join(root, 'fixtures/nodes/healthy-kubeadm-v1.30');
  const whole = timed(process.execPath, [bin, 'scan', '--journal', node50, '--root', tree, '--format', 'json', '--fail-on', 'never']);
  console.log(`whole scan of a typical node (50 MB broken-node journal + fixtures/nodes/healthy-kubeadm-v1.30, process start to exit, best of ${runs}): ${fmt(whole.ms)} ms, peak RSS ${fmt(whole.kb / 1024)} MB (target < 1000 ms)`);
  if (opt('json')) writeFileSync(opt('json'), JSON.stringify({ size, formats, variants, results, startup: { rules: tRules, scan: tScan }, typicalNode: { ms: whole.ms, kb: whole.kb }, patterns: kept.length }, null, 2));
} finally {
  if (flag('keep')) console.log(`files kept in ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}
