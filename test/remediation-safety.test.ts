// Every rule's fix is pasted by people as root on a broken node: a command that overwrites a file backs it up
// first (or only creates it when absent), and a destructive command is marked DESTRUCTIVE in its step. This
// scans every remediation of every built-in rule, as `explain` and docs/rules.md show it.

import { describe, expect, it } from 'vitest';
import { showTemplate } from '../src/rules/model.js';
import { builtinRules } from './helpers.js';

/** Kernel and device files are state, not files a backup can restore. */
const NOT_A_FILE = /^(?:\/dev\/|\/sys\/|\/proc\/)/;

interface Write {
  op: string;
  target: string;
  /** Index in the line where the command starts (text before it may hold the backup or a guard). */
  at: number;
}

/** The files a shell line overwrites: `> F` (not `>>`), `tee F`, `cp … F`, `mv … F`, `scp … F`, `sed -i … F`. */
export function overwrites(line: string): Write[] {
  const out: Write[] = [];
  const code = shellCode(line);
  for (const m of code.matchAll(/(?<![<>&\d])>(?!>)\s*([^\s;&|)]+)/g)) if (!/^&/.test(m[1]!)) out.push({ op: '>', target: m[1]!, at: m.index! });
  // commands split at ; && || | and subshell parentheses
  let offset = 0;
  for (const seg of code.split(/(;|&&|\|\||\||\(|\))/)) {
    const at = offset;
    offset += seg.length;
    const words = seg.trim().split(/\s+/).filter(Boolean);
    const cmd = words[0];
    const args = words.slice(1).filter((w) => !w.startsWith('-') && !/^\d?>/.test(w));
    const last = args[args.length - 1];
    if (cmd === 'tee' && !words.includes('-a')) for (const a of args) out.push({ op: 'tee', target: a, at });
    if ((cmd === 'cp' || cmd === 'mv' || cmd === 'scp' || cmd === 'install') && last && args.length >= 2) out.push({ op: cmd, target: last, at, ...{ source: args[0] } });
    if (cmd === 'sed' && words.some((w) => /^-[a-zA-Z]*i$/.test(w)) && last) out.push({ op: 'sed -i', target: last, at });
  }
  return out;
}

/** A shell line without heredoc markers, quoted text (sed scripts, jsonpath), <placeholders> and comments. */
export function shellCode(line: string): string {
  return line
    .replace(/<<-?\s*'?\w+'?/g, '')
    .replace(/'[^']*'/g, "''")
    .replace(/"[^"]*"/g, '""')
    .replace(/<[A-Za-z][\w.-]*>/g, 'X')
    .replace(/\s#.*$/, '');
}

/** Whether `before` (the rule's earlier commands and this line up to the write) backs `target` up or guards it. */
function safeWrite(w: Write & { source?: string }, before: string): boolean {
  const t = w.target.replace(/\/+$/, '');
  const esc = t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // writing a backup (or restoring one) is the backup
  if ((w.op === 'cp' || w.op === 'mv') && (/bak|backup|^\/root(?:\/|$)/.test(t) || /bak|backup|^\/root(?:\/|$)/.test(w.source ?? ''))) return true;
  // created only where there is nothing yet
  if (new RegExp(`\\[\\s+-[ef]\\s+${esc}\\s+\\]\\s*\\|\\|`).test(before)) return true;
  // copied aside (cp -a F F.bak…, cp -a F /root/…), moved aside, or inside a tarball of its directory
  if (new RegExp(`\\bcp\\s+(?:-\\w+\\s+)*${esc}\\s+\\S*(?:bak|backup|/root/)`).test(before)) return true;
  if (new RegExp(`\\bmv\\s+(?:-\\w+\\s+)*${esc}\\s+\\S*(?:bak|backup|/root)`).test(before)) return true;
  const tar = /\btar\s+c\w*\s+\S+((?:\s+[^\s&;|]+)+)/.exec(before);
  if (tar && tar[1]!.trim().split(/\s+/).some((d) => t === d || t.startsWith(`${d.replace(/\/+$/, '')}/`))) return true;
  return false;
}

/** Commands that destroy state a backup does not cover (or that evict workloads), marked DESTRUCTIVE. */
const DESTRUCTIVE = /\bkubeadm\s+reset\b|\brm\s+-\w*[rf]|\bkubectl\s+(?:drain|delete)\b|\bcrictl\s+(?:rm|rmi|rmp)\b|\bjournalctl\s+--vacuum|\bwipefs\b|\bmkfs\b|\biptables\s+-F\b/;

describe('remediation safety', () => {
  it('the scanner sees overwrites, backups and guards', () => {
    expect(overwrites("sed -i 's/a/b/' /etc/x.conf").map((w) => w.target)).toEqual(['/etc/x.conf']);
    expect(overwrites('containerd config default > /etc/containerd/config.toml').map((w) => w.target)).toEqual(['/etc/containerd/config.toml']);
    expect(overwrites('ls 2>&1 >/dev/null; echo x >> /etc/y').filter((w) => !NOT_A_FILE.test(w.target))).toEqual([]);
    expect(overwrites('cat > /etc/sysctl.d/k8s.conf <<\'EOF\'').map((w) => w.target)).toEqual(['/etc/sysctl.d/k8s.conf']);
    const w = overwrites("sed -i 's/a/b/' /etc/x.conf")[0]!;
    expect(safeWrite(w, '')).toBe(false);
    expect(safeWrite(w, 'cp -a /etc/x.conf /etc/x.conf.bak.$(date +%s) && ')).toBe(true);
    expect(safeWrite(w, 'tar czf /root/b.tgz /etc /var && ')).toBe(true);
    expect(safeWrite(overwrites('[ -e /etc/x.conf ] || echo a > /etc/x.conf')[0]!, '[ -e /etc/x.conf ] || ')).toBe(true);
  });

  it('every overwrite in every rule backs the file up first (or writes only where there is none)', async () => {
    const bad: string[] = [];
    for (const r of await builtinRules()) {
      let before = '';
      for (const s of r.remediation.steps) {
        for (const line of showTemplate(s.command ?? '').split('\n')) {
          if (/^\s*#/.test(line)) continue;
          for (const w of overwrites(line)) {
            if (NOT_A_FILE.test(w.target) || w.target.startsWith('$(')) continue;
            if (!safeWrite(w, `${before}\n${shellCode(line).slice(0, w.at)}`)) bad.push(`${r.id}: ${w.op} ${w.target} without a backup: ${line.trim()}`);
          }
          before += `\n${line}`;
        }
      }
    }
    expect(bad.join("\n")).toBe("");
  });

  it('every destructive command is marked DESTRUCTIVE in its step', async () => {
    const bad: string[] = [];
    for (const r of await builtinRules())
      for (const s of r.remediation.steps) {
        const cmd = showTemplate(s.command ?? '');
        if (DESTRUCTIVE.test(cmd) && !/DESTRUCTIVE/.test(`${s.text}\n${cmd}`)) bad.push(`${r.id}: ${s.text}`);
      }
    expect(bad.join("\n")).toBe("");
  });
});

describe('the CRI endpoint fix', () => {
  it('edits the flag that overrides the config file (backed up first), and ends with the socket that exists', async () => {
    const { runScan } = await import('../src/scan.js');
    const { ROOT } = await import('./helpers.js');
    const r = await runScan({ rules: await builtinRules(), root: `${ROOT}fixtures/nodes/runtime-socket-missing`, inputs: [], noJournalctl: true, useApi: false, now: new Date('2026-06-01T00:00:00Z') });
    const f = r.findings.find((x) => x.ruleId === 'cri-endpoint-unreachable')!;
    const broken = f.evidence[0]!.value!;
    expect(f.evidence[0]!.text).toMatch(/^--container-runtime-endpoint=/);
    const steps = f.remediation.steps;
    const point = steps.find((s) => /point the kubelet/.test(s.text))!;
    expect(point.text).toContain('--container-runtime-endpoint flag in var/lib/kubelet/kubeadm-flags.env:1');
    expect(point.command).toMatch(/^cp -a \/var\/lib\/kubelet\/kubeadm-flags\.env \/root\/kubeadm-flags\.env\.bak\.\$\(date \+%s\)\nsed -i .*\/var\/lib\/kubelet\/kubeadm-flags\.env/);
    expect(point.command).not.toContain('containerRuntimeEndpoint:');
    // every command of the fix, and the last one above all, leaves the broken endpoint behind
    const last = steps[steps.length - 1]!.command!;
    expect(last).not.toContain(broken);
    expect(steps.map((s) => s.command ?? '').join('\n')).not.toMatch(/containerd config default > /);
  });
});
