// The facts one node contributes to a comparison of nodes (fleet/compare.ts): identity (host name,
// product_uuid, MACs), kubelet version, pool, the KubeletConfiguration fields as set, certificates with
// their expiry, cgroup version and driver, the container runtime and its version, the OS and kernel.
// Read with the collectors under a root (a bundle, a capture, /host in the Job, or this node), reusing
// evidence a scan already holds, and carried in the JSON report's `facts` so that `fleet` gets them from
// each node's pod. Values only: no key, token or password is ever a fact (certificates by subject and expiry).

import type { Availability, EvidenceKind } from '../evidence.js';
import { collectEvidence } from '../collectors/index.js';
import { readIdentity, runsApiServer } from '../collectors/identity.js';
import type { CertInfo } from '../collectors/cert-info.js';
import type { CgroupsEvidence } from '../collectors/cgroups.js';
import type { KubeconfigEvidence } from '../collectors/kubeconfig.js';
import type { KubeletConfigEvidence } from '../collectors/kubelet-config.js';
import type { NodeEvidence } from '../collectors/node.js';
import { readText } from '../collectors/proc-fs.js';
import type { RuntimeEvidence } from '../collectors/runtime.js';
import type { Citation, ReportFacts } from '../types.js';

export type NodeFacts = ReportFacts;

/** Labels that name a node pool, in the order tried. */
const POOL_LABELS = [
  'cloud.google.com/gke-nodepool',
  'eks.amazonaws.com/nodegroup',
  'alpha.eksctl.io/nodegroup-name',
  'kubernetes.azure.com/agentpool',
  'agentpool',
  'karpenter.sh/nodepool',
  'node.kubernetes.io/pool',
];

/** Per-node by nature (or the document's type): never "drift". */
const PER_NODE_FIELDS = new Set(['apiVersion', 'kind', 'providerID', 'podCIDR', 'address', 'tlsCertFile', 'tlsPrivateKeyFile', 'staticPodURL']);
/** Fields whose value could be a credential (a header or URL carrying one): never a fact. */
const SECRET_FIELD = /token|password|secret|key|credential|authorization|header/i;

export const FACT_KINDS: EvidenceKind[] = ['kubeletConfig', 'kubeconfig', 'node', 'cgroups', 'runtime'];

const where = (c: Citation | undefined): string | undefined => (c ? (c.line ? `${c.source}:${c.line}` : c.source) : undefined);

function ok<T>(evidence: Map<EvidenceKind, Availability>, kind: EvidenceKind): T | undefined {
  const a = evidence.get(kind);
  return a?.ok ? (a.value as T) : undefined;
}

/** /etc/os-release's PRETTY_NAME (else NAME VERSION_ID) and the running kernel's release. */
export function readOs(root: string): ReportFacts['os'] & { reasons: string[] } {
  const os: ReportFacts['os'] & { reasons: string[] } = { sources: [], reasons: [] };
  const r = readText(root, '/etc/os-release', 64 * 1024);
  if (r.ok) {
    const v: Record<string, string> = {};
    for (const m of r.text.matchAll(/^([A-Z_]+)=(?:"([^"\n]*)"|'([^'\n]*)'|(\S*))$/gm)) v[m[1]!] = m[2] ?? m[3] ?? m[4] ?? '';
    const name = v.PRETTY_NAME || [v.NAME, v.VERSION_ID].filter(Boolean).join(' ');
    if (name) {
      os.prettyName = name.slice(0, 200);
      os.sources.push(r.path);
    }
  } else os.reasons.push(`os: ${r.reason}`);
  const k = readText(root, '/proc/sys/kernel/osrelease', 4096);
  if (k.ok && /^[\w.+~-]{1,100}$/.test(k.text.trim())) {
    os.kernel = k.text.trim();
    os.sources.push(k.path);
  } else os.reasons.push(`kernel: ${k.ok ? `${k.path} holds no kernel release` : k.reason}`);
  return os;
}

export async function gatherFacts(o: {
  root: string;
  live: boolean;
  now: Date;
  nodeFile?: string;
  kubeletVersion?: string;
  /** Evidence a scan already read: only the kinds missing here are collected. */
  evidence?: Map<EvidenceKind, Availability>;
}): Promise<NodeFacts> {
  const evidence = new Map(o.evidence ?? []);
  const missingKinds = FACT_KINDS.filter((k) => !evidence.has(k));
  if (missingKinds.length) {
    const got = await collectEvidence(missingKinds, { root: o.root, live: o.live, now: o.now, useApi: false, nodeFile: o.nodeFile, kubeletVersion: o.kubeletVersion });
    for (const [k, v] of got.evidence) evidence.set(k, v);
  }
  const missing: string[] = [];
  const kcfg = ok<KubeletConfigEvidence>(evidence, 'kubeletConfig');
  const kube = ok<KubeconfigEvidence>(evidence, 'kubeconfig');
  const node = ok<NodeEvidence>(evidence, 'node');
  const cg = ok<CgroupsEvidence>(evidence, 'cgroups');
  const rt = ok<RuntimeEvidence>(evidence, 'runtime');
  const identity = readIdentity(o.root);
  const labels = node?.labels ?? {};
  const poolLabel = POOL_LABELS.find((l) => labels[l]);
  const controlPlane = 'node-role.kubernetes.io/control-plane' in labels || 'node-role.kubernetes.io/master' in labels || runsApiServer(o.root, kcfg?.settings.staticPodPath.value);
  const config: NodeFacts['config'] = {};
  for (const [field, s] of Object.entries(kcfg?.configFields ?? {})) {
    if (PER_NODE_FIELDS.has(field.split('.')[0]!) || SECRET_FIELD.test(field) || s.value === null || typeof s.value === 'object') continue;
    config[field] = { value: JSON.stringify(s.value), source: s.line ? `${s.source}:${s.line}` : s.source };
  }
  if (!kcfg) missing.push(`kubelet configuration: ${(evidence.get('kubeletConfig') as { reason?: string } | undefined)?.reason ?? 'not read'}`);
  const certs: NodeFacts['certs'] = [];
  const add = (what: string, c: CertInfo | undefined) => {
    if (c) certs.push({ what, subject: c.subject, notAfter: c.notAfter, source: c.line ? `${c.file ?? c.source}:${c.line}` : (c.file ?? c.source) });
  };
  add('kubelet client certificate', kube?.kubeconfig?.clientCert?.cert);
  add('kubelet serving certificate', kube?.serving?.cert);
  for (const c of kube?.kubeconfig?.ca?.certs ?? []) add('cluster CA (kubeconfig)', c);
  for (const c of kube?.clientCA?.certs ?? []) add('client CA (clientCAFile)', c);

  const cgroup: NodeFacts['cgroup'] = {};
  if (cg && cg.version !== 'unknown') cgroup.version = cg.version;
  const driverFrom = rt?.settings ?? cg?.settings;
  if (driverFrom) {
    cgroup.driver = driverFrom.cgroupDriver;
    cgroup.driverSource = where(driverFrom.cites.cgroupDriver);
  }
  if (!cgroup.version) missing.push(`cgroup version: ${cg ? 'not told by proc/mounts' : ((evidence.get('cgroups') as { reason?: string } | undefined)?.reason ?? 'not read')}`);

  const runtime: NodeFacts['runtime'] = {};
  if (rt) {
    if (rt.kind !== 'unknown') runtime.name = rt.kind;
    runtime.endpoint = rt.endpoint.value;
  }
  // the runtime is never run to ask its version: the Node object says it (status.nodeInfo)
  const rv = /^([\w-]+):\/\/(.+)$/.exec(node?.containerRuntimeVersion ?? '');
  if (rv) {
    runtime.name ??= rv[1];
    runtime.version = rv[2];
    runtime.versionSource = `${node!.source} status.nodeInfo.containerRuntimeVersion`;
  } else missing.push('container runtime version: only the Node object tells it (pass --node FILE, or let the scan ask the API)');

  const os = readOs(o.root);
  missing.push(...os.reasons);
  if (!identity.productUuid) missing.push('product_uuid: /sys/class/dmi/id/product_uuid not readable');
  if (!identity.hostname) missing.push('hostname: /etc/hostname not readable');
  return {
    identity,
    pool: poolLabel ? `${poolLabel}=${labels[poolLabel]}` : controlPlane ? 'control-plane' : 'worker',
    kubeletVersion: o.kubeletVersion ?? node?.kubeletVersion ?? kcfg?.kubeletVersion,
    config,
    certs,
    cgroup,
    runtime,
    os: { prettyName: os.prettyName, kernel: os.kernel, sources: os.sources },
    missing,
  };
}
