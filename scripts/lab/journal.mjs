#!/usr/bin/env node
// Turns a lab run's kubelet output into a real journal: each line the kubelet wrote (stamped with the µs
// it arrived, by lab.sh) becomes one entry of a journal *export* stream with the fields journald's stdout
// transport gives a kubelet.service line; systemd-journal-remote writes a real .journal file of it and
// `journalctl --file … -o FORMAT` prints the formats the fixtures use.
//
//   node scripts/lab/journal.mjs RUN_DIR        → RUN_DIR/journal/{kubelet.export, kubelet.short-precise.log, kubelet.json}
//
// The lab has no systemd (PID 1 is not systemd here): the unit fields are the ones journald would add for a
// kubelet.service; the text, the order, the PID and the times are the kubelet's own.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportField as field } from '../journal-export-field.mjs';

const JOURNAL_REMOTE = ['/lib/systemd/systemd-journal-remote', '/usr/lib/systemd/systemd-journal-remote'].find((p) => existsSync(p));
export const FORMATS = { 'short-precise': 'kubelet.short-precise.log', json: 'kubelet.json' };

export function makeJournal(run, host = 'lab-node') {
  const out = join(run, 'journal');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const pid = readFileSync(join(run, 'kubelet.pid'), 'utf8').trim();
  const raw = existsSync(join(run, 'kubelet.out')) ? readFileSync(join(run, 'kubelet.out'), 'utf8') : '';
  const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replace(/-/g, '');
  const machine = existsSync('/etc/machine-id') ? readFileSync('/etc/machine-id', 'utf8').trim() : '0'.repeat(32);
  const parts = [];
  let first;
  for (const line of raw.split('\n')) {
    const m = /^(\d+) (.*)$/s.exec(line);
    if (!m) continue;
    const usec = m[1];
    first ??= Number(usec);
    const fields = [
      ['__REALTIME_TIMESTAMP', usec], ['__MONOTONIC_TIMESTAMP', String(1e9 + Number(usec) - first)], ['_BOOT_ID', bootId],
      ['_MACHINE_ID', machine || '0'.repeat(32)], ['_HOSTNAME', host], ['_PID', pid], ['_UID', '0'], ['_GID', '0'], ['_COMM', 'kubelet'],
      ['_EXE', '/usr/bin/kubelet'], ['SYSLOG_IDENTIFIER', 'kubelet'], ['SYSLOG_FACILITY', '3'], ['_TRANSPORT', 'stdout'],
      ['PRIORITY', /^[EF]\d{4} /.test(m[2]) ? '3' : '6'], ['_SYSTEMD_UNIT', 'kubelet.service'], ['_SYSTEMD_CGROUP', '/system.slice/kubelet.service'],
      ['_SYSTEMD_SLICE', 'system.slice'], ['MESSAGE', m[2]],
    ];
    parts.push(...fields.map(([k, v]) => field(k, v)), Buffer.from('\n'));
  }
  const exp = join(out, 'kubelet.export');
  writeFileSync(exp, Buffer.concat(parts));
  if (!JOURNAL_REMOTE) throw new Error('systemd-journal-remote is not installed (apt-get install systemd-journal-remote)');
  const jfile = join(out, 'kubelet.journal');
  execFileSync(JOURNAL_REMOTE, [`--output=${jfile}`, '--split-mode=none', exp], { stdio: ['ignore', 'ignore', 'pipe'] });
  for (const [fmt, name] of Object.entries(FORMATS)) {
    const args = ['--file', jfile, '--no-pager', '-u', 'kubelet', '-o', fmt];
    if (fmt === 'json') args.push('--all');
    const r = spawnSync('journalctl', args, { env: { ...process.env, TZ: 'UTC', SYSTEMD_COLORS: '0', LANG: 'C.UTF-8' }, maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`journalctl ${args.join(' ')}: ${r.stderr}`);
    writeFileSync(join(out, name), r.stdout);
  }
  rmSync(jfile, { force: true });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const run = process.argv[2];
  if (!run) {
    console.error('usage: node scripts/lab/journal.mjs RUN_DIR');
    process.exit(2);
  }
  console.log(makeJournal(run));
}
