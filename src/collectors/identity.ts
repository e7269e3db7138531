// What makes a node one of a kind, for comparing nodes (`scan --bundle a b …`, `fleet`): its host name, its
// machine's product_uuid and the MAC addresses of its physical network interfaces. kubeadm's preflight
// requires these to be unique across a cluster; cloned VMs often share them. Read under the root like
// every collector (a captured tree, a bundle, or this node).

import { listDir, probe, readText } from './proc-fs.js';

export interface NodeIdentity {
  hostname?: string;
  productUuid?: string;
  /** Physical interfaces only (`/sys/class/net/X` not under /sys/devices/virtual). */
  macs: { iface: string; mac: string }[];
  /** Where each fact was read (for citations). */
  sources: string[];
}

const UUID_PATH = '/sys/class/dmi/id/product_uuid';

export function readIdentity(root: string): NodeIdentity {
  const id: NodeIdentity = { macs: [], sources: [] };
  const h = readText(root, '/etc/hostname', 4096);
  if (h.ok && h.text.trim()) {
    id.hostname = h.text.trim().split('\n')[0]!.trim().toLowerCase();
    id.sources.push(h.path);
  }
  const u = readText(root, UUID_PATH, 4096);
  if (u.ok && /^[0-9a-f-]{32,36}$/i.test(u.text.trim())) {
    id.productUuid = u.text.trim().toLowerCase();
    id.sources.push(u.path);
  }
  const nets = listDir(root, '/sys/class/net');
  for (const iface of nets.ok ? nets.entries : []) {
    const where = probe(root, `/sys/class/net/${iface}`);
    if (!where.ok || where.node.includes('/devices/virtual/')) continue;
    const a = readText(root, `/sys/class/net/${iface}/address`, 4096);
    const mac = a.ok ? a.text.trim().toLowerCase() : '';
    if (/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac) && mac !== '00:00:00:00:00:00') {
      id.macs.push({ iface, mac });
      id.sources.push(a.ok ? a.path : '');
    }
  }
  return id;
}

/** Whether the node runs the API server as a static pod (kubeadm's control-plane layout). */
export function runsApiServer(root: string, staticPodPath = '/etc/kubernetes/manifests'): boolean {
  return probe(root, `${staticPodPath}/kube-apiserver.yaml`).ok;
}
