// The node collector's live path: an in-process HTTPS server on 127.0.0.1 that behaves like
// kube-apiserver on the wire (mutual TLS against a test CA, recorded JSON for the node, CSRs and
// events), reached through a real kubeconfig holding the server's port. Certificates come from
// node-forge here, so neither openssl nor kubectl is needed.

import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { dirname, join } from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectEvidence } from '../src/collectors/index.js';
import type { NodeEvidence } from '../src/collectors/node.js';
import { runScan } from '../src/scan.js';
import { builtinRules, scratchDir } from './helpers.js';

const pki = forge.pki;
interface Pair {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
  certPem: string;
  keyPem: string;
}
function make(subject: { CN: string; O?: string }, issuer: Pair | undefined, ext: 'ca' | 'server' | 'client'): Pair {
  const keys = pki.rsa.generateKeyPair(2048);
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `0${Math.floor(Math.random() * 1e12).toString(16)}`;
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000 * 30);
  const attrs = [...(subject.O ? [{ shortName: 'O', value: subject.O }] : []), { shortName: 'CN', value: subject.CN }];
  cert.setSubject(attrs);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : attrs);
  cert.setExtensions(
    ext === 'ca'
      ? [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }]
      : ext === 'server'
        ? [{ name: 'basicConstraints', cA: false }, { name: 'extKeyUsage', serverAuth: true }, { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] }]
        : [{ name: 'basicConstraints', cA: false }, { name: 'extKeyUsage', clientAuth: true }],
  );
  cert.sign(issuer ? issuer.key : keys.privateKey, forge.md.sha256.create());
  return { cert, key: keys.privateKey, certPem: pki.certificateToPem(cert), keyPem: pki.privateKeyToPem(keys.privateKey) };
}

// ---- recorded API objects ----------------------------------------------------------------------------
const NODE = {
  kind: 'Node',
  apiVersion: 'v1',
  metadata: { name: 'node-a', creationTimestamp: '2026-05-01T10:00:00Z', labels: { 'kubernetes.io/hostname': 'node-a' } },
  spec: { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] },
  status: {
    addresses: [{ type: 'InternalIP', address: '10.0.0.31' }],
    conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized', lastTransitionTime: '2026-05-01T10:00:00Z' }],
    nodeInfo: { kubeletVersion: 'v1.30.2', containerRuntimeVersion: 'containerd://1.7.13' },
  },
};
const CSRS = {
  kind: 'CertificateSigningRequestList',
  apiVersion: 'certificates.k8s.io/v1',
  items: [
    { metadata: { name: 'csr-7xk2p', creationTimestamp: '2026-05-01T10:00:05Z' }, spec: { signerName: 'kubernetes.io/kubelet-serving', username: 'system:node:node-a', usages: ['digital signature', 'server auth'] }, status: {} },
    { metadata: { name: 'csr-old11', creationTimestamp: '2026-04-01T10:00:05Z' }, spec: { signerName: 'kubernetes.io/kubelet-serving', username: 'system:node:node-b' }, status: {} },
    { metadata: { name: 'node-csr-abc', creationTimestamp: '2026-05-01T09:59:00Z' }, spec: { signerName: 'kubernetes.io/kube-apiserver-client-kubelet', username: 'system:bootstrap:abcdef' }, status: { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'LS0t' } },
  ],
};
const EVENTS = {
  kind: 'EventList',
  apiVersion: 'v1',
  items: [{ metadata: { name: 'node-a.1', namespace: 'default' }, involvedObject: { kind: 'Node', name: 'node-a' }, type: 'Normal', reason: 'RegisteredNode', message: 'Node node-a event: Registered Node node-a in Controller', count: 1, lastTimestamp: '2026-05-01T10:00:10Z' }],
};
const notFound = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 };

let server: https.Server;
let port = 0;
const seen: { path: string; cn?: string; o?: string }[] = [];
let ca: Pair;
let client: Pair;

beforeAll(async () => {
  ca = make({ CN: 'kubernetes' }, undefined, 'ca');
  const srv = make({ CN: 'kube-apiserver' }, ca, 'server');
  client = make({ CN: 'system:node:node-a', O: 'system:nodes' }, ca, 'client');
  server = https.createServer({ key: srv.keyPem, cert: srv.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    seen.push({ path: url.pathname + url.search, cn: peer.subject?.CN, o: String(peer.subject?.O ?? '') });
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/version') return send(200, { major: '1', minor: '30', gitVersion: 'v1.30.2' });
    if (url.pathname === '/api/v1/nodes/node-a') return send(200, NODE);
    if (url.pathname === '/apis/certificates.k8s.io/v1/certificatesigningrequests') return send(200, CSRS);
    if (url.pathname === '/api/v1/events') {
      const sel = url.searchParams.get('fieldSelector') ?? '';
      return send(200, { ...EVENTS, items: EVENTS.items.filter((e) => sel.includes(`involvedObject.name=${e.involvedObject.name}`)) });
    }
    return send(404, notFound);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
}, 60_000);

afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** A node tree whose kubelet kubeconfig reaches the fake API server; the client pair sits behind an absolute symlink. */
function nodeTree(serverUrl: string): string {
  const root = scratchDir();
  const w = (p: string, t: string) => {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), t);
  };
  w('etc/hostname', 'node-a\n');
  w('etc/systemd/system/kubelet.service', '[Service]\nExecStart=/usr/bin/kubelet --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml\n');
  w('var/lib/kubelet/config.yaml', 'kind: KubeletConfiguration\napiVersion: kubelet.config.k8s.io/v1beta1\nserverTLSBootstrap: true\nrotateCertificates: true\n');
  w('var/lib/kubelet/pki/kubelet-client-2026-05-01-10-00-00.pem', client.certPem + client.keyPem);
  symlinkSync('/var/lib/kubelet/pki/kubelet-client-2026-05-01-10-00-00.pem', join(root, 'var/lib/kubelet/pki/kubelet-client-current.pem'));
  w(
    'etc/kubernetes/kubelet.conf',
    `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: ${Buffer.from(ca.certPem).toString('base64')}
    server: ${serverUrl}
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: system:node:node-a
  name: system:node:node-a@kubernetes
current-context: system:node:node-a@kubernetes
users:
- name: system:node:node-a
  user:
    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem
    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem
`,
  );
  return root;
}

async function node(root: string, extra: Record<string, unknown> = {}) {
  const { evidence } = await collectEvidence(['node'], { root, live: false, now: new Date(), useApi: true, ...extra });
  return evidence.get('node')!;
}

describe('node collector, live API (mutual TLS)', () => {
  it("reads the Node, this node's CSRs and events with the kubelet's own credentials", async () => {
    seen.length = 0;
    const a = await node(nodeTree(`https://127.0.0.1:${port}`));
    if (!a.ok) throw new Error(a.reason);
    const ev = a.value as NodeEvidence;
    expect(ev).toMatchObject({ from: 'api', name: 'node-a', podCIDR: undefined, podCIDRs: [], kubeletVersion: 'v1.30.2', source: `https://127.0.0.1:${port}/api/v1/nodes/node-a` });
    expect(ev.conditions[0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'KubeletNotReady' });
    expect(ev.taints).toEqual([{ key: 'node.kubernetes.io/not-ready', value: undefined, effect: 'NoSchedule' }]);
    expect(ev.csrs?.map((c) => [c.name, c.state, c.node])).toEqual([
      ['csr-7xk2p', 'Pending', 'node-a'],
      ['csr-old11', 'Pending', 'node-b'],
      ['node-csr-abc', 'Issued', undefined],
    ]);
    expect(ev.events).toEqual([{ type: 'Normal', reason: 'RegisteredNode', message: 'Node node-a event: Registered Node node-a in Controller', count: 1, lastTimestamp: '2026-05-01T10:00:10.000Z' }]); // client-node's typed model re-serialises the time
    // the server saw the kubelet's client certificate (read under the root through the symlink)
    expect(seen.length).toBe(3);
    for (const s of seen) expect(s).toMatchObject({ cn: 'system:node:node-a', o: 'system:nodes' });
    expect(seen.map((s) => s.path)).toEqual([
      '/api/v1/nodes/node-a',
      '/apis/certificates.k8s.io/v1/certificatesigningrequests',
      `/api/v1/events?fieldSelector=${encodeURIComponent('involvedObject.kind=Node,involvedObject.name=node-a')}`,
    ]);
  });

  it('uses --kubeconfig (a host path) when given', async () => {
    seen.length = 0;
    const dir = scratchDir();
    const kc = join(dir, 'admin.conf');
    writeFileSync(
      kc,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}", certificate-authority-data: ${Buffer.from(ca.certPem).toString('base64')}}}]
users: [{name: u, user: {client-certificate-data: ${Buffer.from(client.certPem).toString('base64')}, client-key-data: ${Buffer.from(client.keyPem).toString('base64')}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
    );
    const a = await node(nodeTree('https://127.0.0.1:1'), { kubeconfig: kc, hostnameOverride: 'node-a' });
    expect(a.ok).toBe(true);
    expect(seen[0]).toMatchObject({ path: '/api/v1/nodes/node-a', cn: 'system:node:node-a' });
  });

  it('reports an unreachable API server or an unknown node as unavailable, with the reason', async () => {
    const closed = https.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const a = await node(nodeTree(`https://127.0.0.1:${deadPort}`));
    expect(a.ok).toBe(false);
    expect((a as { reason: string }).reason).toMatch(new RegExp(`^node: API server https://127\\.0\\.0\\.1:${deadPort} unreachable: .*ECONNREFUSED`));

    const b = await node(nodeTree(`https://127.0.0.1:${port}`), { hostnameOverride: 'node-z' });
    expect((b as { reason: string }).reason).toBe(`node: GET https://127.0.0.1:${port}/api/v1/nodes/node-z answered 404: the server could not find the requested resource`);

    const c = await node(nodeTree(`https://127.0.0.1:${port}`), { useApi: false });
    expect((c as { reason: string }).reason).toMatch(/^node: no Node object \(pass --node FILE/);
  });

  it('feeds serving-cert-csr-pending through a whole scan', async () => {
    const report = await runScan({ rules: await builtinRules(), root: nodeTree(`https://127.0.0.1:${port}`), useApi: true, inputs: [], now: new Date() });
    const f = report.findings.find((x) => x.ruleId === 'serving-cert-csr-pending');
    expect(f?.message).toBe('CSR csr-7xk2p for the serving certificate of node node-a is Pending; until approved the kubelet has no serving certificate.');
    expect(f?.evidence[0]).toMatchObject({ kind: 'node', field: 'certificatesigningrequests/csr-7xk2p' });
    expect(report.findings.some((x) => x.ruleId === 'pod-cidr-unassigned')).toBe(false); // no CNI here needs a pod CIDR
  });
});
