// What the kubelet's own lines say about it (version, node name, registration, pod CIDR) and about its
// end (a dying kubelet's last words, a crash loop): the regexes and small pure functions the run tracker
// (runs.ts) applies. engine/needles.ts derives the fast path's markers from FACT_PATTERNS and WORDS.

import type { KubeletRun, LogRecord, RunWords } from '../types.js';
import { exitFailed, FIRST_KEPT, maxRestartCounter, type RetiredRuns, runAt } from './run-window.js';

export const VERSION =
  /(?:"Kubelet version" kubeletVersion="|Kubelet version: |^Version: |^Starting k3s |^Starting k0s |"Kubelet version" version="|kubeletVersion=")(v\d+\.\d+\.\d+[\w.+-]*)/;
const REGISTER = /Attempting to register node "?([\w.-]+)"?|"Attempting to register node" node="([\w.-]+)"|"Unable to register node with API server" .*?\bnode="([\w.-]+)"|Unable to register node "?([\w.-]+)"? with API server/;
const REGISTERED =
  /Successfully registered node "?([\w.-]+)"?|"Successfully registered node" node="([\w.-]+)"|Node ([\w.-]+) was previously registered|"Node was previously registered" node="([\w.-]+)"/;
const POD_CIDR =
  /(?:Setting Pod CIDR: .*? -> |"Updating Pod CIDR" originalPodCIDR="[^"]*" newPodCIDR="|Updating runtime config through cri with podcidr |"Updating runtime config through cri with podcidr" CIDR=")([0-9a-f.:/,]+)/i;


/**
 * What a dying kubelet prints last: klog.Fatal (F), v1.2x's `"command failed" err=`, `failed to run Kubelet:`,
 * cobra's / main's `Error: …` / `error: …` on stderr (no klog header), a Go panic.
 */
export const WORDS = /^"command failed"|failed to run Kubelet: |^"Failed to run kubelet"|^(?:panic|fatal error): /i;
const STDERR_ERROR = /^(?:Error|error): \S/;

/** Process names the kernel's OOM killer reports for a kubelet (comm, at most 15 characters). */
export const KUBELET_COMM = /kubelet|kubenswrapper|hyperkube|^k3s|^k0s|kubelite|edgecore|^rke2/;

/** How a kubelet record says the kubelet is dying, if it does. */
export function wordsOf(rec: LogRecord): RunWords['how'] | undefined {
  const msg = rec.message;
  if (rec.level === 'F') return 'fatal';
  const c = msg.charCodeAt(0);
  if (rec.level === undefined && (c === 69 || c === 101) && STDERR_ERROR.test(msg)) return 'error';
  const m = WORDS.exec(msg);
  if (!m) return undefined;
  const w = m[0].toLowerCase();
  return w.includes('command failed') ? 'command-failed' : w.startsWith('panic') || w.startsWith('fatal') ? 'panic' : 'run-failed';
}

/**
 * A crash loop: at least three runs ended in failure (or systemd's restart counter reached 3) and the
 * latest run did not recover (it failed too, or never got going).
 */
export function crashLoopOf(
  runs: KubeletRun[],
  latest: number,
  folded: { runsTotal?: number; retired?: RetiredRuns } = {},
): { runs: number; restartCounter?: number; exitStatus?: string } | undefined {
  const retired = folded.retired;
  const failed = runs.filter(exitFailed);
  const failedCount = failed.length + (retired?.exitFailed ?? 0);
  const maxCounter = maxRestartCounter(runs, retired);
  if (failedCount < 3 && maxCounter < 3) return undefined;
  const last = runAt(runs, latest);
  // the latest run is up and past the point where the earlier ones died: recovered, not looping
  if (last && !last.exit && last.records > 0) {
    let maxFailedRecords = retired?.maxExitFailedRecords ?? 0;
    for (const r of failed) maxFailedRecords = Math.max(maxFailedRecords, r.records);
    if (last.records > Math.max(50, maxFailedRecords * 2)) return undefined;
  }
  let exitStatus = failed[failed.length - 1]?.exit?.status;
  if (retired?.count) {
    // the folded runs came between the first kept few and the latest few
    const firstFew = runs[FIRST_KEPT - 1]?.index ?? -1;
    exitStatus = failed.filter((r) => r.index > firstFew).pop()?.exit?.status ?? retired.lastExitFailedStatus ?? exitStatus;
  }
  return { runs: folded.runsTotal ?? runs.length, restartCounter: maxCounter || undefined, exitStatus };
}


/** What one message says about the kubelet (version, node name, registration, pod CIDR). */
export interface MessageFacts {
  version?: string;
  /** the node name of a registration attempt */
  node?: string;
  registered: boolean;
  registeredNode?: string;
  podCIDR?: string;
}

export const FACT_CACHE_ENTRIES = 256;

export function factsOf(msg: string): MessageFacts {
  const out: MessageFacts = { registered: false };
  if (msg.includes('ersion') || msg.startsWith('Starting k')) {
    const v = VERSION.exec(msg);
    if (v) out.version = v[1];
  }
  if (msg.includes('egister')) {
    const r = REGISTER.exec(msg);
    if (r) out.node = r[1] ?? r[2] ?? r[3] ?? r[4];
    const ok = REGISTERED.exec(msg);
    if (ok) {
      out.registered = true;
      out.registeredNode = ok[1] ?? ok[2] ?? ok[3] ?? ok[4];
    }
  }
  if (msg.includes('CIDR') || msg.includes('podcidr')) {
    const c = POD_CIDR.exec(msg);
    if (c) out.podCIDR = c[1];
  }
  return out;
}

/**
 * The patterns whose facts the tracker gathers. The fast scan examines every line holding one of their
 * required literals (engine/needles.ts derives its markers from these very regexes: a wording added here
 * is never skipped).
 */
export const FACT_PATTERNS: readonly RegExp[] = [VERSION, REGISTER, REGISTERED, POD_CIDR];
