import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csrSubject } from '../src/collectors/csr-request.js';
import { csrFromObject } from '../src/collectors/node.js';

// requests made by openssl as the kubelet makes them: ECDSA P-256 (which node-forge's own request parser
// refuses), and RSA for good measure
const dir = mkdtempSync(join(tmpdir(), 'kd-csr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function request(keyArgs: string[], subj: string): string {
  const key = join(dir, `k${Math.random().toString(36).slice(2)}.pem`);
  execFileSync('openssl', [...keyArgs, '-out', key], { stdio: 'ignore' });
  const csr = execFileSync('openssl', ['req', '-new', '-key', key, '-subj', subj]);
  return Buffer.from(csr).toString('base64');
}

describe('CSR subjects (node-forge, where node:crypto cannot)', () => {
  it('reads the subject of the ECDSA and RSA requests the API holds', () => {
    const ec = csrSubject(request(['ecparam', '-name', 'prime256v1', '-genkey', '-noout'], '/O=system:nodes/CN=system:node:worker-7'));
    expect(ec).toEqual({ ok: true, subject: { cn: 'system:node:worker-7', organizations: ['system:nodes'] } });
    const rsa = csrSubject(request(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], '/CN=system:node:worker-8/O=system:nodes'));
    expect(rsa.ok && rsa.subject.cn).toBe('system:node:worker-8');
  });
  it('says why a request cannot be read', () => {
    expect(csrSubject('')).toMatchObject({ ok: false });
    expect(csrSubject(Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n').toString('base64'))).toMatchObject({ ok: false, reason: /unreadable certificate request/ });
  });
  it('a bootstrap-token CSR names its node only in the request subject', () => {
    const req = request(['ecparam', '-name', 'prime256v1', '-genkey', '-noout'], '/O=system:nodes/CN=system:node:worker-7');
    const c = csrFromObject({ metadata: { name: 'node-csr-x' }, spec: { username: 'system:bootstrap:abcdef', request: req, signerName: 'kubernetes.io/kube-apiserver-client-kubelet' }, status: {} });
    expect(c.node).toBe('worker-7');
    expect(c.subject?.organizations).toEqual(['system:nodes']);
    expect(csrFromObject({ metadata: { name: 'bad' }, spec: { request: 'bm90IGEgY3Ny' } }).requestProblem).toMatch(/not a PEM/);
  });
});
