// Kubelet versions and version ranges, through the `semver` package: the ranges rules declare
// (`>=1.21 <1.24`, `1.19 - 1.20`, `<=1.23`, `1.27`) and the comparisons code rules make. A partial
// version in a range means the whole minor, as semver reads it: `<=1.23` includes v1.23.17, `1.27` is
// every v1.27.x.

import semver from 'semver';

/** `v1.20.1`, `1.31.0-alpha.1`, `Kubelet v1.28` → `1.20.1`; undefined when there is no `X.Y`. */
function coerce(v: string | undefined): string | undefined {
  if (!v || !/\d+\.\d+/.test(v)) return undefined;
  return semver.coerce(v)?.version;
}

/** `[major, minor, patch]` of a kubelet version, undefined when it is not one. */
export function parseVersion(v: string): [number, number, number] | undefined {
  const c = coerce(v);
  if (!c) return undefined;
  const p = semver.parse(c)!;
  return [p.major, p.minor, p.patch];
}

/** The minor of a `v1.X.Y` kubelet version; undefined when unknown or not 1.x. */
export function kubeletMinor(v: string | undefined): number | undefined {
  const p = v === undefined ? undefined : parseVersion(v);
  return p && p[0] === 1 ? p[1] : undefined;
}

/** A rule's range in semver's words: `v` prefixes dropped, a bare `=1.27` an X-range. */
function semverRange(range: string): string {
  return range.trim().replace(/(^|[\s<>=-])v(?=\d)/g, '$1').replace(/(^|\s)=(?=\d)/g, '$1');
}

/** Whether `range` is a version range a rule may declare. */
export function isVersionRange(range: string): boolean {
  return /^[\s\d.<>=v-]+$/.test(range) && semver.validRange(semverRange(range)) !== null;
}

/** Whether kubelet version `v` is inside `range` (unknown versions are inside every range). */
export function satisfies(v: string | undefined, range: string | undefined): boolean {
  if (!range) return true;
  const c = coerce(v);
  if (!c) return true;
  return semver.satisfies(c, semverRange(range));
}

/** Whether kubelet `v` is at least `min` (`1.31`, `v1.27.2`); undefined when `v` is unknown. */
export function versionAtLeast(v: string | undefined, min: string): boolean | undefined {
  const c = coerce(v);
  const m = coerce(min);
  return c && m ? semver.gte(c, m) : undefined;
}
