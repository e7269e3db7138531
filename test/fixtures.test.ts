// Every fixture under fixtures/ is scanned once, and its reports serve three checks: each must produce
// exactly its expected findings (strict both ways) and cite the lines its annotations pin, healthy
// baselines yield no error; no output format holds a secret of the fixture's own tree (private keys,
// client-key-data, tokens, bootstrap token secrets); and scanning changed nothing under fixtures/ (tests run
// as root, so chmod cannot stop a write: every path, type, size, mode, mtime and content hash is compared
// before and after). One pass for all three: each was a full scan of the fixtures of its own.

import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkFixture, findFixtures } from '../src/check.js';
import { RENDERERS } from '../src/render/index.js';
import { builtinRules, ROOT } from './helpers.js';
import { GENERIC, secretsIn } from './secret-patterns.js';

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      const st = lstatSync(p);
      let what = `${st.mode.toString(8)} ${st.size} ${st.mtimeMs}`;
      if (st.isDirectory()) walk(p);
      else if (st.isSymbolicLink()) what += ` -> ${readlinkSync(p)}`;
      else if (st.isFile()) what += ` ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
      out.set(p, what);
    }
  };
  walk(dir);
  return out;
}

const FIXTURES = join(ROOT, 'fixtures');
const dirs = findFixtures([FIXTURES]);
let before: Map<string, string>;
beforeAll(() => {
  before = snapshot(FIXTURES);
});

describe('fixtures', () => {
  it('exist, and every output format is searched', () => {
    expect(dirs.length).toBeGreaterThan(0);
    expect(Object.keys(RENDERERS).length).toBeGreaterThanOrEqual(2);
  });
  for (const dir of dirs) {
    it(dir.slice(ROOT.length), async () => {
      const results = await checkFixture(dir, await builtinRules(), ROOT);
      for (const r of results) {
        const detail = { case: r.name, missing: r.missing, extra: r.extra, problems: r.problems };
        expect(detail).toEqual({ case: r.name, missing: [], extra: [], problems: [] });
      }
      const secrets = secretsIn(dir);
      for (const r of results)
        for (const [format, render] of Object.entries(RENDERERS)) {
          const out = render(r.report, { color: false, stats: true });
          for (const re of GENERIC) expect(out, `${format} output of ${r.name} matches ${re}`).not.toMatch(re);
          for (const s of secrets) expect(out.includes(s), `${format} output of ${r.name} contains a secret from the fixture (${s.slice(0, 6)}…)`).toBe(false);
        }
    });
  }
  // last: vitest runs a file's tests in order
  it('scanning every fixture (journals and --root trees) changed nothing under fixtures/', () => {
    const after = snapshot(FIXTURES);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k));
    expect(changed).toEqual([]);
    expect(before.size).toBeGreaterThan(1000);
  });
});
