// Comparisons across nodes: each fires on the facts that show it and stays quiet on distinct nodes.
import { describe, expect, it } from 'vitest';
import { compareNodes } from '../src/fleet/compare.js';
import type { NodeFacts } from '../src/fleet/facts.js';

const facts = (o: Partial<NodeFacts> & { uuid?: string; mac?: string; host?: string }): NodeFacts => ({
  identity: { hostname: o.host, productUuid: o.uuid, macs: o.mac ? [{ iface: 'eth0', mac: o.mac }] : [], sources: [] },
  pool: o.pool ?? 'worker',
  kubeletVersion: o.kubeletVersion ?? 'v1.30.2',
  config: o.config ?? {},
  certs: o.certs ?? [],
});
const now = new Date('2026-01-01T00:00:00Z');
const ids = (c: { id: string }[]) => c.map((x) => x.id).sort();

describe('compareNodes', () => {
  it('distinct nodes of one version and config: nothing', () => {
    const c = compareNodes([
      { name: 'a', facts: facts({ uuid: '1111', mac: '52:54:00:00:00:01', host: 'a', config: { cgroupDriver: { value: '"systemd"', source: 'x:1' } } }) },
      { name: 'b', facts: facts({ uuid: '2222', mac: '52:54:00:00:00:02', host: 'b', config: { cgroupDriver: { value: '"systemd"', source: 'x:1' } } }) },
    ], { now, apiServerVersion: 'v1.31.0' });
    expect(c).toEqual([]);
  });

  it('cloned machines, skew, drift and expiring certificates', () => {
    const c = compareNodes([
      { name: 'a', facts: facts({ uuid: 'same', mac: '52:54:00:00:00:01', host: 'clone', kubeletVersion: 'v1.32.0', config: { cgroupDriver: { value: '"systemd"', source: 'x:1' } } }) },
      { name: 'b', facts: facts({ uuid: 'same', mac: '52:54:00:00:00:01', host: 'clone', kubeletVersion: 'v1.26.1', config: { cgroupDriver: { value: '"cgroupfs"', source: 'x:1' } }, certs: [{ what: 'client', subject: 'CN=b', notAfter: '2026-01-10T00:00:00Z', source: 'p:1' }] }) },
    ], { now, apiServerVersion: 'v1.31.0' });
    expect(ids(c)).toEqual(['certificate-expiring', 'duplicate-hostname', 'duplicate-mac', 'duplicate-product-uuid', 'kubelet-config-drift', 'kubelet-newer-than-apiserver', 'kubelet-too-old-for-apiserver', 'kubelet-versions-differ']);
    expect(c.find((x) => x.id === 'kubelet-newer-than-apiserver')!.nodes).toEqual(['a']);
    expect(c.find((x) => x.id === 'certificate-expiring')!.severity).toBe('warning');
  });
});
