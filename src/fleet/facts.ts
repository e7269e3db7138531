// The facts one node contributes to a comparison of nodes (fleet/compare.ts): identity (host name,
// product_uuid, MACs), kubelet version, pool, the KubeletConfiguration fields as set, and certificates
// with their expiry. Read with the collectors under a root (a bundle, a capture, /host in the Job), and
// carried in the JSON report (`scan --facts`) so that `fleet` gets them from each node's pod.

import { collectEvidence } from '../collectors/index.js';
import { readIdentity, runsApiServer, type NodeIdentity } from '../collectors/identity.js';
import type { CertInfo } from '../collectors/cert-info.js';
import type { KubeconfigEvidence } from '../collectors/kubeconfig.js';
import type { KubeletConfigEvidence } from '../collectors/kubelet-config.js';
import type { NodeEvidence } from '../collectors/node.js';

export interface NodeFacts {
  identity: NodeIdentity;
  /** The node pool (a cloud node-pool label), else its role (control-plane or worker). */
  pool: string;
  kubeletVersion?: string;
  /** KubeletConfiguration fields set in the config file(s): field → value (JSON), with where. */
  config: Record<string, { value: string; source: string }>;
  certs: { what: string; subject: string; notAfter: string; source: string }[];
}

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

/** Per-node by nature: never "drift". */
const PER_NODE_FIELDS = new Set(['providerID', 'podCIDR', 'address', 'tlsCertFile', 'tlsPrivateKeyFile', 'staticPodURL']);

export async function gatherFacts(o: { root: string; live: boolean; now: Date; nodeFile?: string; kubeletVersion?: string }): Promise<NodeFacts> {
  const { evidence } = await collectEvidence(['kubeletConfig', 'kubeconfig', 'node'], { root: o.root, live: o.live, now: o.now, useApi: false, nodeFile: o.nodeFile });
  const kc = evidence.get('kubeletConfig');
  const kcfg = kc?.ok ? (kc.value as KubeletConfigEvidence) : undefined;
  const kb = evidence.get('kubeconfig');
  const kube = kb?.ok ? (kb.value as KubeconfigEvidence) : undefined;
  const nd = evidence.get('node');
  const node = nd?.ok ? (nd.value as NodeEvidence) : undefined;
  const identity = readIdentity(o.root);
  const labels = node?.labels ?? {};
  const poolLabel = POOL_LABELS.find((l) => labels[l]);
  const controlPlane = 'node-role.kubernetes.io/control-plane' in labels || 'node-role.kubernetes.io/master' in labels || runsApiServer(o.root, kcfg?.settings.staticPodPath.value);
  const config: NodeFacts['config'] = {};
  for (const [field, s] of Object.entries(kcfg?.configFields ?? {})) {
    if (PER_NODE_FIELDS.has(field.split('.')[0]!) || s.value === null || typeof s.value === 'object') continue;
    config[field] = { value: JSON.stringify(s.value), source: s.line ? `${s.source}:${s.line}` : s.source };
  }
  const certs: NodeFacts['certs'] = [];
  const add = (what: string, c: CertInfo | undefined) => {
    if (c) certs.push({ what, subject: c.subject, notAfter: c.notAfter, source: c.line ? `${c.file ?? c.source}:${c.line}` : (c.file ?? c.source) });
  };
  add('kubelet client certificate', kube?.kubeconfig?.clientCert?.cert);
  add('kubelet serving certificate', kube?.serving?.cert);
  for (const c of kube?.kubeconfig?.ca?.certs ?? []) add('cluster CA (kubeconfig)', c);
  for (const c of kube?.clientCA?.certs ?? []) add('client CA (clientCAFile)', c);
  return {
    identity,
    pool: poolLabel ? `${poolLabel}=${labels[poolLabel]}` : controlPlane ? 'control-plane' : 'worker',
    kubeletVersion: o.kubeletVersion ?? node?.kubeletVersion ?? kcfg?.kubeletVersion,
    config,
    certs,
  };
}
