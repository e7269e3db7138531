// The lab's recordings must never hold a private key or a bootstrap token secret. record.mjs refuses to
// write a recording that does, and test/lab.test.ts runs the same check over fixtures/lab.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
// a bootstrap token is [a-z0-9]{6}.[a-z0-9]{16}; its secret half is the 16 characters
const BOOTSTRAP_TOKEN = /\b[a-z0-9]{6}\.[a-z0-9]{16}\b/;

/** The regular files under DIR (symlinks are not followed), less the directories `skip` says to leave out. */
export function filesUnder(dir, skip = () => false) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) continue;
      if (st.isDirectory()) {
        if (!skip(p)) walk(p);
        continue;
      }
      out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Every file under DIR holding a private key, a whole bootstrap token or one of the given secrets. */
export function scanForSecrets(dir, secrets = []) {
  const found = [];
  for (const p of filesUnder(dir)) {
    const text = readFileSync(p, 'latin1');
    if (PRIVATE_KEY.test(text)) found.push(`${p}: PEM private key`);
    const t = BOOTSTRAP_TOKEN.exec(text);
    if (t) found.push(`${p}: bootstrap token ${t[0].slice(0, 7)}…`);
    for (const s of secrets) if (s && text.includes(s)) found.push(`${p}: the lab's bootstrap token secret`);
  }
  return found;
}
