// The subject of a PKCS#10 certificate signing request (the `spec.request` of a CertificateSigningRequest),
// which Node's crypto cannot decode (it has X509Certificate, nothing for requests). node-forge reads the
// ASN.1 only: its request parser would also parse the public key, and the kubelet's requests are ECDSA
// P-256, which node-forge refuses ("OID is not RSA"). Only the subject is read; the signature is not
// checked (the API server checked it when it accepted the object).

import { createRequire } from 'node:module';
import type Forge from 'node-forge';

// loaded on the first request decoded: node-forge costs ~50 ms of start-up, and most scans read no CSR
let lib: typeof Forge | undefined;
const forgeLib = (): typeof Forge => (lib ??= createRequire(import.meta.url)('node-forge') as typeof Forge);

export interface CsrSubject {
  cn?: string;
  organizations: string[];
}

/** Decode `spec.request` (base64 of a PEM CSR, as the API serves it); an error says why not. */
export function csrSubject(request: string): { ok: true; subject: CsrSubject } | { ok: false; reason: string } {
  try {
    const pem = Buffer.from(request, 'base64').toString('latin1');
    const m = /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([\s\S]*?)-----END (?:NEW )?CERTIFICATE REQUEST-----/.exec(pem);
    if (!m) return { ok: false, reason: 'not a PEM certificate request' };
    const forge = forgeLib();
    const der = forge.util.decode64(m[1]!.replace(/\s+/g, ''));
    // CertificationRequest ::= SEQUENCE { certificationRequestInfo SEQUENCE { version, subject Name, … }, … }
    const root = forge.asn1.fromDer(der, true);
    const info = (root.value as Forge.asn1.Asn1[])[0];
    const subject = info && Array.isArray(info.value) ? (info.value as Forge.asn1.Asn1[])[1] : undefined;
    if (!subject) return { ok: false, reason: 'no subject in the certificate request' };
    // RDNAttributesAsArray is public node-forge API that @types/node-forge leaves out
    const rdn = (forge.pki as unknown as { RDNAttributesAsArray(n: Forge.asn1.Asn1): { shortName?: string; value?: unknown }[] }).RDNAttributesAsArray;
    const attrs = rdn(subject);
    const cn = attrs.find((a) => a.shortName === 'CN')?.value;
    return {
      ok: true,
      subject: {
        ...(typeof cn === 'string' ? { cn } : {}),
        organizations: attrs.filter((a) => a.shortName === 'O' && typeof a.value === 'string').map((a) => a.value as string),
      },
    };
  } catch (e) {
    return { ok: false, reason: `unreadable certificate request: ${(e as Error).message}` };
  }
}
