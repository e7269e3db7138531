// No output format may ever contain a secret: private key PEM blocks, client-key-data values, bearer
// tokens or bootstrap token secrets (token ids may show). Every fixture is scanned and rendered in every
// registered format; the output is searched for the secrets the fixture trees themselves hold.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFixture, findFixtures } from '../src/check.js';
import { RENDERERS } from '../src/render/index.js';
import { builtinRules, ROOT } from './helpers.js';

const PEM_KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;
const GENERIC = [
  PEM_KEY,
  /client-key-data:\s*[A-Za-z0-9+/=]{16,}/,
  /"client-key-data"\s*:\s*"[A-Za-z0-9+/=]{16,}/,
  /\b[a-z0-9]{6}\.[a-z0-9]{16}\b/, // a full bootstrap token id.secret
  /Authorization:\s*Bearer\s+\S{8,}/i,
];

/** Secret values found in the files of a fixture tree: key data, tokens, bootstrap token secrets. */
function secretsIn(dir: string): string[] {
  const out = new Set<string>();
  const walk = (d: string, depth: number) => {
    if (depth > 10) return;
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p, depth + 1);
      else if (st.isFile() && st.size < 1 << 20) {
        const t = readFileSync(p, 'latin1');
        for (const m of t.matchAll(/client-key-data:\s*([A-Za-z0-9+/=]{16,})/g)) out.add(m[1]!.slice(0, 40));
        for (const m of t.matchAll(/^\s*token:\s*["']?([A-Za-z0-9._-]{20,})/gm)) out.add(m[1]!);
        for (const m of t.matchAll(/\b([a-z0-9]{6})\.([a-z0-9]{16})\b/g)) out.add(m[2]!);
        for (const m of t.matchAll(/token-secret:\s*["']?([a-z0-9]{16})/g)) out.add(m[1]!);
        for (const m of t.matchAll(/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----\s*\n([A-Za-z0-9+/=]{40})/g)) out.add(m[1]!);
      }
    }
  };
  walk(dir, 0);
  return [...out];
}

const dirs = findFixtures([join(ROOT, 'fixtures')]);

describe('no secrets in any output format', () => {
  it('has fixtures and formats', () => {
    expect(dirs.length).toBeGreaterThan(0);
    expect(Object.keys(RENDERERS).length).toBeGreaterThanOrEqual(2);
  });
  for (const dir of dirs)
    it(dir.slice(ROOT.length), async () => {
      const secrets = secretsIn(dir);
      const results = await checkFixture(dir, await builtinRules(), ROOT);
      for (const r of results) {
        if (!r.report) continue;
        for (const [format, render] of Object.entries(RENDERERS)) {
          const out = render(r.report, { color: false, stats: true });
          for (const re of GENERIC) expect(out, `${format} output of ${r.name} matches ${re}`).not.toMatch(re);
          for (const s of secrets) expect(out.includes(s), `${format} output of ${r.name} contains a secret from the fixture (${s.slice(0, 6)}…)`).toBe(false);
        }
      }
    });
});
