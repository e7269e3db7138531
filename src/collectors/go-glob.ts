// Go's path/filepath Match and Glob on Unix, which containerd applies to an `imports` entry holding a `*`
// (`imports = ["/etc/containerd/conf.d/*.toml"]`): `*` and `?` never cross a `/`, `[a-z]`/`[^x]` classes,
// `\` escapes, a leading dot is matched like any other character, and each directory's names are taken in
// byte order. Ported from go/src/path/filepath/match.go (Go 1.26) so that a config merges the files, in the
// order, containerd itself merges; a malformed pattern is ErrBadPattern there too, and containerd then
// refuses to start. Strings are handled as code points, as Go decodes runes.

import { posix } from 'node:path';

/** Go's filepath.ErrBadPattern. */
export class BadPatternError extends Error {
  constructor() {
    super('syntax error in pattern');
  }
}

const SEP = '/';
const cp = (c: string): number => c.codePointAt(0)!;

function scanChunk(p: string[]): { star: boolean; chunk: string[]; rest: string[] } {
  let i = 0;
  while (i < p.length && p[i] === '*') i++;
  const star = i > 0;
  const q = p.slice(i);
  let inRange = false;
  for (let j = 0; j < q.length; j++) {
    const c = q[j];
    if (c === '\\') {
      if (j + 1 < q.length) j++;
    } else if (c === '[') inRange = true;
    else if (c === ']') inRange = false;
    else if (c === '*' && !inRange) return { star, chunk: q.slice(0, j), rest: q.slice(j) };
  }
  return { star, chunk: q, rest: [] };
}

/** One (possibly escaped) character of a class, and where the class goes on. */
function getEsc(chunk: string[], k: number): { r: number; k: number } {
  if (k >= chunk.length || chunk[k] === '-' || chunk[k] === ']') throw new BadPatternError();
  if (chunk[k] === '\\' && ++k >= chunk.length) throw new BadPatternError();
  const r = cp(chunk[k]!);
  if (++k >= chunk.length) throw new BadPatternError();
  return { r, k };
}

/**
 * Match a chunk (no `*`) against s from index si: the index after the match, or -1. As in Go, the whole
 * chunk is read even after a mismatch, so a malformed class is an error wherever it is.
 */
function matchChunk(chunk: string[], s: string[], si: number): number {
  let failed = false;
  let k = 0;
  while (k < chunk.length) {
    failed ||= si >= s.length;
    const c = chunk[k];
    if (c === '[') {
      let r = -1;
      if (!failed) r = cp(s[si++]!);
      k++;
      let negated = false;
      if (k < chunk.length && chunk[k] === '^') {
        negated = true;
        k++;
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (k < chunk.length && chunk[k] === ']' && nrange > 0) {
          k++;
          break;
        }
        const lo = getEsc(chunk, k);
        k = lo.k;
        let hi = lo.r;
        if (chunk[k] === '-') {
          const h = getEsc(chunk, k + 1);
          hi = h.r;
          k = h.k;
        }
        match ||= lo.r <= r && r <= hi;
        nrange++;
      }
      failed ||= match === negated;
    } else if (c === '?') {
      if (!failed) failed = s[si++] === SEP;
      k++;
    } else {
      if (c === '\\' && ++k >= chunk.length) throw new BadPatternError();
      if (!failed) failed = chunk[k] !== s[si++];
      k++;
    }
  }
  return failed ? -1 : si;
}

/** filepath.Match: whether name matches the shell pattern; throws BadPatternError when it is malformed. */
export function goMatch(pattern: string, name: string): boolean {
  let p = Array.from(pattern);
  const n = Array.from(name);
  let ni = 0;
  outer: while (p.length > 0) {
    const { star, chunk, rest } = scanChunk(p);
    p = rest;
    // a trailing * matches the rest unless it holds a separator
    if (star && chunk.length === 0) return !n.slice(ni).includes(SEP);
    const t = matchChunk(chunk, n, ni);
    // the last chunk must use up the name, else a star may still do better
    if (t >= 0 && (t === n.length || p.length > 0)) {
      ni = t;
      continue;
    }
    if (star)
      for (let i = ni; i < n.length && n[i] !== SEP; i++) {
        const t2 = matchChunk(chunk, n, i + 1);
        if (t2 < 0 || (p.length === 0 && t2 < n.length)) continue;
        ni = t2;
        continue outer;
      }
    return false;
  }
  return ni === n.length;
}

/** What Glob needs of a file system: whether a path exists (lstat), and a directory's names (undefined when not one). */
export interface GlobFs {
  exists(path: string): boolean;
  list(dir: string): string[] | undefined;
}

const hasMeta = (p: string): boolean => /[*?[\\]/.test(p);

/** Go's sort of strings: by UTF-8 bytes. */
const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** filepath.Glob: the paths matching pattern, each directory's in byte order; throws BadPatternError. */
export function goGlob(pattern: string, fs: GlobFs, depth = 0): string[] {
  if (depth === 10_000) throw new BadPatternError();
  goMatch(pattern, ''); // validates the whole pattern first, as Glob does
  if (!hasMeta(pattern)) return fs.exists(pattern) ? [pattern] : [];
  const cut = pattern.lastIndexOf(SEP) + 1;
  const dirPart = pattern.slice(0, cut);
  const file = pattern.slice(cut);
  const dir = dirPart === '' ? '.' : dirPart === SEP ? SEP : dirPart.slice(0, -1);
  if (!hasMeta(dir)) return globIn(dir, file, [], fs);
  if (dir === pattern) throw new BadPatternError();
  const out: string[] = [];
  for (const d of goGlob(dir, fs, depth + 1)) globIn(d, file, out, fs);
  return out;
}

function globIn(dir: string, pattern: string, out: string[], fs: GlobFs): string[] {
  const names = fs.list(dir);
  if (!names) return out; // not a directory, or unreadable: ignored, as Go ignores I/O errors here
  for (const n of [...names].sort(byBytes)) if (goMatch(pattern, n)) out.push(posix.join(dir, n));
  return out;
}
