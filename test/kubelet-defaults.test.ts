import { describe, expect, it } from 'vitest';
import { defaultOf, kubeletDefault } from '../src/collectors/kubelet-defaults.js';
import { defaultRuntimeEndpoint } from '../src/collectors/kubelet-settings.js';

describe('kubelet defaults table', () => {
  it('the CRI endpoint is dockershim before v1.24, none from v1.24 to v1.26, containerd from v1.27 and for an unknown version', () => {
    expect(defaultOf('containerRuntimeEndpoint', { version: 'v1.23.17' })).toBe('unix:///var/run/dockershim.sock');
    expect(defaultOf('containerRuntimeEndpoint', { version: 'v1.24.0' })).toBe('');
    expect(defaultOf('containerRuntimeEndpoint', { version: 'v1.26.15' })).toBe('');
    expect(defaultOf('containerRuntimeEndpoint', { version: 'v1.27.0' })).toBe('unix:///run/containerd/containerd.sock');
    expect(defaultRuntimeEndpoint('v1.20.15')).toBe('unix:///var/run/dockershim.sock');
    expect(defaultRuntimeEndpoint(undefined)).toBe('unix:///run/containerd/containerd.sock');
  });
  it('failCgroupV1 turns true at v1.35 and has no default before v1.31', () => {
    expect(defaultOf('failCgroupV1', { version: 'v1.34.4' })).toBe(false);
    expect(defaultOf('failCgroupV1', { version: 'v1.35.0' })).toBe(true);
    expect(kubeletDefault('failCgroupV1', { version: 'v1.30.1' })).toBeUndefined();
  });
  it('the flag path keeps the insecure defaults the config-file path closed', () => {
    expect(defaultOf('readOnlyPort', { configFile: false })).toBe(10255);
    expect(defaultOf('readOnlyPort', { configFile: true })).toBe(0);
    expect(defaultOf('authorization.mode', { configFile: false })).toBe('AlwaysAllow');
    expect(defaultOf('authentication.anonymous.enabled', { configFile: true })).toBe(false);
  });
  it('hands out copies of list defaults', () => {
    defaultOf<string[]>('enforceNodeAllocatable').push('kube-reserved');
    expect(defaultOf('enforceNodeAllocatable')).toEqual(['pods']);
  });
});

describe('defaultHolds', () => {
  it('names the versions and the path a default holds for', async () => {
    const { defaultHolds } = await import('../src/collectors/kubelet-defaults.js');
    expect(defaultHolds(kubeletDefault('failCgroupV1', { version: 'v1.36.0' })!.entry)).toMatch(/^default for kubelet v1\.35 and later \(pkg\/kubelet\/apis\/config\/v1beta1\/defaults\.go\)$/);
    expect(defaultHolds(kubeletDefault('failCgroupV1', { version: 'v1.32.0' })!.entry)).toMatch(/kubelet v1\.31 to v1\.34/);
    expect(defaultHolds(kubeletDefault('readOnlyPort')!.entry, false)).toMatch(/started without a config file/);
  });
});

describe('settingsView (the collectors view of the one settings model)', () => {
  it('flags and file win over the defaults table, with the versions the table holds for', async () => {
    const { settingsView } = await import('../src/collectors/kubelet-settings.js');
    const fromFile = { value: 'systemd', origin: 'config' as const, source: 'var/lib/kubelet/config.yaml', line: 4, field: 'cgroupDriver' };
    const v = settingsView({ settings: { cgroupDriver: fromFile }, kubeletVersion: 'v1.25.16' });
    expect(v.cgroupDriver).toBe('systemd');
    expect(v.cites.cgroupDriver).toMatchObject({ source: 'var/lib/kubelet/config.yaml', line: 4 });
    // v1.24 to v1.26 had no CRI endpoint default: nothing to probe, and the citation says so
    expect(v.containerRuntimeEndpoint).toBe('');
    expect(v.containerRuntimeEndpointSet).toBe(false);
    expect(v.cites.containerRuntimeEndpoint!.text).toMatch(/default \(none\) applies/);
    expect(settingsView({ settings: {}, kubeletVersion: 'v1.27.16' }).containerRuntimeEndpoint).toBe('unix:///run/containerd/containerd.sock');
    const none = settingsView(undefined, { unavailable: 'no unit' });
    expect(none.from).toBe('defaults');
    expect(none.note).toMatch(/no unit/);
  });
});
