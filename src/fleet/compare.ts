// Comparisons across nodes (several `scan --bundle`, or `fleet`): what no single node can tell about
// itself. Duplicate product_uuid, MAC or host name (cloned machines: kubeadm refuses them, and the
// cluster confuses them); kubelet versions skewed against the API server or each other; a
// KubeletConfiguration field set differently on nodes of one pool; certificates expiring soon anywhere.
// Pure: facts in, comparisons out.

import type { Severity } from '../types.js';
import type { NodeFacts } from './facts.js';

export interface Comparison {
  id: 'duplicate-product-uuid' | 'duplicate-mac' | 'duplicate-hostname' | 'kubelet-newer-than-apiserver' | 'kubelet-too-old-for-apiserver' | 'kubelet-versions-differ' | 'kubelet-config-drift' | 'certificate-expiring';
  severity: Severity;
  title: string;
  message: string;
  nodes: string[];
  /** Where each node's side was read (file:line, or the fact). */
  evidence: string[];
  fix?: string;
}

export interface NodeWithFacts {
  name: string;
  facts: NodeFacts;
}

const minor = (v: string | undefined): [number, number] | undefined => {
  const m = /^v?(\d+)\.(\d+)/.exec(v ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
};

function duplicates<T>(nodes: NodeWithFacts[], keys: (n: NodeWithFacts) => { key: string; where: string }[]): { key: string; nodes: string[]; where: string[] }[] {
  const by = new Map<string, { nodes: Set<string>; where: string[] }>();
  for (const n of nodes)
    for (const k of keys(n)) {
      const e = by.get(k.key) ?? { nodes: new Set(), where: [] };
      e.nodes.add(n.name);
      e.where.push(`${n.name}: ${k.where}`);
      by.set(k.key, e);
    }
  return [...by].filter(([, e]) => e.nodes.size > 1).map(([key, e]) => ({ key, nodes: [...e.nodes], where: e.where }));
}

/** The kubelet may be up to three minor versions older than the API server (two before v1.28), never newer. */
function allowedLag(api: [number, number]): number {
  return api[0] === 1 && api[1] >= 28 ? 3 : 2;
}

export function compareNodes(nodes: NodeWithFacts[], o: { now: Date; apiServerVersion?: string; soonDays?: number }): Comparison[] {
  const out: Comparison[] = [];
  for (const d of duplicates(nodes, (n) => (n.facts.identity.productUuid ? [{ key: n.facts.identity.productUuid, where: `product_uuid ${n.facts.identity.productUuid}` }] : [])))
    out.push({
      id: 'duplicate-product-uuid',
      severity: 'error',
      title: 'Nodes share one product_uuid (cloned machines)',
      message: `${d.nodes.join(', ')} report the same /sys/class/dmi/id/product_uuid ${d.key}; kubeadm's preflight refuses this and components that key on the machine confuse the nodes.`,
      nodes: d.nodes,
      evidence: d.where,
      fix: 'Give each cloned VM a new SMBIOS UUID in the hypervisor (a new VM identity), then re-join it.',
    });
  for (const d of duplicates(nodes, (n) => n.facts.identity.macs.map((m) => ({ key: m.mac, where: `${m.iface} ${m.mac}` }))))
    out.push({
      id: 'duplicate-mac',
      severity: 'error',
      title: 'Nodes share a MAC address',
      message: `${d.nodes.join(', ')} have a physical interface with MAC ${d.key}: traffic between them and to them goes astray.`,
      nodes: d.nodes,
      evidence: d.where,
      fix: 'Regenerate the MAC address of the cloned VM\'s interface in the hypervisor.',
    });
  for (const d of duplicates(nodes, (n) => (n.facts.identity.hostname ? [{ key: n.facts.identity.hostname, where: `/etc/hostname ${n.facts.identity.hostname}` }] : [])))
    out.push({
      id: 'duplicate-hostname',
      severity: 'error',
      title: 'Nodes share a host name',
      message: `${d.nodes.join(', ')} are all named ${d.key}: without --hostname-override they register as one Node object and overwrite each other.`,
      nodes: d.nodes,
      evidence: d.where,
      fix: 'Give each machine its own name (hostnamectl set-hostname NAME) before it joins, or set --hostname-override.',
    });

  const versions = nodes.filter((n) => minor(n.facts.kubeletVersion));
  const api = minor(o.apiServerVersion);
  if (api) {
    const newer = versions.filter((n) => { const k = minor(n.facts.kubeletVersion)!; return k[0] > api[0] || (k[0] === api[0] && k[1] > api[1]); });
    if (newer.length)
      out.push({
        id: 'kubelet-newer-than-apiserver',
        severity: 'error',
        title: 'Kubelets newer than the API server',
        message: `The API server is ${o.apiServerVersion}; ${newer.map((n) => `${n.name} runs ${n.facts.kubeletVersion}`).join(', ')}. A kubelet must never be newer than the API server.`,
        nodes: newer.map((n) => n.name),
        evidence: newer.map((n) => `${n.name}: kubelet ${n.facts.kubeletVersion}`),
        fix: 'Upgrade the control plane first, or downgrade these kubelets to the API server\'s minor version.',
      });
    const lag = allowedLag(api);
    const old = versions.filter((n) => { const k = minor(n.facts.kubeletVersion)!; return k[0] === api[0] && api[1] - k[1] > lag; });
    if (old.length)
      out.push({
        id: 'kubelet-too-old-for-apiserver',
        severity: 'error',
        title: `Kubelets more than ${lag} minor versions behind the API server`,
        message: `The API server is ${o.apiServerVersion}; ${old.map((n) => `${n.name} runs ${n.facts.kubeletVersion}`).join(', ')} — outside the supported skew.`,
        nodes: old.map((n) => n.name),
        evidence: old.map((n) => `${n.name}: kubelet ${n.facts.kubeletVersion}`),
        fix: 'Upgrade these nodes one minor version at a time (drain, upgrade kubelet and kubectl, uncordon).',
      });
  }
  const minors = new Map<string, string[]>();
  for (const n of versions) {
    const [a, b] = minor(n.facts.kubeletVersion)!;
    minors.set(`v${a}.${b}`, [...(minors.get(`v${a}.${b}`) ?? []), n.name]);
  }
  if (minors.size > 1)
    out.push({
      id: 'kubelet-versions-differ',
      severity: 'warning',
      title: 'Kubelets run different minor versions',
      message: [...minors].map(([v, ns]) => `${v} on ${ns.join(', ')}`).join('; '),
      nodes: versions.map((n) => n.name),
      evidence: versions.map((n) => `${n.name}: kubelet ${n.facts.kubeletVersion}`),
      fix: 'Finish the upgrade: bring every node to one minor version.',
    });

  // one pool: a field set on some nodes and not others, or to different values
  const pools = new Map<string, NodeWithFacts[]>();
  for (const n of nodes) pools.set(n.facts.pool, [...(pools.get(n.facts.pool) ?? []), n]);
  for (const [pool, members] of pools) {
    if (members.length < 2 || members.every((m) => Object.keys(m.facts.config).length === 0)) continue;
    const fields = new Set(members.flatMap((m) => Object.keys(m.facts.config)));
    for (const field of [...fields].sort()) {
      const values = new Map<string, string[]>();
      for (const m of members) {
        const v = m.facts.config[field]?.value ?? '(not set)';
        values.set(v, [...(values.get(v) ?? []), m.name]);
      }
      if (values.size < 2) continue;
      out.push({
        id: 'kubelet-config-drift',
        severity: 'warning',
        title: `KubeletConfiguration ${field} differs within pool ${pool}`,
        message: [...values].map(([v, ns]) => `${field}: ${v} on ${ns.join(', ')}`).join('; '),
        nodes: members.map((m) => m.name),
        evidence: members.map((m) => `${m.name}: ${m.facts.config[field] ? `${m.facts.config[field]!.source} ${field}: ${m.facts.config[field]!.value}` : `${field} not set`}`),
        fix: `Set ${field} the same on every node of the pool (one KubeletConfiguration for the pool), then restart the kubelets one by one.`,
      });
    }
  }

  const soon = o.now.getTime() + (o.soonDays ?? 30) * 86_400_000;
  const expiring = nodes.flatMap((n) => n.facts.certs.filter((c) => new Date(c.notAfter).getTime() < soon).map((c) => ({ n, c })));
  if (expiring.length)
    out.push({
      id: 'certificate-expiring',
      severity: expiring.some(({ c }) => new Date(c.notAfter).getTime() < o.now.getTime()) ? 'error' : 'warning',
      title: `Certificates expired or expiring within ${o.soonDays ?? 30} days`,
      message: expiring.map(({ n, c }) => `${n.name}: ${c.what} ${c.subject} ${new Date(c.notAfter).getTime() < o.now.getTime() ? 'expired' : 'expires'} ${c.notAfter}`).join('; '),
      nodes: [...new Set(expiring.map(({ n }) => n.name))],
      evidence: expiring.map(({ n, c }) => `${n.name}: ${c.source} (${c.subject}, notAfter ${c.notAfter})`),
      fix: 'Renew before expiry: kubeadm certs renew for control-plane certificates; for kubelet client certificates, rotateCertificates: true (or a new join).',
    });
  return out;
}
