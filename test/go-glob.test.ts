// Go's filepath.Match and Glob (containerd's `imports` globs), checked against answers Go itself gave:
// test/go-glob/expected.json was written by `go run test/go-glob/match-table.go < test/go-glob/cases.json`.

import { lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadPatternError, goGlob, goMatch, type GlobFs } from '../src/collectors/go-glob.js';
import { ROOT, scratchDir } from './helpers.js';

const DIR = join(ROOT, 'test/go-glob');
const cases = JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')) as { tree: string[]; glob: string[]; match: [string, string][] };
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as {
  match: { pattern: string; name: string; matched: boolean; bad: boolean }[];
  glob: { pattern: string; paths: string[] | null; bad: boolean }[];
};

function answer(fn: () => unknown): { value?: unknown; bad: boolean } {
  try {
    return { value: fn(), bad: false };
  } catch (e) {
    if (e instanceof BadPatternError) return { bad: true };
    throw e;
  }
}

describe('goMatch', () => {
  it('answers as Go does for every case', () => {
    expect(expected.match.length).toBe(cases.match.length);
    const got = expected.match.map((m) => {
      const a = answer(() => goMatch(m.pattern, m.name));
      return { pattern: m.pattern, name: m.name, matched: a.bad ? false : a.value, bad: a.bad };
    });
    expect(got).toEqual(expected.match);
  });
  it('the cases cover matches, misses and malformed patterns', () => {
    expect(expected.match.filter((m) => m.matched).length).toBeGreaterThan(10);
    expect(expected.match.filter((m) => !m.matched && !m.bad).length).toBeGreaterThan(10);
    expect(expected.match.filter((m) => m.bad).length).toBeGreaterThan(5);
  });
});

describe('goGlob', () => {
  it('finds the files Go finds, in the order Go gives them', () => {
    const root = scratchDir();
    for (const f of cases.tree) {
      const p = join(root, f);
      if (f.endsWith('/')) mkdirSync(p, { recursive: true });
      else {
        mkdirSync(join(p, '..'), { recursive: true });
        writeFileSync(p, '');
      }
    }
    const fs: GlobFs = {
      exists: (p) => {
        try {
          lstatSync(p);
          return true;
        } catch {
          return false;
        }
      },
      list: (d) => {
        try {
          return statSync(d).isDirectory() ? readdirSync(d) : undefined;
        } catch {
          return undefined;
        }
      },
    };
    const got = cases.glob.map((g) => {
      const a = answer(() => goGlob(`${root}/${g}`, fs));
      return { pattern: g, paths: a.bad ? null : (a.value as string[]).map((p) => p.slice(root.length)), bad: a.bad };
    });
    expect(got).toEqual(expected.glob.map((g) => ({ ...g, paths: g.bad ? null : (g.paths ?? []) })));
    // the answers are not all empty: hidden files, byte order (upper case first), nested directories
    expect(expected.glob[0]!.paths).toEqual(['/etc/containerd/conf.d/.09-hidden.toml', '/etc/containerd/conf.d/10-a.toml', '/etc/containerd/conf.d/20-b.toml', '/etc/containerd/conf.d/B.toml', '/etc/containerd/conf.d/é.toml']);
  });
});
