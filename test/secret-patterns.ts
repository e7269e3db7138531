// What counts as a secret in an output: generic shapes (PEM private keys, client-key-data, bootstrap
// tokens, bearer tokens) and the secret values a fixture tree itself holds. Shared by test/fixtures.test.ts
// (every fixture's report in every format) and test/secrets.test.ts (secrets planted everywhere).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PEM_KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;
export const GENERIC = [
  PEM_KEY,
  /client-key-data:\s*[A-Za-z0-9+/=]{16,}/,
  /"client-key-data"\s*:\s*"[A-Za-z0-9+/=]{16,}/,
  /\b[a-z0-9]{6}\.[a-z0-9]{16}\b/, // a full bootstrap token id.secret
  /Authorization:\s*Bearer\s+(?!\[redacted\])\S{8,}/i,
];

/** Secret values found in the files of a fixture tree: key data, tokens, bootstrap token secrets. */
export function secretsIn(dir: string): string[] {
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

