import { describe, expect, it } from 'vitest';
import { isVersionRange, kubeletMinor, parseVersion, satisfies, versionAtLeast } from '../src/rules/versions.js';

describe('kubelet versions through semver (src/rules/versions.ts)', () => {
  it('reads a range as semver does: a partial version is the whole minor', () => {
    expect(satisfies('v1.23.17', '<=1.23')).toBe(true);
    expect(satisfies('v1.24.0', '<=1.23')).toBe(false);
    expect(satisfies('v1.20.9', '1.19 - 1.20')).toBe(true);
    expect(satisfies('v1.21.0', '1.19 - 1.20')).toBe(false);
    expect(satisfies('v1.27.3', '1.27')).toBe(true);
    expect(satisfies('v1.28.0', '1.27')).toBe(false);
    expect(satisfies('v1.22.1', '>=1.21 <1.24')).toBe(true);
    expect(satisfies('v1.24.0', '>=1.21 <1.24')).toBe(false);
    expect(satisfies('v1.31.0-alpha.1', '>=1.31')).toBe(true);
  });
  it('an unknown version is inside every range; a comparison with it is unknown', () => {
    expect(satisfies(undefined, '<1.19')).toBe(true);
    expect(satisfies('unknown', '<1.19')).toBe(true);
    expect(versionAtLeast(undefined, '1.31')).toBeUndefined();
    expect(versionAtLeast('v1.30.14', '1.31')).toBe(false);
    expect(versionAtLeast('v1.31.0', '1.31')).toBe(true);
  });
  it('parses kubelet versions and rejects what is not a range', () => {
    expect(parseVersion('Kubelet v1.20.1')).toEqual([1, 20, 1]);
    expect(parseVersion('10')).toBeUndefined();
    expect(kubeletMinor('v1.28.2')).toBe(28);
    expect(isVersionRange('>=1.21 <1.24')).toBe(true);
    expect(isVersionRange('v1.19 - v1.20')).toBe(true);
    expect(isVersionRange('newer than 1.21')).toBe(false);
  });
});
