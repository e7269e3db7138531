// `fleet` against a stand-in kube-apiserver on 127.0.0.1 (plain HTTP): one healthy-ish node whose Job succeeds,
// one NotReady node whose pod stays Pending Unschedulable. Responses shaped as the API server returns them.
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { parse } from 'yaml';
import { jobName, loadJobTemplate, renderFleet, runFleet, useEmbeddedJobTemplate } from '../src/fleet/command.js';

const LONG = `ip-10-0-12-34.eu-west-1.compute.internal-${'x'.repeat(120)}`;
const facts = { identity: { hostname: 'node-a', macs: [{ iface: 'eth0', mac: '52:54:00:00:00:01' }], sources: [] }, pool: 'worker', kubeletVersion: 'v1.31.2', config: {}, certs: [], cgroup: { version: 'v2', driver: 'systemd' }, runtime: { name: 'containerd', version: '1.7.13' }, os: { kernel: '6.1.0-18-amd64', sources: [] }, missing: [] };
const report = { version: 1, facts, tool: { name: 'kubelet-doctor', version: 't' }, generatedAt: '', verdict: '1 error', sources: [], runs: [], skipped: [], rulesRun: [],
  findings: [{ ruleId: 'swap-enabled', severity: 'error', title: 'Swap is on', current: true, category: 'x', message: '', why: '', evidence: [], remediation: { summary: 'swapoff -a', steps: [] }, references: [], explains: [], runs: [], causedExit: false, benign: false, count: 1 }] };

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
        if (u.pathname === '/version') return send({ major: '1', minor: '30', gitVersion: 'v1.30.4', gitCommit: 'x', gitTreeState: 'clean', buildDate: '2024-08-14T00:00:00Z', goVersion: 'go1.22.5', compiler: 'gc', platform: 'linux/amd64' });
        if (u.pathname === '/api/v1/nodes') return send({ kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: [
          { metadata: { name: 'node-a' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
          { metadata: { name: LONG }, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
          { metadata: { name: 'node-b' }, status: { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }] } },
        ] });
        const jm = /^\/apis\/batch\/v1\/namespaces\/kube-system\/jobs(?:\/(.+))?$/.exec(u.pathname);
        if (jm && req.method === 'POST') { const j = JSON.parse(body); jobs.set(j.metadata.name, j); return send({ kind: 'Job', apiVersion: 'batch/v1', ...j }, 201); }
        if (jm && req.method === 'DELETE') { deleted.push(jm[1]); expect(JSON.parse(body || '{}').propagationPolicy ?? u.searchParams.get('propagationPolicy')).toBe('Background'); return send({ kind: 'Status', apiVersion: 'v1', status: 'Success' }); }
        if (u.pathname === '/api/v1/namespaces/kube-system/pods') {
          const jobName = u.searchParams.get('labelSelector')!.replace('job-name=', '');
          const j = jobs.get(jobName);
          const onA = j.spec.template.spec.nodeName !== 'node-b';
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
      expect(text).toMatch(/API server v1\.30\.4/);
      expect(text).toMatch(/node-a: 1 error, 0 warning[\s\S]*ERROR Swap is on \[swap-enabled\]/);
      expect(text).toMatch(/Could not run:\n {2}node-b: pod unschedulable: 0\/2 nodes are available.*kubelet-doctor collect/);
      // the report's facts against the API server's /version: these kubelets are newer than it
      expect(r.apiServerVersion).toBe('v1.30.4');
      expect(r.comparisons.find((c) => c.id === 'kubelet-newer-than-apiserver')?.nodes.sort()).toEqual([LONG, 'node-a'].sort());
      expect(new Set(deleted)).toEqual(new Set(jobs.keys()));
      expect(jobs.size).toBe(3);
      for (const j of jobs.values()) {
        expect(j.metadata.labels['kubelet-doctor.io/fleet-run']).toMatch(/^[0-9a-f]{8}$/);
        expect(j.metadata.name.length).toBeLessThanOrEqual(63);
        expect(j.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      }
      // every output format of a scan
      const json = JSON.parse(renderFleet(r, 'json'));
      expect(json.apiServerVersion).toBe('v1.30.4');
      expect(json.nodes.map((n: { name: string }) => n.name).sort()).toEqual([LONG, 'node-a'].sort());
      expect(json.couldNotRun).toEqual([expect.objectContaining({ node: 'node-b' })]);
      expect(parse(renderFleet(r, 'yaml'))).toEqual(json);
      expect(renderFleet(r, 'junit')).toMatch(/<testcase classname="kubelet-doctor.fleet" name="could-not-run node-b"[^]*<error /);
      expect(renderFleet(r, 'markdown')).toMatch(/## Could not run\n\n- \*\*node-b\*\*/);
      expect(JSON.parse(renderFleet(r, 'sarif')).runs).toHaveLength(3);
    } finally {
      srv.close();
    }
  });
});

describe('the Job template', () => {
  it('two long node names that share a prefix get distinct Job names of at most 63 characters', () => {
    const a = jobName(`${'n'.repeat(200)}-a`, 'abcd1234');
    const b = jobName(`${'n'.repeat(200)}-b`, 'abcd1234');
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(jobName('node-1', 'abcd1234')).toMatch(/^kubelet-doctor-node-1-[0-9a-f]{6}-abcd1234$/);
    expect(jobName('...', 'abcd1234')).toMatch(/^kubelet-doctor-[0-9a-f]{6}-abcd1234$/);
  });

  it('the single executable hands over the template: deploy/ on disk is not read', () => {
    useEmbeddedJobTemplate('apiVersion: batch/v1\nkind: Job\nmetadata: { name: embedded }\n');
    try {
      expect(loadJobTemplate().metadata.name).toBe('embedded');
    } finally {
      useEmbeddedJobTemplate(undefined as unknown as string);
    }
    expect(loadJobTemplate().spec.template.spec.containers[0].args.slice(0, 3)).toEqual(['scan', '--root', '/host']);
  });
});
