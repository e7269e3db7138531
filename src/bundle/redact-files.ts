// File-level redaction for node bundles: what `collect` copies off a node must carry no private key, no
// kubeconfig client-key-data, no token secret and no password. Certificates stay (they are public), and
// so does what the diagnosis compares:
// - a private key block becomes the key's *public* part under its own label (REDACTED_KEY_LABEL), so
//   "the key does not match the certificate" is still decided from the bundle (cert-info.ts reads it);
// - a bootstrap token keeps its id (public: it names the Secret) and loses its secret, still in the
//   token's shape (`abcdef.redactedredacted`), so the kubeconfig collector still sees a bootstrap token;
// - other tokens and passwords become `REDACTED`.
// Every redaction is named (what, and on which line) for the bundle's manifest.
//
// The text patterns at the bottom (bootstrap tokens, bearer headers, token/password fields) overlap
// with src/redact.ts's report-text redaction; at merge they belong in one place (see the report).

import { createPrivateKey, createPublicKey } from 'node:crypto';
import { REDACTED_KEY_LABEL } from '../collectors/cert-info.js';
export const REDACTED = 'REDACTED';
const BOOTSTRAP_SECRET_STAND_IN = 'redactedredacted'; // 16 characters of [a-z0-9], as the format wants

export interface Redaction {
  /** What was removed: "private key", "client-key-data", "token", "password", "bootstrap token secret". */
  what: string;
  line: number;
}

export interface RedactedFile {
  data: Buffer;
  redactions: Redaction[];
}

const PRIVATE_KEY_BLOCK = /-----BEGIN ([A-Z0-9 ]*?)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g;
const BEGIN_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** The public part of a PEM private key, as a REDACTED_KEY_LABEL block; undefined when the key cannot be read. */
function publicPartOf(pem: string): string | undefined {
  try {
    const der = createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'der' });
    const b64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
    return `-----BEGIN ${REDACTED_KEY_LABEL}-----\n${b64}-----END ${REDACTED_KEY_LABEL}-----`;
  } catch {
    return undefined; // encrypted or broken: nothing of it is kept
  }
}

/** Replace every PEM private key block of `text` by its public part (or a bare marker). */
export function redactPemKeys(text: string, redactions: Redaction[], what = 'private key', lineBase = 0): string {
  return text.replace(PRIVATE_KEY_BLOCK, (block: string, _t: string, offset: number) => {
    redactions.push({ what, line: lineBase + lineAt(text, offset) });
    return publicPartOf(block) ?? `-----BEGIN ${REDACTED_KEY_LABEL}-----\n-----END ${REDACTED_KEY_LABEL}-----`;
  });
}

/** A kubeconfig's `client-key-data:` value (base64 of PEM): decoded, its key blocks redacted, encoded again. */
function redactKeyData(b64: string, redactions: Redaction[], line: number): string {
  const pem = Buffer.from(b64.replace(/\s+/g, ''), 'base64').toString('utf8');
  const inner: Redaction[] = [];
  const out = BEGIN_PRIVATE_KEY.test(pem) ? redactPemKeys(pem, inner) : '';
  redactions.push({ what: 'client-key-data', line });
  return out ? Buffer.from(out).toString('base64') : REDACTED;
}

// YAML/INI-ish `key: value` / `key=value` fields whose value is a secret. Keys are matched whole (with an
// optional `-`/`_` prefix such as `auth-token`, `bootstrap_token`), quotes kept.
const SECRET_FIELD = /^(\s*-?\s*"?(?:[\w-]*[-_])?(token|password|passwd|secret)"?\s*[:=]\s*)("?)([^"\s#][^"\n]*?)\3(,?\s*(?:#.*)?)$/gim;
const KEY_DATA_FIELD = /^(\s*"?client-key-data"?\s*:\s*)("?)([A-Za-z0-9+/=\s]+?)\2\s*$/gm;
const BOOTSTRAP_TOKEN = /\b([a-z0-9]{6})\.([a-z0-9]{16})\b/g;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g;
const FLAG_SECRET = /(--(?:[\w-]*-)?(?:token|password|secret)(?:=|\s+))([^\s"']+)/gi;

/** Redact the secrets of one text (a kubeconfig, a config or env file, a command line, a journal). */
export function redactText(text: string): { text: string; redactions: Redaction[] } {
  const redactions: Redaction[] = [];
  let t = redactPemKeys(text, redactions);
  t = t.replace(KEY_DATA_FIELD, (_m, pre: string, q: string, val: string, offset: number) => `${pre}${q}${redactKeyData(val, redactions, lineAt(t, offset))}${q}`);
  t = t.replace(SECRET_FIELD, (m, pre: string, key: string, q: string, val: string, post: string, offset: number) => {
    if (val === REDACTED || /^\$\{?\w+\}?$/.test(val) || /-file$|file$|path$/i.test(pre.trim().replace(/[:=]$/, '').trim())) return m;
    const boot = /^([a-z0-9]{6})\.([a-z0-9]{16})$/.exec(val);
    redactions.push({ what: boot ? 'bootstrap token secret' : key.toLowerCase().startsWith('pass') ? 'password' : key.toLowerCase(), line: lineAt(t, offset) });
    return `${pre}${q}${boot ? `${boot[1]}.${BOOTSTRAP_SECRET_STAND_IN}` : REDACTED}${q}${post}`;
  });
  t = t.replace(FLAG_SECRET, (m, pre: string, val: string, offset: number) => {
    if (val === REDACTED || /\.redactedredacted$/.test(val)) return m;
    redactions.push({ what: 'command-line secret', line: lineAt(t, offset) });
    const boot = /^([a-z0-9]{6})\.[a-z0-9]{16}$/.exec(val);
    return `${pre}${boot ? `${boot[1]}.${BOOTSTRAP_SECRET_STAND_IN}` : REDACTED}`;
  });
  t = t.replace(BEARER, (_m, pre: string, offset: number) => {
    redactions.push({ what: 'bearer token', line: lineAt(t, offset) });
    return `${pre}${REDACTED}`;
  });
  t = t.replace(BOOTSTRAP_TOKEN, (m, id: string, secret: string, offset: number) => {
    if (secret === BOOTSTRAP_SECRET_STAND_IN) return m;
    redactions.push({ what: 'bootstrap token secret', line: lineAt(t, offset) });
    return `${id}.${BOOTSTRAP_SECRET_STAND_IN}`;
  });
  return { text: t, redactions };
}

/**
 * Redact one file taken from a node. `nodePath` decides the file-wide cases: a token file (its whole
 * content is the secret) keeps only a bootstrap token's id.
 */
export function redactFile(nodePath: string, data: Buffer): RedactedFile {
  const text = data.toString('utf8');
  const base = nodePath.slice(nodePath.lastIndexOf('/') + 1);
  if (/(^|[-_.])token$/i.test(base) || /^token([-_.]|$)/i.test(base)) {
    const boot = /^\s*([a-z0-9]{6})\.[a-z0-9]{16}\s*$/.exec(text);
    const kept = boot ? `${boot[1]}.${BOOTSTRAP_SECRET_STAND_IN}\n` : `${REDACTED}\n`;
    return { data: Buffer.from(kept), redactions: text.trim() ? [{ what: boot ? 'bootstrap token secret' : 'token file', line: 1 }] : [] };
  }
  // /proc/<pid>/cmdline and environ are NUL-separated: each argument is redacted on its own
  const parts = text.split('\0').map(redactText);
  return { data: Buffer.from(parts.map((p) => p.text).join('\0')), redactions: parts.flatMap((p) => p.redactions) };
}
