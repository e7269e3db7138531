// deploy/: the Job and the DaemonSet mount the host read-only, tolerate every taint and ask for no more
// privilege than reading needs; the Containerfile is built on the single executable.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

type Spec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(['job.yaml', 'daemonset.yaml'])('deploy/%s', (file) => {
  const doc = parse(readFileSync(join(ROOT, 'deploy', file), 'utf8')) as Spec;
  const pod = doc.spec.template.spec as Spec;
  it('mounts the host read-only: /proc, /sys, /etc/kubernetes, /var/lib/kubelet, /etc/cni, runtime sockets, journal', () => {
    const mounts = pod.containers.flatMap((c: Spec) => c.volumeMounts);
    expect(mounts.length).toBeGreaterThan(0);
    for (const m of mounts) expect(m.readOnly, m.name).toBe(true);
    const paths = pod.volumes.map((v: Spec) => v.hostPath?.path);
    for (const p of ['/proc', '/sys', '/etc/kubernetes', '/var/lib/kubelet', '/etc/cni', '/run/containerd', '/var/log/journal']) expect(paths).toContain(p);
    expect(pod.volumes.every((v: Spec) => v.hostPath)).toBe(true);
  });
  it('tolerates every taint', () => {
    expect(pod.tolerations).toContainEqual({ operator: 'Exists' });
  });
  it('asks for no more privilege than reading needs', () => {
    expect(pod.hostPID).not.toBe(true);
    expect(pod.hostNetwork).not.toBe(true);
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const c of pod.containers) {
      const s = c.securityContext;
      expect(s.privileged).not.toBe(true);
      expect(s.allowPrivilegeEscalation).toBe(false);
      expect(s.readOnlyRootFilesystem).toBe(true);
      expect(s.capabilities.drop).toEqual(['ALL']);
      expect(s.capabilities.add ?? []).toEqual(['DAC_READ_SEARCH']);
      expect(c.args.slice(0, 3)).toEqual(['scan', '--root', '/host']);
      expect(c.args).toContain('json');
    }
  });
});

it('the Containerfile copies the single executable and runs scan --root /host', () => {
  const t = readFileSync(join(ROOT, 'deploy/Containerfile'), 'utf8');
  expect(t).toMatch(/^COPY .*dist\/kubelet-doctor-linux-x64 /m);
  expect(t).toMatch(/^ENTRYPOINT \["\/usr\/local\/bin\/kubelet-doctor"\]/m);
  expect(t).toMatch(/^CMD \["scan", "--root", "\/host"/m);
});
