// A scan never writes to what it inspects. Tests run as root (chmod cannot stop root), so the fixture
// trees are snapshotted instead — every path, type, size, mode, mtime and content hash — before and
// after scanning each fixture, and must be identical (nothing changed, nothing created or removed).

import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFixture, findFixtures } from '../src/check.js';
import { builtinRules, ROOT } from './helpers.js';

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

describe('read-only', () => {
  it('scanning every fixture (journals and --root trees) changes nothing under fixtures/', async () => {
    const root = join(ROOT, 'fixtures');
    const before = snapshot(root);
    const rules = await builtinRules();
    for (const dir of findFixtures([root])) await checkFixture(dir, rules, ROOT);
    const after = snapshot(root);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k));
    expect(changed).toEqual([]);
  });
});
