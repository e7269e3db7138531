// Collector for the `kubeconfig` evidence kind: the kubelet's kubeconfig and bootstrap kubeconfig
// (current context, server, cluster CA, client certificate and key — embedded `*-data` or files
// relative to the kubeconfig's folder, symlinks resolved inside the root), the kubelet's serving
// certificate (tlsCertFile, or kubelet-server-current.pem / kubelet.crt in the cert dir) and the
// client CA file it uses to authenticate callers (authentication.x509.clientCAFile).
//
// Facts only: subjects, issuers, dates, SANs, whether key and certificate match, whether the
// certificate chains to the kubeconfig's CA, whether a token is present. Never key material, never tokens.

import { posix } from 'node:path';
import type { X509Certificate } from 'node:crypto';
import type { Availability } from '../evidence.js';
import { parseYamlSafe } from '../yaml.js';
import { chainsTo, decodeData, keyMatches, parsePem, type CertInfo } from './cert-info.js';
import type { CollectContext } from './index.js';
import type { KubeletConfigEvidence, Setting } from './kubelet-config.js';
import { displayPath, nodeExists, nodeLinkTarget, nodeResolve, readNodeFile } from './node-fs.js';

export interface PemSource {
  /** `embedded` (`*-data` in the kubeconfig) or `file`. */
  from: 'embedded' | 'file';
  /** The file on the node (for `file`), as written in the kubeconfig and resolved. */
  path?: string;
  display: string;
  /** A symlink's target as written (`kubelet-client-current.pem -> /var/lib/...pem`). */
  linkTarget?: string;
  problem?: string;
}

export interface KubeconfigFile {
  role: 'kubeconfig' | 'bootstrap';
  /** Node path of the kubeconfig. */
  path: string;
  display: string;
  /** Where the path came from (the kubelet flag), when known. */
  named?: Setting<string>;
  found: boolean;
  /** Why it could not be used (missing, unparseable, no current context …). */
  problem?: string;
  currentContext?: string;
  cluster?: string;
  user?: string;
  server?: string;
  insecureSkipTLSVerify?: boolean;
  ca?: PemSource & { certs: CertInfo[] };
  clientCert?: PemSource & { cert?: CertInfo; extra: CertInfo[] };
  clientKey?: PemSource & { present: boolean };
  /** The private key matches the client certificate (undefined when either is missing). */
  keyMatchesCert?: boolean;
  /** The client certificate chains to the kubeconfig's CA (undefined when either is missing). */
  chainsToCA?: boolean;
  token: boolean;
  tokenFile?: string;
  /** Bootstrap token id (`abcdef` of `abcdef.0123456789abcdef`) — the id is not secret, the rest is. */
  bootstrapTokenId?: string;
  exec?: string;
  authProvider?: string;
  problems: string[];
}

export interface ServingCert {
  from: 'tlsCertFile' | 'cert-dir';
  path: string;
  display: string;
  found: boolean;
  linkTarget?: string;
  cert?: CertInfo;
  keyPath?: string;
  keyMatchesCert?: boolean;
  problem?: string;
}

export interface ClientCA {
  setting: Setting<string>;
  path: string;
  display: string;
  found: boolean;
  /** False when a captured tree (--root) lacks even the file's folder: not captured, rather than missing. */
  captured: boolean;
  certs: CertInfo[];
  problem?: string;
}

export interface KubeconfigEvidence {
  /** The kubelet's kubeconfig (--kubeconfig), or the first candidate found. */
  kubeconfig?: KubeconfigFile;
  bootstrap?: KubeconfigFile;
  /** The kubelet is configured with neither --kubeconfig nor --bootstrap-kubeconfig (standalone). */
  standalone: boolean;
  /** Paths looked at when the kubelet's own flags were unknown. */
  searched: string[];
  serving?: ServingCert;
  clientCA?: ClientCA;
  certDir: string;
  /** False when a captured tree (--root) has no cert dir at all (not captured, rather than empty). */
  certDirCaptured: boolean;
}

/** Where kubeconfigs live when the kubelet's flags are unknown (kubeadm, hard-way, k3s, rke2, microk8s). */
export const KUBECONFIG_CANDIDATES = [
  '/etc/kubernetes/kubelet.conf',
  '/var/lib/kubelet/kubeconfig',
  '/etc/kubernetes/kubelet.kubeconfig',
  '/var/lib/kubelet/kubeconfig.yaml',
  '/var/lib/rancher/k3s/agent/kubelet.kubeconfig',
  '/var/lib/rancher/rke2/agent/kubelet.kubeconfig',
  '/var/snap/microk8s/current/credentials/kubelet.config',
];
export const BOOTSTRAP_CANDIDATES = ['/etc/kubernetes/bootstrap-kubelet.conf', '/var/lib/kubelet/bootstrap-kubeconfig', '/etc/kubernetes/kubelet-bootstrap.kubeconfig'];

interface Loaded {
  /** For embedded data: the kubeconfig and the line of its `*-data:` key (citations point there). */
  at?: { file: string; line?: number };
  text: string;
  path?: string;
  display: string;
  linkTarget?: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const named = (list: unknown, name: string | undefined): Obj | undefined => {
  if (!Array.isArray(list)) return undefined;
  const hit = list.find((e) => obj(e).name === name);
  return hit ? obj(hit) : undefined;
};

export function readKubeconfig(root: string, nodePath: string, role: KubeconfigFile['role'], namedBy?: Setting<string>): { file: KubeconfigFile; material?: KubeconfigMaterial } {
  const f = readNodeFile(root, nodePath);
  const base: KubeconfigFile = { role, path: nodePath, display: f.display, ...(namedBy ? { named: namedBy } : {}), found: f.ok, token: false, problems: [] };
  if (!f.ok) return { file: { ...base, problem: f.missing ? `${f.display} does not exist` : f.reason } };
  let doc: Obj;
  try {
    doc = obj(parseYamlSafe(f.text, f.display, base.problems));
  } catch (e) {
    return { file: { ...base, problem: (e as Error).message } };
  }
  const dir = posix.dirname(f.realPath);
  const file: KubeconfigFile = { ...base };
  const current = typeof doc['current-context'] === 'string' ? (doc['current-context'] as string) : undefined;
  file.currentContext = current;
  let ctxObj = named(doc.contexts, current);
  if (!ctxObj && Array.isArray(doc.contexts) && doc.contexts.length === 1) ctxObj = obj(doc.contexts[0]);
  if (!ctxObj) {
    file.problem = current ? `${f.display}: current-context "${current}" is not among its contexts` : `${f.display}: no current-context and no single context`;
    return { file };
  }
  const context = obj(ctxObj.context);
  file.cluster = context.cluster as string | undefined;
  file.user = context.user as string | undefined;
  const cluster = obj(named(doc.clusters, file.cluster)?.cluster);
  const user = obj(named(doc.users, file.user)?.user);
  if (!named(doc.clusters, file.cluster)) file.problems.push(`${f.display}: cluster "${file.cluster}" of context "${current}" is not defined`);
  if (!named(doc.users, file.user)) file.problems.push(`${f.display}: user "${file.user}" of context "${current}" is not defined`);
  file.server = typeof cluster.server === 'string' ? cluster.server : undefined;
  if (!file.server) file.problems.push(`${f.display}: cluster "${file.cluster}" has no server`);
  file.insecureSkipTLSVerify = cluster['insecure-skip-tls-verify'] === true || undefined;

  const material: KubeconfigMaterial = { server: file.server, insecure: file.insecureSkipTLSVerify };
  const load = (dataKey: string, pathKey: string, from: Obj, what: string): Loaded | { problem: string; display: string; path?: string } | undefined => {
    const data = from[dataKey];
    const p = from[pathKey];
    if (typeof data === 'string' && data.trim() !== '') {
      const src = `${f.display}: ${dataKey}`;
      const d = decodeData(data, src);
      return d.ok ? { text: d.text, display: src, at: { file: f.display, line: keyLine(f.text, dataKey, what === 'CA file' ? file.cluster : file.user) } } : { problem: d.reason, display: src };
    }
    if (typeof p === 'string' && p !== '') {
      const np = nodeResolve(dir, p);
      const r = readNodeFile(root, np);
      const link = nodeLinkTarget(root, np);
      if (!r.ok) return { problem: `${what} ${r.display} (${pathKey} in ${f.display}): ${r.missing ? 'does not exist' : r.reason}`, display: r.display, path: np };
      return { text: r.text, path: np, display: r.display, ...(link ? { linkTarget: link } : {}) };
    }
    return undefined;
  };

  // cluster CA
  const ca = load('certificate-authority-data', 'certificate-authority', cluster, 'CA file');
  let caCerts: X509Certificate[] = [];
  if (ca) {
    if ('problem' in ca) file.ca = { from: ca.path ? 'file' : 'embedded', path: ca.path, display: ca.display, problem: ca.problem, certs: [] };
    else {
      const pem = parsePem(ca.text, ca.display, ca.at);
      caCerts = pem.certs.map((c) => c.x509);
      file.ca = { from: ca.path ? 'file' : 'embedded', path: ca.path, display: ca.display, certs: pem.certs.map((c) => c.info), ...(pem.problems.length ? { problem: pem.problems.join('; ') } : {}) };
      material.ca = ca.text;
    }
  }
  // client certificate and key (kubelet-client-current.pem often holds both)
  const cc = load('client-certificate-data', 'client-certificate', user, 'client certificate');
  const ck = load('client-key-data', 'client-key', user, 'client key');
  let certX: X509Certificate | undefined;
  let pool: X509Certificate[] = [];
  if (cc) {
    if ('problem' in cc) file.clientCert = { from: cc.path ? 'file' : 'embedded', path: cc.path, display: cc.display, problem: cc.problem, extra: [] };
    else {
      const pem = parsePem(cc.text, cc.display, cc.at);
      certX = pem.certs[0]?.x509;
      pool = pem.certs.slice(1).map((c) => c.x509);
      file.clientCert = {
        from: cc.path ? 'file' : 'embedded',
        path: cc.path,
        display: cc.display,
        ...(cc.linkTarget ? { linkTarget: cc.linkTarget } : {}),
        cert: pem.certs[0]?.info,
        extra: pem.certs.slice(1).map((c) => c.info),
        ...(pem.problems.length || !pem.certs.length ? { problem: [...pem.problems, ...(pem.certs.length ? [] : [`${cc.display}: no CERTIFICATE block`])].join('; ') } : {}),
      };
      material.cert = cc.text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)?.join('\n');
    }
  }
  if (ck) {
    if ('problem' in ck) file.clientKey = { from: ck.path ? 'file' : 'embedded', path: ck.path, display: ck.display, problem: ck.problem, present: false };
    else {
      const pem = parsePem(ck.text, ck.display, ck.at);
      const key = pem.keys[0];
      file.clientKey = {
        from: ck.path ? 'file' : 'embedded',
        path: ck.path,
        display: ck.display,
        present: !!key,
        ...(ck.linkTarget ? { linkTarget: ck.linkTarget } : {}),
        ...(!key ? { problem: pem.problems.join('; ') || `${ck.display}: no PRIVATE KEY block` } : {}),
      };
      if (key && certX) file.keyMatchesCert = keyMatches(certX, key);
      material.key = ck.text.match(/-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/)?.[0];
    }
  }
  if (certX && caCerts.length) file.chainsToCA = chainsTo(certX, caCerts, pool);

  // tokens: presence only
  if (typeof user.token === 'string' && user.token !== '') {
    file.token = true;
    const m = /^([a-z0-9]{6})\.[a-z0-9]{16}$/.exec(user.token);
    if (m) file.bootstrapTokenId = m[1];
    material.token = user.token;
  }
  if (typeof user.tokenFile === 'string') file.tokenFile = nodeResolve(dir, user.tokenFile);
  if (user.exec) file.exec = String(obj(user.exec).command ?? 'exec plugin');
  if (user['auth-provider']) file.authProvider = String(obj(user['auth-provider']).name ?? 'auth-provider');
  if (!cc && !file.token && !file.tokenFile && !file.exec && !file.authProvider && !user.username) file.problems.push(`${f.display}: user "${file.user}" has no credentials (no client certificate, token or exec plugin)`);
  return { file, material };
}

/** What the node collector needs to dial the API server (kept in memory, never in evidence). */
export interface KubeconfigMaterial {
  server?: string;
  insecure?: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
}

const materials = new WeakMap<KubeconfigEvidence, KubeconfigMaterial>();

/** Credentials for the API client (node collector only). */
export function kubeconfigMaterial(ev: KubeconfigEvidence): KubeconfigMaterial | undefined {
  return materials.get(ev);
}

export async function collect(ctx: CollectContext): Promise<Availability<KubeconfigEvidence>> {
  const root = ctx.opts.root;
  const kc = await ctx.get('kubeletConfig');
  const kcfg = kc.ok ? (kc.value as KubeletConfigEvidence) : undefined;
  const eff = kcfg?.settings;
  const searched: string[] = [];
  const certDirPath = eff?.certDir.value ?? '/var/lib/kubelet/pki';
  const captured = (p: string) => root === '/' || nodeExists(root, posix.dirname(p));
  const ev: KubeconfigEvidence = { standalone: false, searched, certDir: certDirPath, certDirCaptured: root === '/' || nodeExists(root, certDirPath) };
  let material: KubeconfigMaterial | undefined;

  const note = (file: KubeconfigFile) => ctx.source({ name: file.display, kind: 'collector', format: 'kubeconfig', problems: [...(file.problem ? [file.problem] : []), ...file.problems] });
  if (eff?.kubeconfig?.value) {
    const r = readKubeconfig(root, eff.kubeconfig.value, 'kubeconfig', eff.kubeconfig);
    ev.kubeconfig = r.file;
    material = r.material;
    note(r.file);
  }
  if (eff?.bootstrapKubeconfig?.value) {
    const r = readKubeconfig(root, eff.bootstrapKubeconfig.value, 'bootstrap', eff.bootstrapKubeconfig);
    ev.bootstrap = r.file;
    if (r.file.found) note(r.file);
  }
  if (kcfg && !eff?.kubeconfig && !eff?.bootstrapKubeconfig) ev.standalone = true;
  if (!kcfg) {
    // the kubelet's flags are unknown: look where installers put them
    for (const p of KUBECONFIG_CANDIDATES) {
      searched.push(p);
      const r = readKubeconfig(root, p, 'kubeconfig');
      if (r.file.found) {
        ev.kubeconfig = r.file;
        material = r.material;
        note(r.file);
        break;
      }
    }
    for (const p of BOOTSTRAP_CANDIDATES) {
      const r = readKubeconfig(root, p, 'bootstrap');
      if (r.file.found) {
        ev.bootstrap = r.file;
        note(r.file);
        break;
      }
    }
  }

  // serving certificate
  const certDir = ev.certDir;
  // with serverTLSBootstrap the kubelet never makes a self-signed kubelet.crt: only the rotated pair counts
  const servingCandidates: { from: ServingCert['from']; path: string; key?: string }[] = eff?.tlsCertFile?.value
    ? [{ from: 'tlsCertFile', path: eff.tlsCertFile.value, key: eff.tlsPrivateKeyFile?.value }]
    : eff?.serverTLSBootstrap.value === true
      ? [{ from: 'cert-dir', path: posix.join(certDir, 'kubelet-server-current.pem') }]
      : [
        { from: 'cert-dir', path: posix.join(certDir, 'kubelet-server-current.pem') },
        { from: 'cert-dir', path: posix.join(certDir, 'kubelet.crt'), key: posix.join(certDir, 'kubelet.key') },
      ];
  for (const c of servingCandidates) {
    const f = readNodeFile(root, c.path);
    if (!f.ok) {
      if (c.from === 'tlsCertFile') ev.serving = { from: c.from, path: c.path, display: f.display, found: false, problem: f.reason };
      continue;
    }
    const pem = parsePem(f.text, f.display);
    const link = nodeLinkTarget(root, c.path);
    const s: ServingCert = { from: c.from, path: c.path, display: f.display, found: true, ...(link ? { linkTarget: link } : {}), cert: pem.certs[0]?.info };
    if (pem.problems.length) s.problem = pem.problems.join('; ');
    let keys = pem.keys;
    if (!keys.length && c.key) {
      const k = readNodeFile(root, c.key);
      s.keyPath = c.key;
      if (k.ok) keys = parsePem(k.text, k.display).keys;
    }
    if (keys[0] && pem.certs[0]) s.keyMatchesCert = keyMatches(pem.certs[0].x509, keys[0]);
    ev.serving = s;
    ctx.source({ name: f.display, kind: 'collector', format: 'pem', problems: s.problem ? [s.problem] : [] });
    break;
  }

  // client CA file (authenticates callers of the kubelet's :10250)
  if (eff?.clientCAFile?.value) {
    const p = eff.clientCAFile.value;
    const f = readNodeFile(root, p);
    const ca: ClientCA = { setting: eff.clientCAFile, path: p, display: displayPath(root, p), found: f.ok, captured: f.ok || captured(p), certs: [] };
    if (!f.ok) ca.problem = f.missing ? `${ca.display} does not exist` : f.reason;
    else {
      const pem = parsePem(f.text, f.display);
      ca.certs = pem.certs.map((c) => c.info);
      if (!pem.certs.length) ca.problem = pem.problems.join('; ') || `${f.display}: no CERTIFICATE block`;
      else if (pem.problems.length) ca.problem = pem.problems.join('; ');
    }
    ev.clientCA = ca;
  }

  if (!kcfg && !ev.kubeconfig && !ev.bootstrap) {
    const [first, ...rest] = KUBECONFIG_CANDIDATES.map((p) => displayPath(root, p));
    return { ok: false, reason: `kubeconfig: ${first} not found (also tried ${[...rest, ...BOOTSTRAP_CANDIDATES.map((p) => displayPath(root, p))].join(', ')}); the kubelet's own flags are unknown (${kc.ok ? '' : kc.reason})` };
  }
  if (material) materials.set(ev, material);
  return { ok: true, value: ev };
}

/** Line (1-based) of `key:` in a kubeconfig, preferring the one after the named cluster/user entry. */
function keyLine(text: string, key: string, entryName: string | undefined): number | undefined {
  const lines = text.split('\n');
  const keyRe = new RegExp(`^\\s*${key}:`);
  let from = 0;
  if (entryName) {
    const nameAt = lines.findIndex((l) => l.replace(/["']/g, '').trim().replace(/^- /, '') === `name: ${entryName}`);
    if (nameAt >= 0) from = Math.max(0, nameAt - 4); // the key may precede `name:` in the same entry
  }
  const i = lines.findIndex((l, n) => n >= from && keyRe.test(l));
  const j = i >= 0 ? i : lines.findIndex((l) => keyRe.test(l));
  return j >= 0 ? j + 1 : undefined;
}
