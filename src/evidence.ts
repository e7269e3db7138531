// Evidence kinds: what collectors produce and rules consume. Rules declare the kinds they need;
// the engine runs only those collectors and hands each rule only what it declared.

import type { CgroupsEvidence } from './collectors/cgroups.js';
import type { CniEvidence } from './collectors/cni.js';
import type { KubeconfigEvidence } from './collectors/kubeconfig.js';
import type { KubeletConfigEvidence } from './collectors/kubelet-config.js';
import type { NodeEvidence } from './collectors/node.js';
import type { RuntimeEvidence } from './collectors/runtime.js';
import type { SystemEvidence } from './collectors/system.js';
import type { RetiredRuns } from './journal/run-window.js';
import type { KubeletRun, SourceInfo } from './types.js';

/** Evidence of one kind: available with its value, or unavailable with the reason (shown as a skip, never a pass). */
export type Availability<T = unknown> = { ok: true; value: T } | { ok: false; reason: string };

export const EVIDENCE_KINDS = ['journal', 'kubeletConfig', 'kubeconfig', 'cgroups', 'system', 'cni', 'runtime', 'node'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** What the journal scan leaves behind: runs, facts and (separately) per-rule hits. */
export interface JournalEvidence {
  sources: SourceInfo[];
  /** The first few and the latest few runs (journal/run-window.ts), in index order: find one with runAt. */
  runs: KubeletRun[];
  /** Index of the run that decides what is wrong now (the last run with kubelet records). */
  latestRun: number;
  /** How many runs the journal held, and what those not kept whole tell (absent: every run is in `runs`). */
  runsTotal?: number;
  retired?: RetiredRuns;
  facts: JournalFacts;
}

export interface JournalFacts {
  kubeletVersion?: string;
  /** Node name the kubelet registers as (from "Attempting to register node"). */
  nodeName?: string;
  /** Host names seen in journal prefixes. */
  hostnames: string[];
  /** Whether the kubelet said it updated the pod CIDR. */
  podCIDRSeen?: string;
  /** Whether the node registered successfully in the latest run. */
  registered?: boolean;
  /** The line that said so (the latest one): lookups that failed before it were the kubelet waiting for it. */
  registeredAt?: { source: string; line: number; time?: number };
}

/** Evidence of every kind; node-state kinds are defined by their collectors (src/collectors/*). */
export interface Evidence {
  journal: JournalEvidence;
  kubeletConfig: KubeletConfigEvidence;
  kubeconfig: KubeconfigEvidence;
  cgroups: CgroupsEvidence;
  system: SystemEvidence;
  cni: CniEvidence;
  runtime: RuntimeEvidence;
  node: NodeEvidence;
}
