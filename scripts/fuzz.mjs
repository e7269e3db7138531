#!/usr/bin/env node
// `npm run fuzz -- --count 100000`: hostile inputs across every parser of the doctor (journal lines in each
// journalctl format, export / json-pretty / verbose entries, kubelet JSON logs, KubeletConfiguration YAML,
// kubeconfig and PEM, unit files, environment files, containerd's TOML and import globs, CNI JSON, node.yaml), generated with fast-check
// from mutated real shapes, random text and random bytes, with secrets planted in them. Each input must:
//   - give a result or an error that names its source (no TypeError, RangeError, stack overflow…),
//   - take under 10 s (the worst time is printed),
//   - and, for the journal inputs read by a whole scan (one in --report-every), leave no planted secret in
//     any output format.
// Needs a build (npm run build). `--seed N` repeats a run; a failure prints the seed, path and input.
//
//   npm run fuzz -- [--count 100000] [--seed 1] [--report-every 200]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';

const root = new URL('..', import.meta.url).pathname;
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
};
const count = Number(opt('count', '2000'));
const seed = Number(opt('seed', String(Date.now() % 1e9)));
const reportEvery = Number(opt('report-every', '200'));
const HANG_MS = 10_000;
// the YAML library's warnings would print each input (another slice turns them into problem lines)
process.removeAllListeners('warning');

const d = (p) => import(join(root, 'dist/src', p));
const [{ RecordParser }, { readEntries }, { flattenDoc }, { parsePem, decodeData }, { parseUnit, parseEnvironmentFile, expandCommand }, { parseToml }, { nodeFromObject }, { parseYamlSafe }, { runScan }, { RENDERERS }, { loadRules }, { checkCniFile }, { goGlob, BadPatternError }] =
  await Promise.all(['journal/records.js', 'journal/entries.js', 'collectors/kubelet-config-parse.js', 'collectors/cert-info.js', 'collectors/unit-file.js', 'collectors/runtime-toml.js', 'collectors/node.js', 'yaml.js', 'scan.js', 'render/index.js', 'rules/load.js', 'collectors/cni-conf.js', 'collectors/go-glob.js'].map(d));
const { rules } = await loadRules([]);
const NOW = new Date('2026-01-01T00:00:00Z');
const scratch = mkdtempSync(join(tmpdir(), 'kubelet-doctor-fuzz-'));

// ---- inputs ------------------------------------------------------------------------------------------

const lower = 'abcdefghijklmnopqrstuvwxyz0123456789';
const word = (n) => fc.string({ unit: fc.constantFrom(...lower.split('')), minLength: n, maxLength: n });
/** A secret planted in text, and the part of it no output may show. */
const secret = fc.oneof(
  fc.tuple(word(6), word(16)).map(([id, s]) => ({ text: `--token=${id}.${s}`, secret: s })),
  fc.tuple(word(6), word(16)).map(([id, s]) => ({ text: `bootstrap token ${id}.${s} rejected`, secret: s })),
  word(40).map((s) => ({ text: `Authorization: Bearer ${s}`, secret: s })),
  word(20).map((s) => ({ text: `password=${s}`, secret: s })),
  word(18).map((s) => ({ text: `https://admin:${s}@10.0.0.1:6443/api`, secret: s })),
);
const KLOG = 'E1120 03:00:02.123706    1234 run.go:74] "command failed" err="failed to run Kubelet: running with swap on is not supported, please disable swap! or set --fail-swap-on flag to false"';
const SHAPES = [
  (m) => `Nov 20 03:00:02.123706 node-a kubelet[1234]: ${m}`,
  (m) => `2025-11-20T03:00:02+0000 node-a kubelet[1234]: ${m}`,
  (m) => m,
  (m) => JSON.stringify({ __REALTIME_TIMESTAMP: '1763607602123706', _BOOT_ID: 'b1', SYSLOG_IDENTIFIER: 'kubelet', _PID: '1234', MESSAGE: m }),
  (m) => JSON.stringify({ ts: 1763607602123.7, caller: 'a/b.go:1', msg: m, err: 'x' }),
  (m) => `Nov 20 03:00:02 node-a systemd[1]: kubelet.service: Main process exited, code=exited, status=1/FAILURE ${m}`,
  (m) => `    ${m}`,
  (m) => `-- Boot 0123456789abcdef0123456789abcdef --\n${m}`,
];
/** Text with pieces of real shapes, cut and spliced at random, a secret somewhere. */
const mutate = (base) =>
  fc.tuple(fc.constant(base), fc.nat(base.length), fc.nat(base.length), fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('\n', '\\', ']', '[', '{', '}', '"', '=<', '\u0000', '\u001b]52;c;', '-----BEGIN CERTIFICATE-----\n', '99999999999999999999')))
    .map(([b, i, j, ins]) => b.slice(0, Math.min(i, j)) + ins + b.slice(Math.max(i, j)));
const journalText = fc
  .tuple(fc.array(fc.tuple(fc.nat(SHAPES.length - 1), fc.oneof(fc.constant(KLOG), mutate(KLOG), fc.string({ maxLength: 120 }))), { minLength: 1, maxLength: 12 }), secret, fc.nat(12))
  .map(([lines, s, at]) => {
    const out = lines.map(([k, m]) => SHAPES[k](m));
    out.splice(at % (out.length + 1), 0, SHAPES[at % SHAPES.length](`E1120 03:00:02.000000    1234 a.go:1] ${s.text}`));
    return { text: `${out.join('\n')}\n`, secret: s.secret };
  });
const EXPORT = `__CURSOR=s=1;i=1\n__REALTIME_TIMESTAMP=1763607602123706\n_BOOT_ID=b1\nSYSLOG_IDENTIFIER=kubelet\n_PID=1234\nMESSAGE=${KLOG}\n\n`;
const PRETTY = `{\n\t"__REALTIME_TIMESTAMP" : "1763607602123706",\n\t"SYSLOG_IDENTIFIER" : "kubelet",\n\t"MESSAGE" : ${JSON.stringify(KLOG)}\n}\n`;
const VERBOSE = `Thu 2025-11-20 03:00:02.123706 UTC [s=1;i=1;b=0123456789abcdef0123456789abcdef;m=1;t=6440ef0b2b47a;x=1]\n    SYSLOG_IDENTIFIER=kubelet\n    MESSAGE=${KLOG}\n`;
const KUBELET_CONFIG = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\nauthentication:\n  anonymous:\n    enabled: false\n  webhook:\n    enabled: true\nevictionHard:\n  memory.available: "100Mi"\nstaticPodPath: /etc/kubernetes/manifests\n';
const KUBECONFIG = 'apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=\n    server: https://10.0.0.1:6443\n  name: k\nusers:\n- name: u\n  user:\n    token: abcdef.0123456789abcdef\n';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ==\n-----END CERTIFICATE-----\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----\n';
const UNIT = '[Unit]\nDescription=kubelet\n[Service]\nEnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\nExecStart=/usr/bin/kubelet $KUBELET_KUBEADM_ARGS \\\n  --config=/var/lib/kubelet/config.yaml \\\n  --v=2\nRestart=always\n';
const ENV = 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9 --token=abcdef.0123456789abcdef"\nexport A=b \\\n  c\n';
const TOML = 'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "registry.k8s.io/pause:3.9"\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n';
const CNI = '{\n  "cniVersion": "1.0.0",\n  "name": "cbr0",\n  "plugins": [\n    {"type": "flannel", "delegate": {"hairpinMode": true, "isDefaultGateway": true}},\n    {"type": "portmap", "capabilities": {"portMappings": true}}\n  ]\n}\n';
const IMPORT = '/etc/containerd/conf.d/[0-9]*-?[^.]*.toml';
const NODE = 'apiVersion: v1\nkind: Node\nmetadata:\n  name: node-a\n  labels: {kubernetes.io/hostname: node-a}\nspec:\n  podCIDR: 10.244.0.0/24\n  taints: [{key: node.kubernetes.io/not-ready, effect: NoSchedule}]\nstatus:\n  conditions:\n  - {type: Ready, status: "False", reason: KubeletNotReady, message: "container runtime network not ready"}\n  nodeInfo: {kubeletVersion: v1.30.2}\n';
const text = (base) => fc.oneof({ weight: 5, arbitrary: mutate(base) }, { weight: 2, arbitrary: fc.tuple(mutate(base), mutate(base)).map(([a, b]) => a + b) }, { weight: 1, arbitrary: fc.string({ maxLength: 400 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 400 }) });
const bytes = (base) => fc.oneof(text(base).map((t) => Buffer.from(t)), fc.tuple(fc.constant(base), fc.uint8Array({ maxLength: 200 }), fc.nat(base.length)).map(([b, u, i]) => Buffer.concat([Buffer.from(b.slice(0, i)), u, Buffer.from(b.slice(i))])));

// ---- targets: each returns normally, or throws an error naming its source ----------------------------

const named = (src) => (e) => e instanceof Error && !(e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError) && e.message.includes(src);
const drain = async (g) => {
  for await (const x of g) void x;
};
const targets = {
  'journal lines (every format)': [journalText.map((j) => j.text), (t) => {
    const p = new RecordParser({ source: 's', now: NOW });
    t.split('\n').forEach((l, i) => p.parseLine(l, i + 1));
    p.flush?.();
  }, () => false],
  'export entries': [bytes(EXPORT + EXPORT), (b) => drain(readEntries('export', Readable.from([b]))), named('export entry at line')],
  'json-pretty entries': [bytes(PRETTY + PRETTY), (b) => drain(readEntries('json-pretty', Readable.from([b]))), () => false],
  'verbose entries': [bytes(VERBOSE + VERBOSE), (b) => drain(readEntries('verbose', Readable.from([b]))), () => false],
  'KubeletConfiguration YAML': [text(KUBELET_CONFIG), (t) => flattenDoc(t, 'config.yaml', 'config.yaml'), named('config.yaml')],
  'kubeconfig YAML': [text(KUBECONFIG), (t) => parseYamlSafe(t, 'kubelet.conf'), named('kubelet.conf')],
  'PEM and client-certificate-data': [text(PEM), (t) => {
    parsePem(t, 'c.pem');
    const dec = decodeData(Buffer.from(t).toString('base64'), 'client-certificate-data');
    if (dec.ok) parsePem(dec.text, 'client-certificate-data');
  }, () => false],
  'unit files': [text(UNIT), (t) => {
    const u = parseUnit(t, 'kubelet.service', 'kubelet.service');
    for (const dir of u.directives) if (/^Exec/.test(dir.key)) expandCommand(dir, new Map());
  }, () => false],
  'environment files': [text(ENV), (t) => parseEnvironmentFile(t, 'kubeadm-flags.env', 'kubeadm-flags.env'), () => false],
  'containerd TOML': [text(TOML), (t) => parseToml(t), (e) => e instanceof Error && !(e instanceof TypeError || e instanceof RangeError)],
  // CNI configs and daemon.json never throw: an error is a result naming line and column
  'CNI / daemon.json JSON': [text(CNI), (t) => checkCniFile('10-flannel.conflist', t), () => false],
  'containerd import globs': [text(IMPORT), (t) => goGlob(t, { exists: () => true, list: () => ['10-a.toml', '.b.toml', 'c', '[x]'] }), (e) => e instanceof BadPatternError],
  'node.yaml': [text(NODE), (t) => {
    const o = parseYamlSafe(t, 'node.yaml');
    if (o && typeof o === 'object' && !Array.isArray(o)) nodeFromObject(o, 'file', 'node.yaml');
  }, named('node.yaml')],
};

/** A whole scan of a journal with a planted secret, rendered in every format: the secret appears nowhere. */
async function scanLeaks(j) {
  const input = { name: 'fuzz.log', open: () => Readable.from([Buffer.from(j.text)]) };
  const report = await runScan({ rules, inputs: [input], noJournalctl: true, useApi: false, root: scratch, now: NOW });
  for (const [fmt, render] of Object.entries(RENDERERS)) {
    const out = render(report, { rules, color: false, width: 100 });
    if (out.includes(j.secret)) throw new Error(`the planted secret ${j.secret} is in the ${fmt} output`);
  }
}

// ---- run -----------------------------------------------------------------------------------------------

const names = Object.keys(targets);
const per = Math.ceil(count / names.length);
let worst = { ms: 0, target: '' };
let total = 0;
let scans = 0;
const t0 = Date.now();
console.log(`fuzz: ${count} inputs over ${names.length} parsers (${per} each), seed ${seed}`);
try {
  for (const [ti, name] of names.entries()) {
    const [arb, run, expected] = targets[name];
    await fc.assert(
      fc.asyncProperty(arb, async (input) => {
        const s = performance.now();
        try {
          await run(input);
        } catch (e) {
          if (!expected(e)) throw e;
        }
        const ms = performance.now() - s;
        total++;
        if (ms > worst.ms) worst = { ms, target: name };
        if (ms > HANG_MS) throw new Error(`${name}: one input took ${(ms / 1000).toFixed(1)} s`);
      }),
      { numRuns: per, seed: seed + ti, endOnFailure: true },
    );
    process.stdout.write(`  ${name}: ${per} inputs\n`);
  }
  const leakRuns = Math.max(1, Math.floor(count / reportEvery));
  await fc.assert(
    fc.asyncProperty(journalText, async (j) => {
      const s = performance.now();
      await scanLeaks(j);
      scans++;
      const ms = performance.now() - s;
      if (ms > worst.ms) worst = { ms, target: 'whole scan and render' };
      if (ms > HANG_MS) throw new Error(`a whole scan took ${(ms / 1000).toFixed(1)} s`);
    }),
    { numRuns: leakRuns, seed: seed + names.length, endOnFailure: true },
  );
  console.log(`  whole scans rendered in ${Object.keys(RENDERERS).length} formats, secrets planted: ${leakRuns}`);
  console.log(`fuzz: ${total + scans} inputs, no crash, no secret; slowest ${worst.ms.toFixed(0)} ms (${worst.target}); ${((Date.now() - t0) / 1000).toFixed(0)} s`);
} catch (e) {
  console.error(`fuzz: FAILED (seed ${seed}): ${e.message.split('\n').slice(0, 12).join('\n')}`);
  process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
