#!/usr/bin/env node
// Makes journal fixtures with the real tools: a scenario (kubelet message strings from the
// signatures reference, composed by us) becomes a journal *export* stream, systemd-journal-remote
// turns it into a real .journal file, and `journalctl --file … -o FORMAT` prints each format.
// Annotations (`# ruleid: id`) are inserted above the lines a rule must cite, and fixture.yaml is
// (re)written from the scenario.
//
//   node scripts/journal-fixture.mjs fixtures/journal/<scenario> [more dirs…]
//   node scripts/journal-fixture.mjs --all            # every fixtures/**/scenario.yaml
//
// Needs: Debian's systemd-journal-remote (/lib/systemd/systemd-journal-remote) and journalctl.
//
// scenario.yaml:
//   description: …            now: 2021-02-14T08:00:00Z       expect: [ids]   (findings with no pinned line)
//   host: k8s-master          start: 2021-02-14T07:03:50Z     pid: 360163     process: kubelet
//   formats: [short-precise, json, cat, short-iso, syslog, syslog-rfc3339, kubelet-json, export, json-pretty, verbose, …]
//   allUnits: false           # true: include other units' lines (journalctl without -u kubelet)
//   healthy: false
//   entries:                  # in order; times advance 0.1 s (plus jitter) unless `at: +5s`
//     - klog: 'I server.go:416] Version: v1.20.1'          # level caller] message → klog header added
//     - klog: 'F kubelet.go:1347] Failed to start …'
//       ruleid: cgroup-missing-paths                       # or ok: id / todoruleid: id (lists allowed)
//     - raw: 'goroutine 1 [running]:'                      # kubelet stderr without klog header
//     - systemd: 'kubelet.service: Main process exited, code=exited, status=255/n/a'
//     - restart: true                                      # the next kubelet lines come from a new PID
//     - boot: true                                         # a new boot (journalctl prints -- Boot … --)
//     - klog: '…'  repeat: 20  every: 10s                  # the same entry N times (annotation on the first)
//     - klog: '…'  process: flanneld  unit: flanneld.service pid: 811
//     - kernel: 'cni0: port 1(veth…) entered forwarding state'   # a kernel ring-buffer entry (no PID, no unit)
//     - cycle: 100  every: 60s  entries: [ … ]           # the inner list 100 times (steady-state traffic)
//     - klog: '…'  lines: ['continuation 1', '…']          # multi-line MESSAGE (one journal entry)
//     - klog: '…'  lines: […]  split: true                 # each line its own entry, as the stdout transport
//                                                          # stores a process's multi-line stderr writes
//   Optional scenario keys (all backward compatible):
//   unit: k3s.service         # the kubelet's unit (systemd lines carry UNIT=<unit>; journalctl -u <unit>)
//   process: kubenswrapper    # SYSLOG_IDENTIFIER/_COMM of kubelet entries (hyperkube, k3s, microk8s.daemon-kubelite, …)
//   wrap: k0s                 # klog lines wrapped by k0s' supervisor: time="…" level=info msg="<klog>" component=kubelet stream=stderr
//   splitLines: true          # `split: true` for every entry with `lines`
//   lang: de_DE.UTF-8         # journalctl's locale (localised month names); the locale must be installed

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { exportField as field } from './journal-export-field.mjs';
import { parse, stringify } from 'yaml';

const JOURNAL_REMOTE = ['/lib/systemd/systemd-journal-remote', '/usr/lib/systemd/systemd-journal-remote'].find((p) => existsSync(p));

function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

function duration(s) {
  const m = /^\+?(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(String(s).trim());
  if (!m) throw new Error(`bad duration ${s}`);
  const n = Number(m[1]);
  return Math.round(n * { ms: 1e3, s: 1e6, m: 60e6, h: 3600e6, d: 86400e6 }[m[2]]); // µs
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** klog header for a UTC time in µs. */
function klogLine(spec, usec, pid) {
  const m = /^([IWEF]) (\S+?)\] ?(.*)$/s.exec(spec);
  if (!m) throw new Error(`klog entry must look like 'E file.go:123] message': ${spec}`);
  const d = new Date(Math.floor(usec / 1000));
  const micro = pad(usec % 1e6, 6);
  return `${m[1]}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${micro} ${String(pid).padStart(7)} ${m[2]}] ${m[3]}`;
}

/** k0s' supervisor wraps each stderr line of the kubelet in a logrus line. */
function k0sWrap(line, usec) {
  const d = new Date(Math.floor(usec / 1000));
  const t = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `time="${t}" level=info msg=${JSON.stringify(line)} component=kubelet stream=stderr`;
}

/** kubelet --logging-format=json rendering of a klog spec (`lines` fill a trailing `key=<` block). */
function kubeletJson(spec, usec, lines) {
  const m = /^([IWEF]) (\S+?)\] ?(.*)$/s.exec(spec);
  const [, level, caller, text] = m;
  const obj = { ts: Number((usec / 1000).toFixed(3)), caller: `kubelet/${caller}`, msg: text };
  const s = /^"((?:[^"\\]|\\.)*)"(.*)$/s.exec(text);
  if (s) {
    obj.msg = JSON.parse(`"${s[1]}"`);
    const re = /\s+([\w.\-/]+)=(?:"((?:[^"\\]|\\.)*)"|(\S+))/g;
    let kv;
    const extra = {};
    while ((kv = re.exec(s[2]))) extra[kv[1]] = kv[2] !== undefined ? JSON.parse(`"${kv[2]}"`) : kv[3];
    for (const k of Object.keys(extra)) {
      if (extra[k] === '<' && lines) extra[k] = lines.filter((l) => l.trim() !== '>').map((l) => l.replace(/^\t/, '')).join('\n');
    }
    if (extra.err !== undefined) {
      obj.err = extra.err;
      delete extra.err;
    }
    Object.assign(obj, extra);
  }
  if (level === 'I' || level === 'W') obj.v = 0;
  return JSON.stringify(obj);
}

/** `cycle: N` entries (with their own `entries:` list) repeat that list N times, `every` apart (annotations on the first round only). */
function expand(list) {
  const out = [];
  for (const e of list ?? []) {
    if (e.cycle === undefined) {
      out.push(e);
      continue;
    }
    for (let i = 0; i < e.cycle; i++) {
      let inner = expand(e.entries);
      if (i > 0) inner = inner.map(({ ruleid, ok, todoruleid, todook, ...rest }) => rest);
      if (i > 0 && e.every && inner.length) inner[0] = { ...inner[0], at: e.every };
      else if (i === 0 && e.at && inner.length) inner[0] = { ...inner[0], at: e.at };
      out.push(...inner);
    }
  }
  return out;
}

function buildEntries(sc, variant) {
  const rand = rng(sc.seed ?? 20240214);
  let usec = Date.parse(sc.start ?? '2025-11-20T03:00:00Z') * 1000 + 123456;
  let mono = 86_400_000_000;
  let pid = sc.pid ?? 2345;
  let boot = 'b0a1c2d3e4f5061728394a5b6c7d8e9f';
  const machine = '5c1f0e2d3c4b5a69788796a5b4c3d2e1';
  const host = sc.host ?? 'node-a';
  const out = []; // { fields: [[k,v]], firstLine, ann }
  for (const e of expand(sc.entries)) {
    if (e.restart) {
      pid += 37 + Math.floor(rand() * 900);
      continue;
    }
    if (e.boot) {
      boot = boot.split('').reverse().join('').replace(/^./, String(out.length % 10));
      mono = 5_000_000;
      continue;
    }
    if (e.at) {
      usec += duration(e.at);
      mono += duration(e.at);
    }
    const times = e.repeat ?? 1;
    for (let i = 0; i < times; i++) {
      const step = e.every ? duration(e.every) : 100_000 + Math.floor(rand() * 50_000);
      usec += i === 0 && !e.every ? Math.floor(rand() * 5000) + 800 : step;
      mono += step;
      const ePid = e.pid ?? pid;
      let message;
      let ident;
      let fields;
      if (e.kernel !== undefined) {
        message = e.kernel;
        ident = 'kernel';
        fields = [['SYSLOG_IDENTIFIER', 'kernel'], ['SYSLOG_FACILITY', '0'], ['_TRANSPORT', 'kernel'], ['PRIORITY', e.priority ?? '6']];
      } else if (e.systemd !== undefined) {
        message = e.systemd;
        ident = 'systemd';
        fields = [
          ['_PID', '1'], ['_UID', '0'], ['_GID', '0'], ['_COMM', 'systemd'], ['_EXE', '/usr/lib/systemd/systemd'],
          ['SYSLOG_IDENTIFIER', 'systemd'], ['SYSLOG_FACILITY', '3'], ['_TRANSPORT', 'journal'], ['PRIORITY', e.priority ?? '6'],
          ['_SYSTEMD_UNIT', 'init.scope'], ['_SYSTEMD_CGROUP', '/init.scope'], ['_SYSTEMD_SLICE', '-.slice'], ['UNIT', e.unit ?? sc.unit ?? 'kubelet.service'],
        ];
      } else {
        const proc = e.process ?? sc.process ?? 'kubelet';
        const unit = e.unit ?? sc.unit ?? 'kubelet.service';
        if (e.klog !== undefined) message = variant === 'kubelet-json' && !e.plain ? kubeletJson(e.klog, usec, e.lines) : klogLine(e.klog, usec, ePid);
        else if (e.raw !== undefined) message = e.raw;
        else if (e.logrus !== undefined) message = e.logrus;
        else throw new Error(`entry needs klog, raw, logrus, kernel, systemd, restart or boot: ${JSON.stringify(e)}`);
        const jsonBlock = variant === 'kubelet-json' && e.klog !== undefined && !e.plain && /=<$/.test(e.klog);
        const lines = e.lines && !jsonBlock ? e.lines : [];
        const split = (e.split ?? sc.splitLines) && lines.length > 0;
        if (lines.length && !split) message += `\n${lines.join('\n')}`;
        if (sc.wrap === 'k0s' && (e.klog !== undefined || e.raw !== undefined) && !e.plain) message = k0sWrap(message, usec);
        ident = proc;
        fields = [
          ['_PID', String(ePid)], ['_UID', '0'], ['_GID', '0'], ['_COMM', proc.slice(0, 15)], ['_EXE', `/usr/bin/${proc}`],
          ['_CMDLINE', `/usr/bin/${proc}`], ['SYSLOG_IDENTIFIER', proc], ['SYSLOG_FACILITY', '3'], ['_TRANSPORT', 'stdout'], ['PRIORITY', '6'],
          ['_SYSTEMD_UNIT', unit], ['_SYSTEMD_CGROUP', `/system.slice/${unit}`], ['_SYSTEMD_SLICE', 'system.slice'],
        ];
      }
      const all = [
        ['__REALTIME_TIMESTAMP', String(usec)], ['__MONOTONIC_TIMESTAMP', String(mono)], ['_BOOT_ID', boot], ['_MACHINE_ID', machine],
        ['_HOSTNAME', host], ...fields, ['MESSAGE', message],
      ];
      const ann = [];
      if (i === 0) for (const kind of ['ruleid', 'ok', 'todoruleid', 'todook']) for (const id of [e[kind]].flat().filter(Boolean)) ann.push(`# ${kind}: ${id}`);
      out.push({ fields: all, message, ident, pid: e.systemd !== undefined ? 1 : ePid, usec, ann, host });
      if (e.systemd === undefined && e.kernel === undefined && (e.split ?? sc.splitLines) && e.lines?.length && !(variant === 'kubelet-json' && e.klog !== undefined && !e.plain && /=<$/.test(e.klog))) {
        for (const l of e.lines) {
          usec += 3 + Math.floor(rand() * 20);
          mono += 3;
          const lf = all.map(([k, v]) =>
            k === '__REALTIME_TIMESTAMP' ? [k, String(usec)] : k === '__MONOTONIC_TIMESTAMP' ? [k, String(mono)] : k === 'MESSAGE' ? [k, sc.wrap === 'k0s' ? k0sWrap(l, usec) : l] : [k, v],
          );
          out.push({ fields: lf, message: sc.wrap === 'k0s' ? k0sWrap(l, usec) : l, ident, pid: ePid, usec, ann: [], host, cont: true });
        }
      }
    }
  }
  return out;
}

function exportText(entries) {
  return Buffer.concat(entries.flatMap((e) => [...e.fields.map(([k, v]) => field(k, v)), Buffer.from('\n')]));
}

/** Put each entry's annotations above the first output line that shows it. */
function annotate(text, entries, variant) {
  const lines = text.split('\n');
  const out = [];
  let li = 0;
  for (const e of entries) {
    if (e.cont) continue; // a split continuation line: never annotated, and often blank
    const first = e.message.split('\n')[0];
    // journalctl's short formats expand TABs, so text outputs are matched up to the first TAB; json and
    // json-pretty escape the message, verbose prints it as is; the entry formats are matched on their
    // MESSAGE line only (the annotation goes right above it, inside the entry)
    const escaped = variant === 'json' || variant === 'json-pretty';
    const needle = escaped ? JSON.stringify(first).slice(1, -1).slice(0, 120) : variant === 'verbose' ? first.slice(0, 200) : first.split('\t')[0].slice(0, 200);
    const isMessageLine = variant === 'json-pretty' ? (l) => l.trimStart().startsWith('"MESSAGE" : ') : variant === 'verbose' ? (l) => l.startsWith('    MESSAGE=') : () => true;
    let j = li;
    // journalctl's text formats print a TAB in MESSAGE as 8 spaces (klog's multi-line `key=<` values are TAB-indented)
    const spaced = needle.replace(/\t/g, '        ');
    while (j < lines.length && !(isMessageLine(lines[j]) && (lines[j].includes(needle) || lines[j].includes(spaced)))) j++;
    if (j >= lines.length) continue; // not shown (filtered by -u)
    out.push(...lines.slice(li, j));
    out.push(...e.ann);
    li = j;
    out.push(lines[li++]);
  }
  out.push(...lines.slice(li));
  return out.join('\n');
}

/** rsyslog's traditional file format (/var/log/messages): no PID for some daemons, TAB as #011. */
function syslogText(entries) {
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const out = [];
  for (const e of entries) {
    const d = new Date(Math.floor(e.usec / 1000));
    const stamp = `${mon[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    const tag = e.ident === 'systemd' ? 'systemd[1]' : e.ident;
    for (const [k, line] of e.message.split('\n').entries()) {
      if (k === 0) out.push(...e.ann);
      out.push(`${stamp} ${e.host} ${tag}: ${line.replace(/\t/g, '#011')}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/**
 * rsyslog's RSYSLOG_FileFormat (RFC 3339 high-precision time, `tag[pid]:`), as with imjournal: control
 * characters are escaped on receive, so a multi-line MESSAGE stays one line with `#012` and TAB is `#011`.
 */
function syslogRfc3339Text(entries) {
  const out = [];
  for (const e of entries) {
    const d = new Date(Math.floor(e.usec / 1000));
    const stamp = `${d.toISOString().slice(0, 19)}.${pad(e.usec % 1e6, 6)}+00:00`;
    const tag = e.ident === 'kernel' ? 'kernel' : `${e.ident}[${e.pid}]`;
    out.push(...e.ann);
    out.push(`${stamp} ${e.host} ${tag}: ${e.message.replace(/\t/g, '#011').replace(/\n/g, '#012')}`);
  }
  return `${out.join('\n')}\n`;
}

const FILE_NAME = {
  json: 'kubelet.json',
  export: 'kubelet.export',
  'kubelet-json': 'kubelet.kubelet-json.log',
};

function generate(dir) {
  const sc = parse(readFileSync(join(dir, 'scenario.yaml'), 'utf8'));
  if (sc.lang && !/^(C|POSIX)(\.|$)/.test(sc.lang)) {
    // journalctl silently falls back to English month names when the locale is missing
    const have = execFileSync('locale', ['-a'], { encoding: 'utf8' }).split('\n').map((l) => l.toLowerCase().replace('utf-8', 'utf8'));
    if (!have.includes(sc.lang.toLowerCase().replace('utf-8', 'utf8')))
      throw new Error(`locale ${sc.lang} is not installed (apt-get install locales && localedef -i ${sc.lang.split('.')[0]} -f UTF-8 ${sc.lang})`);
  }
  const formats = sc.formats ?? ['short-precise', 'json'];
  const scratch = mkdtempSync(join(tmpdir(), 'kubelet-doctor-journal-'));
  const made = [];
  try {
    const variants = new Set(formats.map((f) => (f === 'kubelet-json' ? 'kubelet-json' : 'klog')));
    const journals = {};
    for (const variant of variants) {
      const entries = buildEntries(sc, variant);
      const exp = join(scratch, `${variant}.export`);
      writeFileSync(exp, exportText(entries));
      const jfile = join(scratch, `${variant}.journal`);
      if (!JOURNAL_REMOTE) throw new Error('systemd-journal-remote is not installed (apt-get install systemd-journal-remote)');
      execFileSync(JOURNAL_REMOTE, [`--output=${jfile}`, '--split-mode=none', exp], { stdio: ['ignore', 'ignore', 'pipe'] });
      journals[variant] = { entries, jfile };
    }
    for (const fmt of formats) {
      const variant = fmt === 'kubelet-json' ? 'kubelet-json' : 'klog';
      const { entries, jfile } = journals[variant];
      const name = FILE_NAME[fmt] ?? `kubelet.${fmt}.log`;
      let text;
      if (fmt === 'syslog') text = syslogText(entries);
      else if (fmt === 'syslog-rfc3339') text = syslogRfc3339Text(entries);
      else {
        const outFmt = fmt === 'kubelet-json' ? (sc.kubeletJsonFormat ?? 'short-precise') : fmt;
        const args = ['--file', jfile, '--no-pager', '-o', outFmt];
        if (!sc.allUnits) args.push('-u', sc.unit ?? 'kubelet');
        if (outFmt === 'json' || outFmt === 'json-pretty' || outFmt === 'export') args.push('--all');
        const r = spawnSync('journalctl', args, { env: { ...process.env, TZ: 'UTC', SYSTEMD_COLORS: '0', LANG: sc.lang ?? 'C.UTF-8' }, maxBuffer: 1 << 30 });
        if (r.status !== 0) throw new Error(`journalctl ${args.join(' ')}: ${r.stderr}`);
        text = outFmt === 'export' ? r.stdout : annotate(r.stdout.toString('utf8'), entries, outFmt);
      }
      writeFileSync(join(dir, name), text);
      made.push(name);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const fixture = {
    description: sc.description,
    now: sc.now ?? new Date(Date.parse(sc.start ?? '2025-11-20T03:00:00Z') + 3600e3).toISOString(),
    ...(sc.healthy ? { healthy: true } : {}),
    expect: sc.expect ?? [],
    journals: made,
    ...(sc.kubeletVersion ? { kubeletVersion: sc.kubeletVersion } : {}),
  };
  writeFileSync(
    join(dir, 'fixture.yaml'),
    `# Generated by scripts/journal-fixture.mjs from scenario.yaml — edit the scenario, then re-run the script.\n${stringify(fixture)}`,
  );
  return made;
}

function findScenarios(root) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e === 'scenario.yaml') out.push(d);
    }
  };
  walk(root);
  return out.sort();
}

const args = process.argv.slice(2);
const dirs = args.includes('--all') ? findScenarios('fixtures') : args;
if (!dirs.length) {
  console.error('usage: node scripts/journal-fixture.mjs <scenario dir>… | --all');
  process.exit(2);
}
let failed = 0;
for (const d of dirs) {
  try {
    const made = generate(d);
    console.log(`${relative(process.cwd(), d) || basename(d)}: ${made.join(', ')}`);
  } catch (e) {
    failed++;
    console.error(`${d}: ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
