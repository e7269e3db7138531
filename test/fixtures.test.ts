// Every fixture under fixtures/ must produce exactly its expected findings (strict both ways),
// cite the lines its annotations pin, and healthy baselines must yield no error.

import { describe, expect, it } from 'vitest';
import { findFixtures, checkFixture } from '../src/check.js';
import { builtinRules, ROOT } from './helpers.js';
import { join } from 'node:path';

const dirs = findFixtures([join(ROOT, 'fixtures')]);

describe('fixtures', () => {
  it('exist', () => {
    expect(dirs.length).toBeGreaterThan(0);
  });
  for (const dir of dirs) {
    it(dir.slice(ROOT.length), async () => {
      const results = await checkFixture(dir, await builtinRules(), ROOT);
      for (const r of results) {
        const detail = { case: r.name, missing: r.missing, extra: r.extra, problems: r.problems };
        expect(detail).toEqual({ case: r.name, missing: [], extra: [], problems: [] });
      }
    });
  }
});
