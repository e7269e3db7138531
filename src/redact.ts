// Secrets never leave the doctor: reports get pasted into tickets, and the journal, kubeadm-flags.env,
// units and kubeconfigs the doctor cites can carry credentials. redact() masks, in any text:
//  - private key PEM blocks (BEGIN … PRIVATE KEY, to the END line or the end of the text) and the
//    base64 of client-key-data / token-secret values;
//  - bearer and basic credentials (`Authorization: Bearer …`, `Basic …`);
//  - bootstrap tokens `abcdef.0123456789abcdef` (the id stays: it names the token; the 16-char secret goes);
//  - passwords and tokens as keys (`password=`, `token: …` in a kubeconfig, `"token": "…"`), as URL
//    query parameters (`?token=`, `access_token=`) and as URL user info (`https://user:pass@host`);
//  - credential flags (`--token=…`, `--bootstrap-token …`, `--token-auth-file`, `--password …`).
// Every pattern is linear (no nested quantifiers, bounded lookaheads), so a hostile 4 MiB line costs
// one pass per pattern. redactDeep() applies it to every string of a report, once, where the report is
// assembled (scan.ts) — renderers never see a secret.

import { mapStrings } from './map-strings.js';

export const MASK = '[redacted]';

/** What a bundle leaves of a bootstrap token's secret (src/bundle/redact-files.ts): 16 characters of [a-z0-9], as
 * the token format wants, so the files still parse; it is no secret and is left as it is. */
export const BOOTSTRAP_SECRET_STAND_IN = 'redactedredacted';

const PEM_BEGIN = /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----/;
const PEM_END = /-----END ([A-Z0-9]+ )*PRIVATE KEY-----/;

/** Mask private key PEM blocks (the header too: even a lone header says a key was printed). */
function maskPem(s: string): string {
  if (!s.includes('PRIVATE KEY-----')) return s;
  let out = '';
  let rest = s;
  for (;;) {
    const b = PEM_BEGIN.exec(rest);
    if (!b) return out + rest;
    out += `${rest.slice(0, b.index)}[private key ${MASK}]`;
    rest = rest.slice(b.index + b[0].length);
    const e = PEM_END.exec(rest);
    // an unterminated block: everything after its header may be key material
    if (!e) return out;
    rest = rest.slice(e.index + e[0].length);
  }
}

// a value that looks like a credential rather than a word of prose ("token: open …"): long, or with digits
const looksSecret = (v: string) => v.length >= 24 || (v.length >= 6 && /\d/.test(v));

// `--token <token>`, `--password $PASS` in a remediation are placeholders, not secrets
const placeholder = (v: string) => /^(<[^>]*>|\$\{?[A-Za-z_]\w*\}?)$/.test(v);

const RULES: [RegExp, (m: string, ...g: string[]) => string][] = [
  // bootstrap tokens: keep the id, mask the secret
  [/\b([a-z0-9]{6})\.([a-z0-9]{16})\b/g, (m, id, secret) => (secret === BOOTSTRAP_SECRET_STAND_IN ? m : `${id}.${MASK}`)],
  // base64 key material in kubeconfigs (YAML or JSON)
  [/(["']?(?:client-key-data|token-secret|token_secret)["']?\s*[:=]\s*["']?)[A-Za-z0-9+/=._-]+/gi, (_m, k) => `${k}${MASK}`],
  // HTTP authorization: Bearer / Basic credentials
  [/\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/=-]{8,})/g, (m, k, sp, v) => (looksSecret(v!) || v!.endsWith('=') ? `${k}${sp}${MASK}` : m)],
  // URL user info: scheme://user:password@host
  [/(\b[a-z][a-z0-9+.-]{0,20}:\/\/[^/\s:@]{1,256}:)[^/\s@]{1,256}@/gi, (_m, k) => `${k}${MASK}@`],
  // URL query credentials
  [/([?&](?:access_token|id_token|refresh_token|token|auth|password|passwd|secret|api_?key|sig|signature|x-amz-signature|x-amz-security-token)=)[^&\s"'#]+/gi, (_m, k) => `${k}${MASK}`],
  // credential flags: --token=x, --bootstrap-token x, --token-auth-file=x, --password x, --client-secret x
  [/((?<![\w-])--?[a-z-]{0,40}(?:token|password|passwd|secret)[a-z-]{0,40})(=|[ \t]+)(?!-)([^\s"']+)/gi, (m, k, sep, v) => (v!.includes(MASK) || placeholder(v!) || /-hash$/i.test(k!) ? m : `${k}${sep}${MASK}`)],
  // password-like keys: password=x, "password": "x", passwd: x
  [/(\b(?:password|passwd|pwd|client[-_]?secret)["']?\s*[:=]\s*["']?)([^\s"',;&}]+)/gi, (m, k, v) => (v!.includes(MASK) || placeholder(v!) ? m : `${k}${MASK}`)],
  // token-like keys (kubeconfig `token:`, JSON "token"): only when the value looks like a credential
  [/(\b(?:token|access[-_]token|id[-_]token|refresh[-_]token|auth[-_]token|bearer[-_]token|bootstrap[-_]token)["']?\s*[:=]\s*["']?)([A-Za-z0-9._~+/=-]+)/gi, (m, k, v) => (looksSecret(v!) ? `${k}${MASK}` : m)],
];

/** The text with every secret it carries masked. Idempotent; text without secrets is returned as is. */
export function redact(text: string): string {
  if (typeof text !== 'string' || text.length === 0) return text;
  let s = maskPem(text);
  for (const [re, f] of RULES) {
    re.lastIndex = 0;
    s = s.replace(re, (m: string, ...g: unknown[]) => {
      // the value continues with a mask an earlier pattern left (`plnt01.[redacted]`): already done
      const at = g[g.length - 2] as number;
      const whole = g[g.length - 1] as string;
      return whole[at + m.length] === '[' ? m : f(m, ...(g as string[]));
    });
  }
  return s;
}

/** A copy of `v` with every string (keys kept) redacted: plain objects and arrays are walked. */
export function redactDeep<T>(v: T): T {
  return mapStrings(v, redact);
}
