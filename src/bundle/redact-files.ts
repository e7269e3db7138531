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
// The structural parts are here (key blocks kept as their public part, client-key-data, secret fields and
// bootstrap tokens replaced by stand-ins the file's parsers still accept); every other credential a line can
// carry (bearer headers, credential flags, URL user info and query tokens) is masked by src/redact.ts, the
// one function that decides what a secret looks like in text.

import { createPrivateKey, createPublicKey } from 'node:crypto';
import { REDACTED_KEY_LABEL } from '../collectors/cert-info.js';
import { BOOTSTRAP_SECRET_STAND_IN, redact } from '../redact.js';
export const REDACTED = 'REDACTED';

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
  t = t.replace(BOOTSTRAP_TOKEN, (m, id: string, secret: string, offset: number) => {
    if (secret === BOOTSTRAP_SECRET_STAND_IN) return m;
    redactions.push({ what: 'bootstrap token secret', line: lineAt(t, offset) });
    return `${id}.${BOOTSTRAP_SECRET_STAND_IN}`;
  });
  // whatever else a line carries (bearer headers, credential flags, URL credentials): the report's redaction
  const lines = t.split('\n');
  const already = new Set(redactions.map((r) => r.line));
  for (let i = 0; i < lines.length; i++) {
    const masked = redact(lines[i]!);
    if (masked === lines[i]) continue;
    lines[i] = masked;
    if (!already.has(i + 1)) redactions.push({ what: 'credential', line: i + 1 });
  }
  return { text: lines.join('\n'), redactions };
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
