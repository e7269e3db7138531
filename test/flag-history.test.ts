// The kubelet flag history (generated from the release sources) and the nearest-flag suggestion of
// unknown-flag-typo: a misspelling names the real flag of that release, another word names none.

import { describe, expect, it } from 'vitest';
import { KUBELET_FLAG_HISTORY } from '../src/collectors/kubelet-flag-history.js';
import { REMOVED_FLAGS } from '../src/collectors/kubelet-flags.js';
import { nearestFlag } from '../rules/unknown-flag-typo.js';

describe('kubelet flag history', () => {
  it('records when flags were added and removed', () => {
    expect(KUBELET_FLAG_HISTORY['container-runtime']?.[1]).toBe(26);
    expect(KUBELET_FLAG_HISTORY['network-plugin']?.[1]).toBe(23);
    expect(KUBELET_FLAG_HISTORY['rotate-server-certificates']?.[0]).toBe(12);
    expect(KUBELET_FLAG_HISTORY['max-pods']).toBeDefined();
  });

  it('agrees with the removed-flags table: a removed flag is gone before its removal release', () => {
    for (const r of REMOVED_FLAGS) {
      const h = KUBELET_FLAG_HISTORY[r.flag];
      if (!h) continue; // flags older than the releases read
      expect(h[1], r.flag).toBeLessThan(Number(r.removedIn.split('.')[1]));
    }
  });
});

describe('nearestFlag', () => {
  it('names the flag meant by a typo', () => {
    expect(nearestFlag('rotate-server-certificate')).toBe('rotate-server-certificates');
    expect(nearestFlag('max-pod', 28)).toBe('max-pods');
    expect(nearestFlag('node_ip', 28)).toBe('node-ip');
    expect(nearestFlag('cgroup-drvier', 30)).toBe('cgroup-driver');
  });

  it('suggests only flags of the given release', () => {
    expect(nearestFlag('network-plugins', 28)).not.toBe('network-plugin');
  });

  it('names nothing for a word that is no flag', () => {
    expect(nearestFlag('enable-turbo-mode', 28)).toBeUndefined();
  });
});
