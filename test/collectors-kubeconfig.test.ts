// The kubeconfig collector: embedded and file credentials, paths relative to the kubeconfig's folder,
// absolute symlinks re-rooted under --root, key/certificate and CA checks, the serving certificate and
// client CA file, clear messages for bad input, and redaction (no key material, no tokens in evidence).
// Certificates are made with node-forge here; the committed fixtures come from fixtures/certs/make-certs.sh.

import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { collectEvidence } from '../src/collectors/index.js';
import type { KubeconfigEvidence } from '../src/collectors/kubeconfig.js';
import { ROOT, scratchDir } from './helpers.js';

const pki = forge.pki;

interface Pair {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
  certPem: string;
  keyPem: string;
}

function make(subject: { CN: string; O?: string }, issuer?: Pair, opts: { notBefore?: Date; notAfter?: Date; ca?: boolean } = {}): Pair {
  const keys = pki.rsa.generateKeyPair(2048);
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `0${Math.floor(Math.random() * 1e12).toString(16)}`;
  cert.validity.notBefore = opts.notBefore ?? new Date('2026-01-01T00:00:00Z');
  cert.validity.notAfter = opts.notAfter ?? new Date('2027-01-01T00:00:00Z');
  const attrs = [...(subject.O ? [{ shortName: 'O', value: subject.O }] : []), { shortName: 'CN', value: subject.CN }];
  cert.setSubject(attrs);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : attrs);
  cert.setExtensions(opts.ca ? [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }] : [{ name: 'basicConstraints', cA: false }, { name: 'extKeyUsage', clientAuth: true }]);
  cert.sign(issuer ? issuer.key : keys.privateKey, forge.md.sha256.create());
  return { cert, key: keys.privateKey, certPem: pki.certificateToPem(cert), keyPem: pki.privateKeyToPem(keys.privateKey) };
}

const ca = make({ CN: 'kubernetes' }, undefined, { ca: true, notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2034-01-01T00:00:00Z') });
const b64 = (s: string) => Buffer.from(s).toString('base64');

function tree(files: Record<string, string>): string {
  const root = scratchDir();
  for (const [p, text] of Object.entries(files)) {
    const f = join(root, p);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, text);
  }
  return root;
}

function kubeconfig(user: Record<string, string>, cluster: Record<string, string> = { 'certificate-authority-data': b64(ca.certPem) }): string {
  const ind = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `    ${k}: ${v}`).join('\n');
  return `apiVersion: v1
kind: Config
clusters:
- cluster:
${ind({ server: 'https://10.0.0.10:6443', ...cluster })}
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: node
  name: node@kubernetes
current-context: node@kubernetes
users:
- name: node
  user:
${ind(user)}
`;
}

const UNIT = (flags: string) => ({ 'etc/systemd/system/kubelet.service': `[Service]\nExecStart=/usr/bin/kubelet ${flags}\n` });

async function collect(root: string) {
  const { evidence } = await collectEvidence(['kubeconfig'], { root, live: false, now: new Date('2026-06-01T00:00:00Z'), useApi: false });
  return evidence.get('kubeconfig')!;
}
async function ok(root: string): Promise<KubeconfigEvidence> {
  const a = await collect(root);
  if (!a.ok) throw new Error(a.reason);
  return a.value as KubeconfigEvidence;
}

describe('kubeconfig collector', () => {
  it('reads embedded credentials: identity, dates, key match, chain; never the key', async () => {
    const node = make({ CN: 'system:node:node-a', O: 'system:nodes' }, ca);
    const root = tree({ ...UNIT('--kubeconfig=/etc/kubernetes/kubelet.conf'), 'etc/kubernetes/kubelet.conf': kubeconfig({ 'client-certificate-data': b64(node.certPem), 'client-key-data': b64(node.keyPem) }) });
    const ev = await ok(root);
    const k = ev.kubeconfig!;
    expect(k).toMatchObject({ found: true, display: 'etc/kubernetes/kubelet.conf', server: 'https://10.0.0.10:6443', currentContext: 'node@kubernetes', keyMatchesCert: true, chainsToCA: true, token: false });
    expect(k.clientCert?.cert).toMatchObject({ cn: 'system:node:node-a', orgs: ['system:nodes'], issuerCN: 'kubernetes', notAfter: '2027-01-01T00:00:00.000Z' });
    expect(k.named).toMatchObject({ field: '--kubeconfig', source: 'etc/systemd/system/kubelet.service', line: 2 });
    const json = JSON.stringify(ev);
    expect(json).not.toContain('PRIVATE KEY');
    expect(json).not.toContain(b64(node.keyPem).slice(0, 40));
  });

  it('resolves file credentials relative to the kubeconfig folder and absolute symlinks inside the root', async () => {
    const node = make({ CN: 'system:node:node-b', O: 'system:nodes' }, ca);
    const other = make({ CN: 'system:node:node-b', O: 'system:nodes' }, ca);
    const root = tree({
      ...UNIT('--kubeconfig=/etc/kubernetes/kubelet.conf'),
      'etc/kubernetes/kubelet.conf': kubeconfig({ 'client-certificate': '/var/lib/kubelet/pki/kubelet-client-current.pem', 'client-key': '/var/lib/kubelet/pki/kubelet-client-current.pem' }, { 'certificate-authority': 'pki/ca.crt' }),
      'etc/kubernetes/pki/ca.crt': ca.certPem,
      'var/lib/kubelet/pki/kubelet-client-2026-01-01.pem': node.certPem + node.keyPem,
    });
    // an absolute link target: must be read under the root, not from this machine's /var/lib/kubelet
    symlinkSync('/var/lib/kubelet/pki/kubelet-client-2026-01-01.pem', join(root, 'var/lib/kubelet/pki/kubelet-client-current.pem'));
    const k = (await ok(root)).kubeconfig!;
    expect(k.ca).toMatchObject({ from: 'file', path: '/etc/kubernetes/pki/ca.crt' });
    expect(k.clientCert).toMatchObject({ from: 'file', display: 'var/lib/kubelet/pki/kubelet-client-current.pem', linkTarget: '/var/lib/kubelet/pki/kubelet-client-2026-01-01.pem' });
    expect(k).toMatchObject({ keyMatchesCert: true, chainsToCA: true });

    // the same layout with another key in the file
    writeFileSync(join(root, 'var/lib/kubelet/pki/kubelet-client-2026-01-01.pem'), node.certPem + other.keyPem);
    expect((await ok(root)).kubeconfig!.keyMatchesCert).toBe(false);
  });

  it('tells a certificate from another CA of the same name', async () => {
    const oldCa = make({ CN: 'kubernetes' }, undefined, { ca: true });
    const node = make({ CN: 'system:node:node-c', O: 'system:nodes' }, oldCa);
    const root = tree({ ...UNIT('--kubeconfig=/k.conf'), 'k.conf': kubeconfig({ 'client-certificate-data': b64(node.certPem), 'client-key-data': b64(node.keyPem) }) });
    const k = (await ok(root)).kubeconfig!;
    expect(k.chainsToCA).toBe(false);
    expect(k.clientCert!.cert!.issuer).toBe(k.ca!.certs[0]!.subject);
  });

  it('records token presence and the bootstrap token id, never the token', async () => {
    const root = tree({ ...UNIT('--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf'), 'etc/kubernetes/bootstrap-kubelet.conf': kubeconfig({ token: 'abcdef.0123456789abcdef' }) });
    const ev = await ok(root);
    expect(ev.kubeconfig).toMatchObject({ found: false, problem: 'etc/kubernetes/kubelet.conf does not exist' });
    expect(ev.bootstrap).toMatchObject({ found: true, token: true, bootstrapTokenId: 'abcdef' });
    expect(JSON.stringify(ev)).not.toContain('0123456789abcdef');
  });

  it('names the file (and line) of bad input instead of throwing', async () => {
    const bad = await ok(tree({ ...UNIT('--kubeconfig=/k.conf'), 'k.conf': kubeconfig({ 'client-certificate-data': 'not*base64', 'client-key-data': b64('-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n') }) }));
    expect(bad.kubeconfig!.clientCert!.problem).toBe('k.conf: client-certificate-data: not valid base64');
    expect(bad.kubeconfig!.clientKey!.problem).toMatch(/^k\.conf: client-key-data: line 1: RSA PRIVATE KEY block cannot be parsed/);

    const yaml = await ok(tree({ ...UNIT('--kubeconfig=/k.conf'), 'k.conf': 'apiVersion: v1\nclusters: [\n' }));
    expect(yaml.kubeconfig!.problem).toMatch(/^k\.conf:\d+: invalid YAML: \S/);

    const ctx = await ok(tree({ ...UNIT('--kubeconfig=/k.conf'), 'k.conf': 'apiVersion: v1\ncurrent-context: gone\ncontexts: []\n' }));
    expect(ctx.kubeconfig!.problem).toBe('k.conf: current-context "gone" is not among its contexts');
  });

  it('without the kubelet flags, searches the usual places and says which', async () => {
    const none = await collect(tree({ 'etc/hostname': 'x\n' }));
    expect(none.ok).toBe(false);
    expect((none as { reason: string }).reason).toMatch(/^kubeconfig: etc\/kubernetes\/kubelet\.conf not found \(also tried var\/lib\/kubelet\/kubeconfig, etc\/kubernetes\/kubelet\.kubeconfig, .*var\/lib\/rancher\/k3s\/agent\/kubelet\.kubeconfig/);
    const found = await ok(tree({ 'var/lib/kubelet/kubeconfig': kubeconfig({ token: 'x' }) }));
    expect(found.kubeconfig?.display).toBe('var/lib/kubelet/kubeconfig');
  });

  it('reads the serving certificate and the client CA file of the healthy kubeadm fixture', async () => {
    const ev = await ok(join(ROOT, 'fixtures/nodes/healthy-kubeadm-v1.30'));
    expect(ev.kubeconfig?.clientCert?.cert?.cn).toBe('system:node:worker-1');
    expect(ev.kubeconfig?.clientCert?.cert?.keyType).toBe('ECDSA prime256v1');
    expect(ev.kubeconfig).toMatchObject({ keyMatchesCert: true, chainsToCA: true });
    expect(ev.serving).toMatchObject({ from: 'cert-dir', display: 'var/lib/kubelet/pki/kubelet.crt', keyMatchesCert: true });
    expect(ev.serving?.cert?.sans).toEqual(['DNS:worker-1']);
    expect(ev.clientCA).toMatchObject({ found: true, display: 'etc/kubernetes/pki/ca.crt' });
    expect(ev.clientCA?.certs[0]?.isCA).toBe(true);
    expect(JSON.stringify(ev)).not.toMatch(/PRIVATE KEY|client-key-data:/);
  });
});
