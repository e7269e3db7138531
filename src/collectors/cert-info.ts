// Certificates and keys as facts, never as material: subject, issuer, validity, SANs, fingerprints,
// whether a key matches a certificate and whether a certificate chains to a CA bundle.
//
// Parsing uses node:crypto's X509Certificate rather than node-forge: the kubelet's rotated client
// certificates are ECDSA P-256, which node-forge cannot read ("OID is not RSA"). Key material is parsed
// in memory only to compare it with a certificate and is never put into evidence.

import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

export interface CertInfo {
  /** Where the certificate was read (display path, or `<kubeconfig>: client-certificate-data`). */
  source: string;
  /** Position in a PEM bundle (0-based). */
  index: number;
  /** File to cite (the PEM file, or the kubeconfig holding it as `*-data`) and the line there. */
  file?: string;
  line?: number;
  subject: string;
  cn?: string;
  orgs: string[];
  issuer: string;
  issuerCN?: string;
  notBefore: string;
  notAfter: string;
  sans: string[];
  serial: string;
  fingerprint256: string;
  isCA: boolean;
  selfSigned: boolean;
  keyType?: string;
}

export interface PemBlocks {
  certs: { info: CertInfo; x509: X509Certificate }[];
  /** Private key blocks (kept in memory for comparisons; never exported). */
  keys: KeyObject[];
  /** Problems, said plainly (which block, what is wrong). */
  problems: string[];
  /** Other block types seen (e.g. CERTIFICATE REQUEST). */
  others: string[];
}

/**
 * The label under which a node bundle (`kubelet-doctor collect`, bundle/redact-files.ts) keeps the public
 * part of a private key it redacted: enough to tell whether key and certificate match, nothing secret.
 */
export const REDACTED_KEY_LABEL = 'REDACTED PRIVATE KEY PUBLIC PART';

const BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/g;
const END = /-----END ([A-Z0-9 ]+)-----/g;

export interface PemBlock {
  type: string;
  body: string;
  /** the block from its BEGIN line to its END line */
  text: string;
  line: number;
}

/**
 * The PEM blocks of `text`: each BEGIN with the first END of the same label after it. Linear (issue 12): a
 * lazy regex per BEGIN rescanned the rest of the text for its END, so unterminated BEGIN lines were quadratic;
 * the END markers are found once, in one pass, and each label's are walked in order.
 */
export function pemBlocks(text: string): PemBlock[] {
  const ends = new Map<string, number[]>();
  END.lastIndex = 0;
  for (let m: RegExpExecArray | null; (m = END.exec(text)); ) {
    const list = ends.get(m[1]!);
    if (list) list.push(m.index);
    else ends.set(m[1]!, [m.index]);
  }
  const next = new Map<string, number>();
  const out: PemBlock[] = [];
  let line = 1;
  let lineAt = 0;
  BEGIN.lastIndex = 0;
  for (let m: RegExpExecArray | null; (m = BEGIN.exec(text)); ) {
    const type = m[1]!;
    const bodyStart = m.index + m[0].length;
    const list = ends.get(type);
    let i = next.get(type) ?? 0;
    while (list && i < list.length && list[i]! < bodyStart) i++;
    next.set(type, i);
    if (!list || i >= list.length) continue;
    const stop = list[i]! + `-----END ${type}-----`.length;
    for (let nl = text.indexOf('\n', lineAt); nl !== -1 && nl < m.index; nl = text.indexOf('\n', nl + 1)) line++;
    lineAt = m.index;
    out.push({ type, body: text.slice(bodyStart, list[i]), text: text.slice(m.index, stop), line });
    BEGIN.lastIndex = stop;
  }
  return out;
}

function field(dn: string, key: string): string[] {
  return dn
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith(`${key}=`))
    .map((l) => l.slice(key.length + 1));
}

/** One-line subject like `O=system:nodes, CN=system:node:k8s-node1`. */
export function oneLine(dn: string): string {
  return dn.split('\n').map((l) => l.trim()).filter(Boolean).join(', ');
}

export function certInfo(x: X509Certificate, source: string, index: number): CertInfo {
  const subject = oneLine(x.subject);
  const issuer = oneLine(x.issuer);
  const sans = (x.subjectAltName ?? '')
    .split(/,\s*/)
    .map((s) => s.trim())
    .filter(Boolean);
  let keyType: string | undefined;
  try {
    const k = x.publicKey;
    keyType = k.asymmetricKeyType === 'ec' ? `ECDSA ${k.asymmetricKeyDetails?.namedCurve ?? ''}`.trim() : k.asymmetricKeyType === 'rsa' ? `RSA ${k.asymmetricKeyDetails?.modulusLength ?? ''}`.trim() : k.asymmetricKeyType;
  } catch {
    keyType = undefined;
  }
  return {
    source,
    index,
    subject,
    cn: field(x.subject, 'CN')[0],
    orgs: field(x.subject, 'O'),
    issuer,
    issuerCN: field(x.issuer, 'CN')[0],
    notBefore: new Date(x.validFrom).toISOString(),
    notAfter: new Date(x.validTo).toISOString(),
    sans,
    serial: x.serialNumber,
    fingerprint256: x.fingerprint256,
    isCA: x.ca,
    selfSigned: x.subject === x.issuer && safe(() => x.verify(x.publicKey)) === true,
    keyType,
  };
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/** Parse every PEM block of `text` (certificates and private keys). `source` names it in messages. */
export function parsePem(text: string, source: string, at?: { file: string; line?: number }): PemBlocks {
  const out: PemBlocks = { certs: [], keys: [], problems: [], others: [] };
  let n = 0;
  for (const block of pemBlocks(text)) {
    const { type, line } = block;
    const m = [block.text, type, block.body] as const;
    n++;
    const body = m[2].replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) {
      out.problems.push(`${source}: line ${line}: ${type} block is not valid base64`);
      continue;
    }
    if (type === 'CERTIFICATE') {
      try {
        const x = new X509Certificate(m[0]);
        const info = certInfo(x, source, out.certs.length);
        info.file = at?.file ?? source;
        info.line = at ? at.line : line;
        out.certs.push({ info, x509: x });
      } catch (e) {
        out.problems.push(`${source}: line ${line}: CERTIFICATE block cannot be parsed (${(e as Error).message})`);
      }
    } else if (/PRIVATE KEY$/.test(type)) {
      try {
        out.keys.push(createPrivateKey(m[0]));
      } catch (e) {
        out.problems.push(`${source}: line ${line}: ${type} block cannot be parsed (${(e as Error).message.split('\n')[0]})`);
      }
    } else if (type === REDACTED_KEY_LABEL) {
      try {
        out.keys.push(createPublicKey({ key: Buffer.from(body, 'base64'), format: 'der', type: 'spki' }));
      } catch {
        out.problems.push(`${source}: line ${line}: the private key was redacted (the bundle kept no public part of it)`);
      }
    } else out.others.push(type);
  }
  if (n === 0) {
    const t = text.trim();
    out.problems.push(t === '' ? `${source}: file is empty` : `${source}: no PEM block (-----BEGIN ...-----) found`);
  }
  return out;
}

/** Decode a kubeconfig `*-data` field (base64 of PEM). */
export function decodeData(data: string, source: string): { ok: true; text: string } | { ok: false; reason: string } {
  const clean = data.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) return { ok: false, reason: `${source}: not valid base64` };
  const text = Buffer.from(clean, 'base64').toString('utf8');
  if (!text.includes('-----BEGIN')) return { ok: false, reason: `${source}: decodes to something that is not PEM` };
  return { ok: true, text };
}

/** Whether the private key belongs to the certificate. */
export function keyMatches(cert: X509Certificate, key: KeyObject): boolean {
  try {
    // a redacted key (REDACTED_KEY_LABEL) is its public part: the certificate's must be the same key
    return key.type === 'public' ? cert.publicKey.equals(key) : cert.checkPrivateKey(key);
  } catch {
    return false;
  }
}

/** Whether `cert` chains to one of `cas` (directly, or through intermediates also in `pool`). */
export function chainsTo(cert: X509Certificate, cas: X509Certificate[], pool: X509Certificate[] = []): boolean {
  let cur = cert;
  for (let depth = 0; depth < 8; depth++) {
    for (const ca of cas) if (safe(() => cur.checkIssued(ca) && cur.verify(ca.publicKey))) return true;
    const next = pool.find((p) => p !== cur && safe(() => cur.checkIssued(p) && cur.verify(p.publicKey)));
    if (!next) return false;
    cur = next;
  }
  return false;
}

/** Days from `now` to the certificate's notAfter (negative when expired). */
export function daysLeft(info: Pick<CertInfo, 'notAfter'>, now: Date): number {
  return Math.floor((Date.parse(info.notAfter) - now.getTime()) / 86_400_000);
}

/** A short human description: `CN=system:node:a, O=system:nodes (issuer CN=kubernetes, valid 2026-01-01 → 2027-01-01)`. */
export function describeCert(c: CertInfo): string {
  return `${c.subject} (issuer ${c.issuer}; valid ${c.notBefore.slice(0, 10)} → ${c.notAfter.slice(0, 10)})`;
}

/** A citation for a certificate (subject, issuer, dates — never key material). */
export function certCitation(c: CertInfo, field = 'subject', note?: string): import('../types.js').Citation {
  const value = field === 'issuer' ? c.issuer : field === 'notAfter' ? c.notAfter : c.subject;
  return {
    kind: 'certificate',
    source: c.file ?? c.source,
    ...(c.line !== undefined ? { line: c.line } : {}),
    text: `${field === 'subject' ? '' : `subject ${c.subject}; `}${field === 'issuer' ? '' : `issuer ${c.issuer}; `}valid ${c.notBefore} → ${c.notAfter}${c.sans.length ? `; SAN ${c.sans.join(', ')}` : ''}`,
    field,
    value,
    ...(note || c.source !== (c.file ?? c.source) ? { note: [c.source !== c.file ? c.source.split(': ').pop() : '', note].filter(Boolean).join('; ') } : {}),
  };
}
