// The collector registry: one collector per node-state evidence kind. Collectors own every path and
// every parse; they return the evidence, or the reason it could not be had (the rules that needed
// it are then reported as skipped with that reason).

import type { Availability, Evidence, EvidenceKind } from '../evidence.js';
import type { SourceInfo } from '../types.js';
import { collect as cgroups } from './cgroups.js';
import { collect as cni } from './cni.js';
import { collect as kubeconfig } from './kubeconfig.js';
import { collect as kubeletConfig } from './kubelet-config.js';
import { collect as node } from './node.js';
import { collect as runtime } from './runtime.js';
import { collect as system } from './system.js';

export interface CollectOptions {
  /** Filesystem root: `/` on a live node, or a captured tree (--root). */
  root: string;
  /** True when reading the node we run on (no --root): processes and journalctl are live. */
  live: boolean;
  now: Date;
  /** Kubeconfig for API access (--kubeconfig / KUBECONFIG); otherwise the kubelet's own. */
  kubeconfig?: string;
  /** --context: a context of that kubeconfig. */
  kubeContext?: string;
  /** A saved Node object (`kubectl get node -o yaml|json`). */
  nodeFile?: string;
  /** Contact the API server (default on a live node; with --root only when asked). */
  useApi: boolean;
  hostnameOverride?: string;
  kubeletVersion?: string;
  /**
   * What the loaded rules ask for beyond a collector's own list (YAML rules' `sysctl` and `file` conditions,
   * src/rules/state-match.ts): sysctls by name, node paths whose presence is probed (never read).
   */
  wants?: { sysctls: string[]; files: string[] };
  /** Told each API answer the node collector got (`collect` keeps them in its bundle as node.json). */
  onApiAnswer?: (what: 'node' | 'csrs' | 'events', json: unknown) => void;
  /** Told when each kind's collector starts and ends (the TUI's progress). */
  onCollector?: (kind: EvidenceKind, state: 'reading' | 'done', result?: Availability) => void;
}

/** Shared state between collectors (e.g. the kubelet config tells the CNI collector its dirs). */
export interface CollectContext {
  opts: CollectOptions;
  /** Evidence gathered so far, for collectors that depend on others (typed by kind: no guessing at a sibling's shape). */
  get<K extends EvidenceKind>(kind: K): Promise<Availability<Evidence[K]>>;
  /** Report a source that was read (shown in the report's sources). */
  source(info: SourceInfo): void;
}

/** The kinds read from the node (the journal is read by the scan). */
export type NodeKind = Exclude<EvidenceKind, 'journal'>;

export type Collector<K extends NodeKind = NodeKind> = (ctx: CollectContext) => Promise<Availability<Evidence[K]>>;

/** One collector per node-state kind (src/collectors/<kind>.ts). */
export const COLLECTORS: { [K in NodeKind]: Collector<K> } = { kubeletConfig, kubeconfig, cgroups, system, cni, runtime, node };

/** Run the collectors for `kinds` (each once, dependencies first), never throwing. */
export async function collectEvidence(kinds: EvidenceKind[], opts: CollectOptions): Promise<{ evidence: Map<EvidenceKind, Availability>; sources: SourceInfo[] }> {
  const evidence = new Map<EvidenceKind, Availability>();
  const pending = new Map<EvidenceKind, Promise<Availability>>();
  const sources: SourceInfo[] = [];
  const ctx: CollectContext = {
    opts,
    source: (s) => sources.push(s),
    get<K extends EvidenceKind>(kind: K): Promise<Availability<Evidence[K]>> {
      if (kind === 'journal') return Promise.resolve({ ok: false, reason: 'the journal is read separately' });
      let p = pending.get(kind);
      if (!p) {
        const c = COLLECTORS[kind as NodeKind] as Collector | undefined;
        opts.onCollector?.(kind, 'reading');
        p = (
          c
            ? c(ctx).catch((e: Error): Availability => ({ ok: false, reason: `${kind} collector failed: ${e.message}` }))
            : Promise.resolve<Availability>({ ok: false, reason: `${kind}: no collector available` })
        ).then((a) => {
          opts.onCollector?.(kind, 'done', a);
          return a;
        });
        pending.set(kind, p);
      }
      // each kind's promise comes from that kind's collector (COLLECTORS is typed per kind)
      return p as Promise<Availability<Evidence[K]>>;
    },
  };
  for (const k of kinds) if (k !== 'journal') evidence.set(k, await ctx.get(k));
  return { evidence, sources };
}
