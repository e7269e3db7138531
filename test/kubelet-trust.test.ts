// A process merely named kubelet is not the kubelet: only one running as root from a binary that root
// owns and nobody else can write is believed, and no binary is ever executed to learn the version
// (it is read from the Go build info as a file). Each case plants a fake process tree under --root.

import { chmodSync, chownSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBuildInfo, versionFromModinfo, binaryFileVersion } from '../src/collectors/kubelet-binary.js';
import { collectEvidence } from '../src/collectors/index.js';
import type { KubeletConfigEvidence } from '../src/collectors/kubelet-config.js';
import { chooseKubelet } from '../src/collectors/proc-kubelet.js';
import { kubeletTrust, statusUids } from '../src/collectors/kubelet-trust.js';
import { scratchDir } from './helpers.js';

const ROOT_STATUS = 'Name:\tkubelet\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n';
const USER_STATUS = 'Name:\tkubelet\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\n';

/** A Go build-info blob as the Go linker writes it (inline strings, flag 2), for a -X gitVersion build. */
function buildInfoBlob(version: string): Buffer {
  const head = Buffer.alloc(32);
  Buffer.from('\xff Go buildinf:', 'latin1').copy(head);
  head[14] = 8;
  head[15] = 2;
  const str = (s: string) => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)]);
  const sentinel = Buffer.alloc(16, 0x30);
  const mod = `path\tk8s.io/kubernetes/cmd/kubelet\nbuild\t-ldflags="-s -w -X 'k8s.io/component-base/version.gitVersion=${version}'"\n`;
  const modinfo = Buffer.concat([sentinel, Buffer.from(mod), sentinel]);
  const modLen = modinfo.length;
  return Buffer.concat([head, str('go1.22.5'), Buffer.from([(modLen & 0x7f) | 0x80, modLen >> 7]), modinfo]);
}

function plant(files: Record<string, string | Buffer>): string {
  const root = scratchDir();
  for (const [p, text] of Object.entries(files)) {
    const f = join(root, p);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, text);
  }
  return root;
}

/** A believable kubelet (pid 100) and a planted one (pid 50, a lower pid so it comes first). */
function nodeWithPlant(plantKind: 'user-process' | 'writable-binary' | 'writable-dir' | 'foreign-owner'): string {
  const evil = '#!/bin/sh\necho owned > "$(dirname "$0")/../../EXECUTED"\n';
  const root = plant({
    'usr/bin/kubelet': Buffer.concat([Buffer.from('\x7fELF-not-really'), Buffer.alloc(100), buildInfoBlob('v1.30.2')]),
    'proc/100/cmdline': '/usr/bin/kubelet\0--config=/var/lib/kubelet/config.yaml\0',
    'proc/100/status': ROOT_STATUS,
    'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n',
    'home/u/kubelet': evil,
    'proc/50/cmdline': '/home/u/kubelet\0--config=/home/u/stolen.yaml\0--kubeconfig=/etc/shadow\0',
    'proc/50/status': plantKind === 'user-process' ? USER_STATUS : ROOT_STATUS,
    'home/u/stolen.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: cgroupfs\n',
  });
  chmodSync(join(root, 'usr/bin/kubelet'), 0o755);
  chmodSync(join(root, 'home/u/kubelet'), plantKind === 'writable-binary' ? 0o777 : 0o755);
  if (plantKind === 'writable-dir') chmodSync(join(root, 'home/u'), 0o1777);
  if (plantKind === 'foreign-owner') chownSync(join(root, 'home/u/kubelet'), 1000, 1000);
  symlinkSync('/usr/bin/kubelet', join(root, 'proc/100/exe'));
  symlinkSync('/home/u/kubelet', join(root, 'proc/50/exe'));
  return root;
}

async function kubeletConfig(root: string): Promise<KubeletConfigEvidence> {
  const { evidence } = await collectEvidence(['kubeletConfig'], { root, live: true, now: new Date('2026-06-01T00:00:00Z'), useApi: false });
  const a = evidence.get('kubeletConfig')!;
  if (!a.ok) throw new Error(a.reason);
  return a.value as KubeletConfigEvidence;
}

const asRoot = process.getuid?.() === 0;
const kinds = ['user-process', 'writable-binary', 'writable-dir', ...(asRoot ? ['foreign-owner'] : [])] as const;

describe('which process is the kubelet', () => {
  for (const kind of kinds) {
    it(`refuses a planted kubelet (${kind}), executes nothing, reads none of its files`, async () => {
      const root = nodeWithPlant(kind);
      const choice = chooseKubelet(root);
      expect(choice.kubelet?.pid).toBe(100);
      expect(choice.refused.map((r) => r.proc.pid)).toEqual([50]);
      const ev = await kubeletConfig(root);
      expect(ev.process?.pid).toBe(100);
      expect(ev.binary).toBe('/usr/bin/kubelet');
      expect(ev.settings.cgroupDriver.value).toBe('systemd');
      expect(ev.configFiles.join()).not.toContain('stolen');
      expect(ev.problems.join('\n')).toMatch(/process 50 .* is not taken for the kubelet/);
      // the version came from the build info read as a file; nothing ran
      expect(ev.kubeletVersion).toBe('v1.30.2');
      expect(existsSync(join(root, 'EXECUTED'))).toBe(false);
    });
  }

  it('falls back to the unit when the only kubelet process is planted', async () => {
    const root = nodeWithPlant('user-process');
    writeFileSync(join(root, 'proc/100/status'), USER_STATUS);
    mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
    writeFileSync(join(root, 'etc/systemd/system/kubelet.service'), '[Service]\nExecStart=/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml\n');
    const ev = await kubeletConfig(root);
    expect(ev.origin).toBe('unit');
    expect(ev.settings.cgroupDriver.value).toBe('systemd');
    expect(ev.kubeletVersion).toBe('v1.30.2');
  });

  it('prefers the believed process whose binary is the unit ExecStart binary', () => {
    const root = nodeWithPlant('writable-binary');
    mkdirSync(join(root, 'opt/k8s'), { recursive: true });
    writeFileSync(join(root, 'opt/k8s/kubelet'), 'x');
    chmodSync(join(root, 'opt/k8s/kubelet'), 0o755);
    mkdirSync(join(root, 'proc/20'));
    writeFileSync(join(root, 'proc/20/cmdline'), '/opt/k8s/kubelet\0');
    writeFileSync(join(root, 'proc/20/status'), ROOT_STATUS);
    symlinkSync('/opt/k8s/kubelet', join(root, 'proc/20/exe'));
    expect(chooseKubelet(root).kubelet?.pid).toBe(20);
    expect(chooseKubelet(root, undefined, '/usr/bin/kubelet').kubelet?.pid).toBe(100);
  });

  it('refuses a deleted binary and a missing status on a live-like check', () => {
    const root = nodeWithPlant('user-process');
    expect(kubeletTrust(root, 50)).toMatchObject({ trusted: false });
    expect(kubeletTrust(root, 100)).toMatchObject({ trusted: true, exe: '/usr/bin/kubelet' });
    expect(statusUids('Uid:\t0\t1000\t0\t0\n')).toEqual([0, 1000, 0, 0]);
  });

  it('reads the Go build info without running the binary; other binaries give no version', () => {
    const blob = buildInfoBlob('v1.29.4');
    const info = parseBuildInfo(Buffer.concat([Buffer.alloc(7), blob]));
    expect(info?.goVersion).toBe('go1.22.5');
    expect(versionFromModinfo(info!.modinfo)).toBe('v1.29.4');
    const root = plant({ 'bin/x': '#!/bin/sh\ntouch EXECUTED\n', 'bin/empty': '' });
    expect(binaryFileVersion(join(root, 'bin/x'))).toBeUndefined();
    expect(binaryFileVersion(join(root, 'bin/empty'))).toBeUndefined();
    expect(binaryFileVersion('/dev/zero')).toBeUndefined();
  });
});
