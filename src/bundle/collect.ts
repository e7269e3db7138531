// `kubelet-doctor collect`: a redacted bundle of one node (tar.gz) in the `--root` layout, so that
// `scan --bundle` (or `scan --root` on it unpacked) gives the diagnosis a scan on the node gives. The
// collectors own the paths: every collector runs here with a read log (collectors/proc-fs.ts), and the
// bundle takes exactly the files, folders, links and sockets they looked at. Plus, on a live node, the
// kubelet's and the runtime's journal since --since, and the API's answers (Node, CSRs, events).
// Everything is redacted on the way in (bundle/redact-files.ts); the manifest says what was taken, what
// was redacted and what could not be read, and why.

import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import { COLLECTORS, collectEvidence } from '../collectors/index.js';
import { readText, withReadLog, type ReadLogEntry } from '../collectors/proc-fs.js';
import type { KubeletConfigEvidence } from '../collectors/kubelet-config.js';
import type { EvidenceKind } from '../evidence.js';
import { journalctlArgs } from '../journal/read.js';
import { loadRules } from '../rules/load.js';
import { stateWants } from '../rules/state-match.js';
import { TOOL_VERSION } from '../version.js';
import { MANIFEST_PATH, JOURNAL_DIR, type BundleManifest } from './manifest.js';
import { redactFile, redactText } from './redact-files.js';
import { TarWriter } from './tar.js';

export interface CollectBundleOptions {
  /** The .tar.gz to write. */
  output: string;
  /** A captured tree instead of this node. */
  root?: string;
  since?: string;
  boot?: string | boolean;
  /** Journal files to include as the kubelet's journal (e.g. with --root). */
  journals?: string[];
  kubeconfig?: string;
  /** Ask the API server (default: on a live node). */
  useApi?: boolean;
  hostnameOverride?: string;
  now?: Date;
  /** Progress lines (stderr). */
  onProgress?: (line: string) => void;
}

/** The runtimes' systemd units whose journal goes beside the kubelet's. */
const RUNTIME_UNITS = ['containerd', 'crio', 'docker', 'cri-docker'];
/** Bound on one journal in a bundle: the newest part of a longer one is what a diagnosis needs least… so the oldest is kept, and the cut said. */
const MAX_JOURNAL_BYTES = 256 * 1024 * 1024;
/** Redactions listed one by one per file; beyond that only counted. */
const MAX_LISTED_REDACTIONS = 200;

const rel = (nodePath: string) => nodePath.replace(/^\/+/, '');

/** Write the bundle; returns its manifest (also inside the bundle). */
export async function collectBundle(o: CollectBundleOptions): Promise<BundleManifest> {
  const root = o.root ?? '/';
  const live = !o.root;
  const now = o.now ?? new Date();
  const log: ReadLogEntry[] = [];
  const api: { node?: unknown; csrs?: unknown; events?: unknown } = {};
  const kinds = Object.keys(COLLECTORS) as EvidenceKind[];
  // the sysctls and paths the built-in rules' node-state conditions name go into the bundle too: a scan of the
  // bundle must not take one that was never captured for one the node lacks
  const wants = stateWants((await loadRules()).rules);
  o.onProgress?.(`collect: reading ${live ? 'this node' : root} as the collectors do`);
  const { evidence } = await withReadLog(
    (e) => log.push(e),
    () =>
      collectEvidence(kinds, {
        root,
        live,
        now,
        kubeconfig: o.kubeconfig,
        useApi: o.useApi ?? live,
        hostnameOverride: o.hostnameOverride,
        onApiAnswer: (what, json) => (api[what] = json),
        wants,
      }),
  );
  const kcfg = evidence.get('kubeletConfig');
  const kubelet = kcfg?.ok ? (kcfg.value as KubeletConfigEvidence) : undefined;
  const nodeEv = evidence.get('node');
  const manifest: BundleManifest = {
    kind: 'kubelet-doctor-bundle',
    version: 1,
    tool: { name: 'kubelet-doctor', version: TOOL_VERSION },
    createdAt: now.toISOString(),
    source: live ? 'live' : 'capture',
    node: (nodeEv?.ok ? (nodeEv.value as { name?: string }).name : undefined) ?? kubelet?.hostname ?? (live ? hostname() : undefined),
    kubeletVersion: kubelet?.kubeletVersion,
    taken: [],
    redacted: [],
    unreadable: [],
    journals: [],
    api: { taken: [], ...(nodeEv && !nodeEv.ok ? { reason: nodeEv.reason } : {}) },
  };

  const scratch = mkdtempSync(join(tmpdir(), 'kubelet-doctor-collect-'));
  const gz = createGzip();
  const done = pipeline(gz, createWriteStream(o.output, { mode: 0o600 }));
  const tar = new TarWriter(gz);
  try {
    await addNodeTree(tar, root, log, manifest);
    await addApiAnswers(tar, root, live, api, manifest);
    await addJournals(tar, o, live, scratch, manifest);
    await tar.add({ path: MANIFEST_PATH, type: 'file', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) });
    await tar.end();
    gz.end();
    await done;
  } catch (e) {
    gz.destroy();
    await done.catch(() => undefined);
    rmSync(o.output, { force: true });
    throw e;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return manifest;
}

function noteRedactions(manifest: BundleManifest, path: string, rs: { what: string; line: number }[]): void {
  for (const r of rs.slice(0, MAX_LISTED_REDACTIONS)) manifest.redacted.push({ path, what: r.what, line: r.line });
  if (rs.length > MAX_LISTED_REDACTIONS) manifest.redacted.push({ path, what: `${rs.length - MAX_LISTED_REDACTIONS} more redactions`, line: 0 });
}

/** What the collectors read, looked at or listed: folders first, then files, then links (extractors write through none). */
async function addNodeTree(tar: TarWriter, root: string, log: ReadLogEntry[], manifest: BundleManifest): Promise<void> {
  const files = new Set<string>();
  const dirs = new Set<string>();
  const placeholders = new Map<string, string>();
  const links = new Map<string, string>();
  const unreadable = new Map<string, string>();
  for (const e of log) {
    if (e.path === '/') continue;
    if (e.kind === 'file') files.add(e.path);
    else if (e.kind === 'dir') dirs.add(e.path);
    else if (e.kind === 'link') links.set(e.path, e.target);
    else if (e.kind === 'unreadable') unreadable.set(e.path, e.reason);
    else placeholders.set(e.path, e.kind === 'socket' ? 'a socket on the node: kept as an empty file' : 'present on the node, not read: kept as an empty file');
  }
  for (const d of [...dirs].sort()) {
    await tar.add({ path: rel(d), type: 'dir' });
    manifest.taken.push({ path: d, type: 'dir' });
  }
  for (const f of [...files].sort()) {
    const t = readText(root, f);
    if (!t.ok) {
      unreadable.set(f, t.reason);
      continue;
    }
    const r = redactFile(f, Buffer.from(t.text));
    await tar.add({ path: rel(f), type: 'file', data: r.data });
    manifest.taken.push({ path: f, type: 'file', bytes: r.data.length, ...(t.truncated ? { note: 'cut at 4 MiB, as the collectors read it' } : {}) });
    noteRedactions(manifest, f, r.redactions);
  }
  for (const [p, note] of [...placeholders].sort()) {
    if (files.has(p) || dirs.has(p)) continue;
    await tar.add({ path: rel(p), type: 'file', data: Buffer.alloc(0) });
    manifest.taken.push({ path: p, type: 'placeholder', note });
  }
  for (const [p, target] of [...links].sort()) {
    await tar.add({ path: rel(p), type: 'symlink', linkname: target });
    manifest.taken.push({ path: p, type: 'symlink', target });
  }
  for (const [p, reason] of [...unreadable].sort()) manifest.unreadable.push({ path: p, reason });
}

/** The API's answers as one List (the node collector reads DIR/node.json), or a capture's saved Node object. */
async function addApiAnswers(tar: TarWriter, root: string, live: boolean, api: { node?: unknown; csrs?: unknown; events?: unknown }, manifest: BundleManifest): Promise<void> {
  let text: string | undefined;
  if (api.node) {
    const items = [{ kind: 'Node', apiVersion: 'v1', ...(api.node as object) }];
    const list = (v: unknown, kind: string, apiVersion: string) => (((v as { items?: unknown[] })?.items ?? []) as object[]).map((i) => ({ kind, apiVersion, ...i }));
    items.push(...list(api.csrs, 'CertificateSigningRequest', 'certificates.k8s.io/v1'), ...list(api.events, 'Event', 'v1'));
    manifest.api.taken = ['node', ...(api.csrs ? ['certificatesigningrequests'] : []), ...(api.events ? ['events'] : [])];
    text = `${JSON.stringify({ kind: 'List', apiVersion: 'v1', items }, null, 2)}\n`;
  }
  // a capture's saved Node object (DIR/node.yaml) was read by the node collector: it is in the tree already
  if (text === undefined) return;
  const r = redactFile('/node.json', Buffer.from(text));
  await tar.add({ path: 'node.json', type: 'file', data: r.data });
  manifest.taken.push({ path: '/node.json', type: 'file', bytes: r.data.length, note: api.node ? 'the API server\'s answers: Node, CSRs, events' : 'the Node object saved beside the capture' });
  noteRedactions(manifest, '/node.json', r.redactions);
}

/** The kubelet's and the runtime's journal (journalctl on a live node; --journal files), redacted line by line. */
async function addJournals(tar: TarWriter, o: CollectBundleOptions, live: boolean, scratch: string, manifest: BundleManifest): Promise<void> {
  const sources: { name: string; units: string[]; open: () => NodeJS.ReadableStream; what: string }[] = [];
  for (const [i, f] of (o.journals ?? []).entries())
    sources.push({ name: `kubelet${i ? `-${i + 1}` : ''}.log`, units: ['kubelet'], open: () => createReadStream(f), what: f });
  if (live && !o.journals?.length) {
    const kubeletArgs = journalctlArgs({ since: o.since, boot: o.boot });
    const runtimeArgs = [...RUNTIME_UNITS.flatMap((u) => ['-u', u]), ...kubeletArgs.slice(2)];
    sources.push({ name: 'kubelet.json', units: ['kubelet'], open: () => journalctl(kubeletArgs), what: `journalctl ${kubeletArgs.join(' ')}` });
    sources.push({ name: 'runtime.json', units: RUNTIME_UNITS, open: () => journalctl(runtimeArgs), what: `journalctl ${runtimeArgs.join(' ')}` });
  }
  for (const s of sources) {
    const tmp = join(scratch, s.name);
    const redactions: { what: string; line: number }[] = [];
    let bytes = 0;
    let lineNo = 0;
    let cut = false;
    let failure: string | undefined;
    const out = createWriteStream(tmp, { mode: 0o600 });
    try {
      let rest = '';
      const writeLine = (line: string) => {
        lineNo++;
        const r = redactText(line);
        for (const x of r.redactions) redactions.push({ what: x.what, line: lineNo });
        const b = Buffer.byteLength(r.text) + 1;
        if (bytes + b > MAX_JOURNAL_BYTES) {
          cut = true;
          return false;
        }
        bytes += b;
        out.write(`${r.text}\n`);
        return true;
      };
      reading: for await (const chunk of s.open()) {
        const lines = (rest + chunk.toString()).split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) if (!writeLine(l)) break reading;
      }
      if (rest && !cut) writeLine(rest);
    } catch (e) {
      failure = (e as Error).message;
    }
    await new Promise<void>((r) => out.end(r));
    const path = `${JOURNAL_DIR}/${s.name}`;
    if (failure && bytes === 0) {
      manifest.unreadable.push({ path: s.what, reason: failure });
      continue;
    }
    const size = statSync(tmp).size;
    await tar.addFileFrom(path, size, createReadStream(tmp) as AsyncIterable<Buffer>);
    manifest.journals.push({ path, units: s.units, from: s.what, lines: lineNo, bytes: size, ...(o.since ? { since: o.since } : {}), ...(cut ? { note: `cut at ${MAX_JOURNAL_BYTES} bytes` } : {}), ...(failure ? { note: failure } : {}) });
    noteRedactions(manifest, `/${path}`, redactions);
  }
}

function journalctl(args: string[]): NodeJS.ReadableStream {
  const out = new PassThrough();
  const child = spawn('journalctl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 2048) stderr += d.toString();
  });
  child.on('error', (e) => out.destroy(new Error(`cannot run journalctl: ${e.message}`)));
  child.stdout.pipe(out, { end: false });
  child.on('close', (code) => {
    if (code) out.destroy(new Error(`journalctl exited ${code}: ${stderr.trim().split('\n')[0] ?? ''}`));
    else out.end();
  });
  return out;
}
