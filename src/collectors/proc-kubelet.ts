// The kubelet process and the container runtimes, shared by the node-state collectors:
// findProcesses / findKubelet / findRuntimes read proc/<pid>/cmdline (argv[0] basename) under the root
// like every other read. The settings those collectors compare against are kubelet-settings.ts's.

import { basename } from 'node:path';
import { listDir, readText } from './proc-fs.js';
import { kubeletTrust, type KubeletTrust } from './kubelet-trust.js';

export interface ProcInfo {
  pid: number;
  /** argv as read from proc/<pid>/cmdline. */
  argv: string[];
  /** What the process is: kubelet, containerd, crio, dockerd, cri-dockerd, … */
  name: string;
  /** `/proc/<pid>/cmdline`, for citations. */
  source: string;
}

const KUBELET_BINARIES = new Set(['kubelet', 'kubelite', 'kubenswrapper', 'hyperkube', 'k3s', 'k3s-server', 'k3s-agent']);
const RUNTIME_BINARIES = new Set(['containerd', 'crio', 'dockerd', 'cri-dockerd']);

/** Split a cmdline file: NUL-separated on a real node; whitespace in a hand-written fixture. */
export function splitCmdline(text: string): string[] {
  if (text.includes('\0')) return text.split('\0').filter((s) => s !== '');
  return text.trim().split(/\s+/).filter((s) => s !== '');
}

/** What a process is, from its argv; undefined when it is neither a kubelet nor a runtime. */
export function classify(argv: string[]): string | undefined {
  if (!argv.length) return undefined;
  const base = basename(argv[0]!);
  if (base === 'hyperkube') return argv[1] === 'kubelet' ? 'kubelet' : undefined;
  if (base === 'k3s') return argv[1] === 'server' || argv[1] === 'agent' ? 'kubelet' : undefined;
  if (KUBELET_BINARIES.has(base)) return 'kubelet';
  if (RUNTIME_BINARIES.has(base)) return base;
  return undefined;
}

/** Every kubelet and runtime process under root/proc, in pid order. */
export function findProcesses(root: string): { procs: ProcInfo[]; reason?: string } {
  const dir = listDir(root, '/proc');
  if (!dir.ok) return { procs: [], reason: `cannot list processes: ${dir.reason}` };
  const procs: ProcInfo[] = [];
  for (const e of dir.entries) {
    if (!/^\d+$/.test(e)) continue;
    const r = readText(root, `/proc/${e}/cmdline`, 65536);
    if (!r.ok) continue;
    const argv = splitCmdline(r.text);
    const name = classify(argv);
    if (name) procs.push({ pid: Number(e), argv, name, source: r.path });
  }
  procs.sort((a, b) => a.pid - b.pid);
  return { procs };
}

/** Kubelet processes split into the one believed and the ones refused (with the reason). */
export interface KubeletChoice {
  kubelet?: ProcInfo & { trust: KubeletTrust };
  refused: { proc: ProcInfo; reason: string }[];
}

/**
 * The kubelet process, believed only when it runs as root from a root-owned binary nobody else can
 * write (kubelet-trust.ts): a process merely *named* kubelet proves nothing. Among believed ones, the
 * one whose binary is the unit's ExecStart binary wins, then a plain `kubelet` over wrappers.
 */
export function chooseKubelet(root: string, procs = findProcesses(root).procs, execStart?: string, plainOnly = false): KubeletChoice {
  const refused: KubeletChoice['refused'] = [];
  const ok: (ProcInfo & { trust: KubeletTrust })[] = [];
  for (const p of procs) {
    if (p.name !== 'kubelet') continue;
    if (plainOnly && !['kubelet', 'hyperkube'].includes(basename(p.argv[0] ?? ''))) continue;
    const trust = kubeletTrust(root, p.pid);
    if (trust.trusted) ok.push({ ...p, trust });
    else refused.push({ proc: p, reason: `process ${p.pid} (${p.source}) is not taken for the kubelet: ${trust.reason}` });
  }
  const byExec = execStart ? ok.find((p) => p.trust.exe === execStart || p.argv[0] === execStart) : undefined;
  return { kubelet: byExec ?? ok.find((p) => basename(p.argv[0]!) === 'kubelet') ?? ok[0], refused };
}

/** The kubelet process (believed only when its binary is root's; see chooseKubelet). */
export function findKubelet(root: string, procs = findProcesses(root).procs): ProcInfo | undefined {
  return chooseKubelet(root, procs).kubelet;
}

/** Container runtime processes (containerd, crio, dockerd, cri-dockerd). */
export function findRuntimes(root: string, procs = findProcesses(root).procs): ProcInfo[] {
  return procs.filter((p) => p.name !== 'kubelet');
}

/** A kubelet command-line flag's value (`--x=v` or `--x v`), from argv. */
export function flagValue(argv: string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${flag}` || a === `-${flag}`) return argv[i + 1];
    const m = /^--?([^=]+)=(.*)$/.exec(a);
    if (m && m[1] === flag) return m[2];
  }
  return undefined;
}
