// Collector for the `node` evidence kind: the Node object as the API server sees it — spec.podCIDR(s),
// conditions, taints, addresses, nodeInfo — plus this node's certificate signing requests and recent
// events. From a saved file (--node: `kubectl get node X -o yaml|json`, a NodeList, or a `List` that
// also holds CertificateSigningRequests and Events), or live from the API server when opts.useApi is set,
// using --kubeconfig or the kubelet's own kubeconfig.

import { csrSubject, type CsrSubject } from './csr-request.js';
import { join, resolve } from 'node:path';
import { probe, readText } from './proc-fs.js';
import os from 'node:os';
import type { Availability } from '../evidence.js';
import { parseYamlSafe } from '../yaml.js';
import type { CollectContext } from './index.js';
import type { KubeletConfigEvidence } from './kubelet-config.js';
import { kubeconfigMaterial, type KubeconfigEvidence } from './kubeconfig.js';

export interface NodeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface CsrInfo {
  name: string;
  signerName?: string;
  username?: string;
  /** Pending, Approved (not yet issued), Issued, Denied or Failed. */
  state: 'Pending' | 'Approved' | 'Issued' | 'Denied' | 'Failed';
  created?: string;
  /** The node the CSR is for: the `system:node:<name>` requestor, else the request's subject CN. */
  node?: string;
  /** The subject the request asks for (decoded from spec.request), or why it could not be read. */
  subject?: CsrSubject;
  requestProblem?: string;
}

export interface NodeEventInfo {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string;
}

export interface NodeEvidence {
  /** `file` (--node) or `api`. */
  from: 'file' | 'api';
  /** The file (as given) or `<server>/api/v1/nodes/<name>`. */
  source: string;
  name: string;
  podCIDR?: string;
  podCIDRs: string[];
  conditions: NodeCondition[];
  taints: { key: string; value?: string; effect: string }[];
  addresses: { type: string; address: string }[];
  kubeletVersion?: string;
  containerRuntimeVersion?: string;
  unschedulable: boolean;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  creationTimestamp?: string;
  /** This node's CSRs; undefined when unknown (not in the file, or the API refused to list them). */
  csrs?: CsrInfo[];
  /** Events about this node; undefined when unknown. */
  events?: NodeEventInfo[];
  /** Partial failures (CSRs or events could not be listed), said plainly. */
  problems: string[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : undefined);

export function nodeFromObject(n: Obj, from: NodeEvidence['from'], source: string): NodeEvidence {
  const meta = obj(n.metadata);
  const spec = obj(n.spec);
  const status = obj(n.status);
  const info = obj(status.nodeInfo);
  const podCIDRs = arr(spec.podCIDRs).map(String);
  return {
    from,
    source,
    name: String(meta.name ?? ''),
    podCIDR: str(spec.podCIDR) || podCIDRs[0] || undefined,
    podCIDRs,
    conditions: arr(status.conditions).map((c) => {
      const o = obj(c);
      return { type: String(o.type), status: String(o.status), reason: str(o.reason), message: str(o.message), lastTransitionTime: str(o.lastTransitionTime) };
    }),
    taints: arr(spec.taints).map((t) => {
      const o = obj(t);
      return { key: String(o.key), value: str(o.value), effect: String(o.effect) };
    }),
    addresses: arr(status.addresses).map((a) => ({ type: String(obj(a).type), address: String(obj(a).address) })),
    kubeletVersion: str(info.kubeletVersion),
    containerRuntimeVersion: str(info.containerRuntimeVersion),
    unschedulable: spec.unschedulable === true,
    annotations: Object.fromEntries(Object.entries(obj(meta.annotations)).map(([k, v]) => [k, String(v)])),
    labels: Object.fromEntries(Object.entries(obj(meta.labels)).map(([k, v]) => [k, String(v)])),
    creationTimestamp: str(meta.creationTimestamp),
    problems: [],
  };
}

export function csrFromObject(c: Obj): CsrInfo {
  const meta = obj(c.metadata);
  const spec = obj(c.spec);
  const conds = arr(obj(c.status).conditions).map((x) => String(obj(x).type));
  const issued = !!str(obj(c.status).certificate);
  const state: CsrInfo['state'] = conds.includes('Denied') ? 'Denied' : conds.includes('Failed') ? 'Failed' : conds.includes('Approved') ? (issued ? 'Issued' : 'Approved') : 'Pending';
  const username = str(spec.username);
  // a bootstrap token asks for a node's client certificate: the node is named only in the request's subject
  const request = str(spec.request);
  const decoded = request ? csrSubject(request) : undefined;
  const subject = decoded?.ok ? decoded.subject : undefined;
  const fromSubject = subject?.cn?.startsWith('system:node:') ? subject.cn.slice('system:node:'.length) : undefined;
  const node = username?.startsWith('system:node:') ? username.slice('system:node:'.length) : fromSubject;
  return {
    name: String(meta.name ?? ''),
    signerName: str(spec.signerName),
    username,
    state,
    created: str(meta.creationTimestamp),
    ...(node ? { node } : {}),
    ...(subject ? { subject } : {}),
    ...(decoded && !decoded.ok ? { requestProblem: decoded.reason } : {}),
  };
}

export function eventFromObject(e: Obj): NodeEventInfo {
  return { type: str(e.type), reason: str(e.reason), message: str(e.message), count: typeof e.count === 'number' ? e.count : undefined, lastTimestamp: str(e.lastTimestamp) ?? str(e.eventTime) };
}

/** The node name to look for: --hostname-override, the kubelet's flags, /etc/hostname, the cert CN. */
function wantedName(ctx: CollectContext, kcfg?: KubeletConfigEvidence, kube?: KubeconfigEvidence): string | undefined {
  if (ctx.opts.hostnameOverride) return ctx.opts.hostnameOverride.toLowerCase();
  if (kcfg?.settings.nodeName) return kcfg.settings.nodeName.value;
  const cn = kube?.kubeconfig?.clientCert?.cert?.cn;
  if (cn?.startsWith('system:node:')) return cn.slice('system:node:'.length);
  return ctx.opts.live ? os.hostname().toLowerCase() : undefined;
}

/**
 * The Node object from a file, through the one rooted reader (regular files only, 4 MiB cap, symlinks
 * kept inside the root): `--node FILE` is read under `/` (the path the user gave), `DIR/node.yaml` under
 * the capture, so a link in a capture cannot lead out of it, and a FIFO or /dev/zero is refused.
 */
function fromFile(root: string, nodePath: string, file: string, want: string | undefined, given: boolean): Availability<NodeEvidence> {
  const r = readText(root, nodePath);
  if (!r.ok) return { ok: false, reason: `node: cannot read ${given ? '--node ' : ''}${file}: ${r.reason.replace(r.path, file)}` };
  if (r.truncated) return { ok: false, reason: `node: ${file} is larger than 4 MiB; not read` };
  const text = r.text;
  let doc: Obj;
  const warnings: string[] = [];
  try {
    doc = obj(parseYamlSafe(text, file, warnings));
  } catch (e) {
    return { ok: false, reason: `node: ${(e as Error).message}` };
  }
  const items = doc.kind === 'Node' ? [doc] : arr(doc.items).map(obj);
  const nodes = items.filter((i) => i.kind === 'Node' || (doc.kind === 'NodeList' && !i.kind));
  if (!nodes.length) return { ok: false, reason: `node: ${file} holds no Node object (kind ${String(doc.kind ?? 'missing')}); save one with kubectl get node NAME -o yaml` };
  let node = nodes.find((n) => obj(n.metadata).name === want);
  if (!node && nodes.length === 1) node = nodes[0];
  if (!node) return { ok: false, reason: `node: ${file} holds ${nodes.length} nodes and none is named ${want ?? '(node name unknown: pass --hostname-override)'}` };
  const ev = nodeFromObject(node, 'file', file);
  const csrs = items.filter((i) => i.kind === 'CertificateSigningRequest');
  const events = items.filter((i) => i.kind === 'Event');
  if (csrs.length) ev.csrs = csrs.map(csrFromObject);
  if (events.length) ev.events = events.filter((e) => obj(e.involvedObject).name === ev.name || obj(e.regarding).name === ev.name).map(eventFromObject);
  ev.problems.push(...warnings);
  return { ok: true, value: ev };
}

async function fromApi(ctx: CollectContext, want: string | undefined, kube?: KubeconfigEvidence): Promise<Availability<NodeEvidence>> {
  const { makeApiClient } = await import('./api-client.js');
  const material = kube ? kubeconfigMaterial(kube) : undefined;
  if (!ctx.opts.kubeconfig && !material?.server) return { ok: false, reason: 'node: no kubeconfig to reach the API server (pass --kubeconfig, or --node FILE)' };
  if (!want) return { ok: false, reason: 'node: the node name is unknown (pass --hostname-override NAME)' };
  let client;
  try {
    client = await makeApiClient({ kubeconfigFile: ctx.opts.kubeconfig, context: ctx.opts.kubeContext, material });
  } catch (e) {
    return { ok: false, reason: `node: cannot use the kubeconfig: ${(e as Error).message}` };
  }
  const path = `/api/v1/nodes/${encodeURIComponent(want)}`;
  let res;
  try {
    res = await client.readNode(want);
  } catch (e) {
    return { ok: false, reason: `node: API server ${client.server} unreachable: ${(e as Error).message}` };
  }
  if (res.status !== 200) {
    const msg = String(obj(res.json).message ?? '');
    return { ok: false, reason: `node: GET ${client.server}${path} answered ${res.status}${msg ? `: ${msg}` : ''}` };
  }
  ctx.opts.onApiAnswer?.('node', res.json);
  const ev = nodeFromObject(obj(res.json), 'api', `${client.server}${path}`);
  ctx.source({ name: `${client.server}${path}`, kind: 'api', format: 'json', problems: [] });
  // CSRs and events are extras: a refusal leaves them unknown, not empty
  try {
    const r = await client.listCertificateSigningRequests();
    if (r.status === 200) ctx.opts.onApiAnswer?.('csrs', r.json);
    if (r.status === 200) ev.csrs = arr(obj(r.json).items).map((i) => csrFromObject(obj(i)));
    else ev.problems.push(`certificatesigningrequests: ${r.status} ${String(obj(r.json).message ?? '')}`.trim());
  } catch (e) {
    ev.problems.push(`certificatesigningrequests: ${(e as Error).message}`);
  }
  try {
    const r = await client.listNodeEvents(want);
    if (r.status === 200) ctx.opts.onApiAnswer?.('events', r.json);
    if (r.status === 200) ev.events = arr(obj(r.json).items).map((i) => eventFromObject(obj(i)));
    else ev.problems.push(`events: ${r.status} ${String(obj(r.json).message ?? '')}`.trim());
  } catch (e) {
    ev.problems.push(`events: ${(e as Error).message}`);
  }
  return { ok: true, value: ev };
}

export async function collect(ctx: CollectContext): Promise<Availability<NodeEvidence>> {
  const kc = await ctx.get('kubeletConfig');
  const kcfg = kc.ok ? (kc.value as KubeletConfigEvidence) : undefined;
  const needKube = !ctx.opts.hostnameOverride || (ctx.opts.useApi && !ctx.opts.kubeconfig && !ctx.opts.nodeFile);
  const kb = needKube ? await ctx.get('kubeconfig') : undefined;
  const kube = kb?.ok ? (kb.value as KubeconfigEvidence) : undefined;
  const want = wantedName(ctx, kcfg, kube);
  // a captured tree may carry the Node object saved beside it (kubectl get node X -o yaml > DIR/node.yaml)
  let nodeFile = ctx.opts.nodeFile;
  let read: { root: string; path: string } | undefined = nodeFile ? { root: '/', path: resolve(nodeFile) } : undefined;
  if (!nodeFile && !ctx.opts.live && !ctx.opts.useApi) {
    const inTree = ['/node.yaml', '/node.yml', '/node.json'].find((f) => probe(ctx.opts.root, f).ok);
    if (inTree) {
      read = { root: ctx.opts.root, path: inTree };
      nodeFile = join(ctx.opts.root, inTree);
    }
  }
  if (nodeFile && read) {
    const r = fromFile(read.root, read.path, nodeFile, want, read.root === '/');
    // a Node object that was given (or saved in the tree) and cannot be used is a problem of that input, in every format
    ctx.source({ name: nodeFile, kind: 'file', format: 'node', problems: r.ok ? [...r.value.problems] : [r.reason] });
    return r;
  }
  if (!ctx.opts.useApi) return { ok: false, reason: `node: no Node object (pass --node FILE saved with kubectl get node NAME -o yaml${ctx.opts.live ? '' : ', or put it in the tree as node.yaml'}, or --api)` };
  const api = await fromApi(ctx, want, kube);
  // an API server that was to be asked and could not be is said as a problem, not only as skipped rules
  if (!api.ok) ctx.source({ name: 'API server (Node object)', kind: 'api', problems: [api.reason] });
  return api;
}
