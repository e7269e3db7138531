// `fleet` against a stand-in kube-apiserver on 127.0.0.1 (plain HTTP): one healthy-ish node whose Job succeeds,
// one NotReady node whose pod stays Pending Unschedulable. Responses shaped as the API server returns them.
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { renderFleet, runFleet } from '../src/fleet/command.js';

const report = { version: 1, tool: { name: 'kubelet-doctor', version: 't' }, generatedAt: '', verdict: '1 error', sources: [], runs: [], skipped: [], rulesRun: [],
  findings: [{ ruleId: 'swap-enabled', severity: 'error', title: 'Swap is on', current: true, category: 'x', message: '', why: '', evidence: [], remediation: {}, references: [], explains: [] }] };

describe('fleet', () => {
  it('lists findings per node, the could-not-run node with its reason, and deletes its Jobs', async () => {
    const jobs = new Map<string, any>();
    const deleted: string[] = [];
    const srv = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const u = new URL(req.url!, 'http://x');
        const send = (o: unknown, code = 200, type = 'application/json') => { res.writeHead(code, { 'content-type': type }); res.end(typeof o === 'string' ? o : JSON.stringify(o)); };
        if (u.pathname === '/api/v1/nodes') return send({ kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: [
          { metadata: { name: 'node-a' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
          { metadata: { name: 'node-b' }, status: { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }] } },
        ] });
        const jm = /^\/apis\/batch\/v1\/namespaces\/kube-system\/jobs(?:\/(.+))?$/.exec(u.pathname);
        if (jm && req.method === 'POST') { const j = JSON.parse(body); jobs.set(j.metadata.name, j); return send({ kind: 'Job', apiVersion: 'batch/v1', ...j }, 201); }
        if (jm && req.method === 'DELETE') { deleted.push(jm[1]); expect(JSON.parse(body || '{}').propagationPolicy ?? u.searchParams.get('propagationPolicy')).toBe('Background'); return send({ kind: 'Status', apiVersion: 'v1', status: 'Success' }); }
        if (u.pathname === '/api/v1/namespaces/kube-system/pods') {
          const jobName = u.searchParams.get('labelSelector')!.replace('job-name=', '');
          const j = jobs.get(jobName);
          const onA = j.spec.template.spec.nodeName === 'node-a';
          const pod = onA
            ? { metadata: { name: `${jobName}-abcde` }, status: { phase: 'Succeeded' } }
            : { metadata: { name: `${jobName}-fghij` }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available: 1 node(s) had untolerated taint.' }] } };
          return send({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [pod] });
        }
        if (/\/pods\/.+-abcde\/log$/.test(u.pathname)) return send(JSON.stringify(report), 200, 'text/plain');
        send({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound' }, 404);
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({ clusters: [{ name: 'c', skipTLSVerify: true, server: `http://127.0.0.1:${(srv.address() as AddressInfo).port}` }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
    try {
      const r = await runFleet({ kc, namespace: 'kube-system', timeoutMs: 5000, pollMs: 10 });
      const text = renderFleet(r, 'text');
      expect(text).toMatch(/node-a: 1 finding\(s\)[\s\S]*\[error\] swap-enabled/);
      expect(text).toMatch(/Could not run:\n {2}node-b: pod unschedulable: 0\/2 nodes are available.*kubelet-doctor collect/);
      expect(new Set(deleted)).toEqual(new Set(jobs.keys()));
      expect(jobs.size).toBe(2);
      for (const j of jobs.values()) expect(j.metadata.labels['kubelet-doctor.io/fleet-run']).toMatch(/^[0-9a-f]{8}$/);
    } finally {
      srv.close();
    }
  });
});
