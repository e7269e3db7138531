#!/usr/bin/env node
// Seeded generator of realistic kubelet journals, as `journalctl -u kubelet` prints them:
// routine kubelet traffic (SyncLoop, PLEG, volumes, probes, GC) plus, in the "broken" variant, the
// failure signatures the rules look for and a crash loop (systemd exit/restart lines, new PIDs, panics
// with indented stack lines). Formats: every `journalctl -o` format kubelet-doctor reads — short, short-precise,
// short-iso, short-iso-precise, short-full, short-monotonic, short-unix, cat, json, json-seq, json-sse,
// json-pretty, verbose, export — plus syslog and syslog-rfc3339 (rsyslog's files) and kubelet-json (the
// kubelet's --logging-format=json lines under a short-precise prefix).
//
//   node scripts/bench-gen.mjs --variant broken|healthy --format short-precise|short-iso|cat|json \
//        --size 200M --seed 1 --out FILE [--restart-every N]
// (--restart-every 2: a crash loop, a new kubelet run every few lines)
//
// Also importable: generateJournal({ variant, format, size, seed, out }) and journalText({...}) for tests.

import { closeSync, openSync, writeSync } from 'node:fs';
import { exportField } from './journal-export-field.mjs';

/** Formats whose entries carry journal fields (the rest are lines journalctl prints). */
const ENTRY_FORMATS = new Set(['json', 'json-seq', 'json-sse', 'json-pretty', 'verbose', 'export']);
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** One entry's fields as `journalctl -o json|json-pretty|verbose|export` prints them. */
function entryText(format, o, d, us) {
  if (format === 'json') return `${JSON.stringify(o)}\n`;
  // json-seq: an RS before each object (RFC 7464); json-sse: server-sent events, a blank line after each
  if (format === 'json-seq') return `\x1e${JSON.stringify(o)}\n`;
  if (format === 'json-sse') return `data: ${JSON.stringify(o)}\n\n`;
  // journalctl prints the cursor and the timestamps first (the export reader recognises an export by its first line)
  const keys = ['__CURSOR', '__REALTIME_TIMESTAMP', '__MONOTONIC_TIMESTAMP', '_BOOT_ID', ...Object.keys(o).filter((k) => !/^(?:__CURSOR|__REALTIME_TIMESTAMP|__MONOTONIC_TIMESTAMP|_BOOT_ID)$/.test(k))];
  if (format === 'json-pretty') return `{\n${keys.map((k) => `\t${JSON.stringify(k)} : ${JSON.stringify(o[k])}`).join(',\n')}\n}\n`;
  if (format === 'export') return `${keys.map((k) => exportField(k, o[k]).toString('latin1')).join('')}\n`;
  // verbose: a header with the time and cursor, then each field indented by four (continuation lines under the value)
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(us, 6)}`;
  const body = keys.filter((k) => !k.startsWith('__')).map((k) => `    ${k}=${String(o[k]).replace(/\n/g, `\n${' '.repeat(5 + k.length)}`)}\n`);
  return `${WEEKDAYS[d.getUTCDay()]} ${day} UTC [${o.__CURSOR}]\n${body.join('')}`;
}

/** The journal prefix each short format prints before the message (journalctl -o FORMAT; syslog as rsyslog writes /var/log/syslog). */
function linePrefix(format, d, us, monoUs, id) {
  const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const month = `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())}`;
  switch (format) {
    case 'short':
    case 'syslog':
      return `${month} ${clock} ${id}`;
    case 'short-iso':
      return `${date}T${clock}+0000 ${id}`;
    case 'short-iso-precise':
      return `${date}T${clock}.${pad(us, 6)}+0000 ${id}`;
    case 'syslog-rfc3339':
      return `${date}T${clock}.${pad(us, 6)}+00:00 ${id}`;
    case 'short-full':
      return `${WEEKDAYS[d.getUTCDay()]} ${date} ${clock} UTC ${id}`;
    case 'short-monotonic':
      return `[${String(Math.floor(monoUs / 1e6)).padStart(5)}.${pad(monoUs % 1e6, 6)}] ${id}`;
    case 'short-unix':
      return `${Math.floor(d.getTime() / 1000)}.${pad(us, 6)} ${id}`;
    case 'short-precise':
    case 'kubelet-json':
      return `${month} ${clock}.${pad(us, 6)} ${id}`;
    default:
      throw new Error(`bench-gen: unknown format ${format}`);
  }
}

/**
 * The kubelet's `--logging-format=json` line for a klog template: `{"ts":…,"caller":…,"msg":…,<keys>,"v":0}`
 * (errors carry `err` and no `v`); a printf-style message (no quoted msg) becomes the msg whole.
 */
function kubeletJson(level, caller, msg, tUs) {
  const o = { ts: Math.floor(tUs / 1000) + (tUs % 1000) / 1000, caller: `kubelet/${caller}` };
  const m = /^"((?:[^"\\]|\\.)*)"(.*)$/s.exec(msg);
  if (!m) o.msg = msg;
  else {
    o.msg = JSON.parse(`"${m[1]}"`);
    for (const kv of m[2].matchAll(/ (\w+)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
      try {
        o[kv[1]] = JSON.parse(kv[2]);
      } catch {
        o[kv[1]] = kv[2];
      }
    }
  }
  if (level !== 'E') o.v = 0;
  return JSON.stringify(o);
}

/** xorshift32: deterministic, fast, good enough for picking templates. */
export function rng(seed) {
  let x = seed >>> 0 || 0x9e3779b9;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  const r = {
    u32: next,
    int: (n) => next() % n,
    pick: (a) => a[next() % a.length],
    hex: (n) => {
      let s = '';
      while (s.length < n) s += next().toString(16).padStart(8, '0');
      return s.slice(0, n);
    },
    chance: (p) => next() / 4294967296 < p,
  };
  return r;
}

const NS = ['kube-system', 'default', 'monitoring', 'ingress-nginx', 'payments', 'web', 'batch', 'logging'];
const APPS = ['coredns', 'kube-proxy', 'calico-node', 'nginx', 'api', 'worker', 'redis', 'postgres', 'fluent-bit', 'node-exporter', 'frontend', 'cron'];
const VOLS = ['kube-api-access', 'config', 'data', 'certs', 'tmp', 'tls', 'cache'];

function podName(r) {
  return `${r.pick(APPS)}-${r.hex(10)}-${r.hex(5)}`;
}
function uuid(r) {
  const h = r.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
function ip(r) {
  return `10.${r.int(256)}.${r.int(256)}.${1 + r.int(254)}`;
}

// Routine traffic: [weight, level, caller, message(r, ctx)]. Structured klog (v1.21+) and a few printf lines.
const ROUTINE = [
  [14, 'I', 'kubelet.go:2440', (r) => `"SyncLoop UPDATE" source="api" pods=["${r.pick(NS)}/${podName(r)}"]`],
  [8, 'I', 'kubelet.go:2430', (r) => `"SyncLoop ADD" source="api" pods=["${r.pick(NS)}/${podName(r)}"]`],
  [10, 'I', 'kubelet.go:2477', (r) => `"SyncLoop (PLEG): event for pod" pod="${r.pick(NS)}/${podName(r)}" event={"ID":"${uuid(r)}","Type":"${r.pick(['ContainerStarted', 'ContainerDied'])}","Data":"${r.hex(64)}"}`],
  [10, 'I', 'reconciler_common.go:258', (r) => { const v = `${r.pick(VOLS)}-${r.hex(5)}`, u = uuid(r), p = podName(r); return `"operationExecutor.VerifyControllerAttachedVolume started for volume \\"${v}\\" (UniqueName: \\"kubernetes.io/projected/${u}-${v}\\") pod \\"${p}\\" (UID: \\"${u}\\") " pod="${r.pick(NS)}/${p}"`; }],
  [10, 'I', 'operation_generator.go:721', (r) => { const v = `${r.pick(VOLS)}-${r.hex(5)}`, u = uuid(r), p = podName(r); return `"MountVolume.SetUp succeeded for volume \\"${v}\\" (UniqueName: \\"kubernetes.io/configmap/${u}-${v}\\") pod \\"${p}\\" (UID: \\"${u}\\") " pod="${r.pick(NS)}/${p}"`; }],
  [6, 'I', 'pod_startup_latency_tracker.go:104', (r) => `"Observed pod startup duration" pod="${r.pick(NS)}/${podName(r)}" podStartSLOduration=${r.int(30)}.${r.int(1000)} podStartE2EDuration="${r.int(30)}.${r.int(1000)}s" observedRunningTime="2025-11-20 03:0${r.int(10)}:0${r.int(10)} +0000 UTC"`],
  [6, 'I', 'scope.go:117', (r) => `"RemoveContainer" containerID="${r.hex(64)}"`],
  [5, 'I', 'kuberuntime_container.go:779', (r) => `"Killing container with a grace period" pod="${r.pick(NS)}/${podName(r)}" podUID="${uuid(r)}" containerName="${r.pick(APPS)}" containerID="containerd://${r.hex(64)}" gracePeriod=30`],
  [4, 'I', 'kubelet_volumes.go:163', (r) => { const u = uuid(r); return `"Cleaned up orphaned pod volumes dir" podUID="${u}" path="/var/lib/kubelet/pods/${u}/volumes"`; }],
  [4, 'I', 'prober.go:107', (r) => `"Probe succeeded" probeType="Readiness" pod="${r.pick(NS)}/${podName(r)}" podUID="${uuid(r)}" containerName="${r.pick(APPS)}"`],
  [3, 'I', 'image_gc_manager.go:392', () => `"Attempting to delete unused images"`],
  [3, 'I', 'container_gc.go:88', () => `"Attempting to delete unused containers"`],
  [3, 'I', 'reconciler.go:224', (r) => `operationExecutor.UnmountVolume started for volume "${r.pick(VOLS)}" (UniqueName: "kubernetes.io/secret/${uuid(r)}-${r.pick(VOLS)}") pod "${uuid(r)}" (UID: "${uuid(r)}")`],
  [2, 'W', 'prober.go:104', (r) => `"Probe failed" probeType="Readiness" pod="${r.pick(NS)}/${podName(r)}" podUID="${uuid(r)}" containerName="${r.pick(APPS)}" probeResult="failure" output="HTTP probe failed with statuscode: 503"`],
  [2, 'I', 'kubelet_pods.go:1081', (r) => `"Clean up pod workers for terminated pods"`],
  [2, 'I', 'status_manager.go:853', (r) => `"Status for pod updated successfully" pod="${r.pick(NS)}/${podName(r)}" statusVersion=${r.int(20)} status={"phase":"Running","podIP":"${ip(r)}"}`],
];

// Failure signatures (broken variant). Wording from the kubelet's source (see reference/kubelet-signatures.md).
const FAILURES = [
  [6, 'E', 'kubelet.go:1431', () => `"Failed to start ContainerManager" err="Failed to enforce System Reserved Cgroup Limits on \\"/system.slice\\": [\\"system\\"] cgroup does not exist"`],
  [2, 'E', 'run.go:74', () => `"command failed" err="failed to run Kubelet: running with swap on is not supported, please disable swap! or set --fail-swap-on flag to false. /proc/swaps contained: [Filename\\t\\t\\t\\tType\\t\\tSize\\t\\tUsed\\t\\tPriority /swap.img                               file\\t\\t2097148\\t\\t0\\t\\t-2]"`],
  [10, 'E', 'kubelet.go:2855', () => `"Container runtime network not ready" networkReady="NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"`],
  [10, 'E', 'kubelet_node_status.go:544', () => `"Error updating node status, will retry" err="error getting node \\"node-a\\": nodes \\"node-a\\" not found"`],
  [8, 'E', 'kubelet_node_status.go:96', (r) => `"Unable to register node with API server" err="Post \\"https://10.0.0.1:6443/api/v1/nodes\\": dial tcp 10.0.0.1:6443: connect: connection refused" node="node-a"`],
  [8, 'E', 'controller.go:145', () => `"Failed to ensure lease exists, will retry" err="Get \\"https://10.0.0.1:6443/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-a?timeout=10s\\": dial tcp 10.0.0.1:6443: connect: connection refused" interval="7s"`],
  [6, 'E', 'kubelet.go:2412', (r) => `"Skipping pod synchronization" err="PLEG is not healthy: pleg was last seen active ${3 + r.int(5)}m${r.int(60)}.${r.int(1000)}s ago; threshold is 3m0s"`],
  [8, 'E', 'pod_workers.go:1301', (r) => { const p = podName(r), n = r.pick(NS); return `"Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"${r.pick(APPS)}\\" with CrashLoopBackOff: \\"back-off 5m0s restarting failed container=${r.pick(APPS)} pod=${p}_${n}(${uuid(r)})\\"" pod="${n}/${p}" podUID="${uuid(r)}"`; }],
  [4, 'E', 'certificate_manager.go:562', () => `"Unhandled Error" err="kubernetes.io/kube-apiserver-client-kubelet: Failed while requesting a signed certificate from the control plane: cannot create certificate signing request: Unauthorized" logger="UnhandledError"`],
  [4, 'E', 'reflector.go:158', () => `"Unhandled Error" err="k8s.io/client-go/informers/factory.go:160: Failed to watch *v1.Node: failed to list *v1.Node: Get \\"https://10.0.0.1:6443/api/v1/nodes?limit=500\\": tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2025-11-20T03:00:02Z is after 2025-11-01T00:00:00Z"`],
  [4, 'E', 'kuberuntime_sandbox.go:72', (r) => `"Failed to create sandbox for pod" err="rpc error: code = Unknown desc = failed to reserve sandbox name \\"${podName(r)}_${r.pick(NS)}_${uuid(r)}_0\\": name is reserved" pod="${r.pick(NS)}/${podName(r)}"`],
  [4, 'E', 'summary_sys_containers.go:48', () => `"Failed to get system container stats" err="failed to get cgroup stats for \\"/system.slice/docker.service\\": failed to get container info for \\"/system.slice/docker.service\\": unknown container \\"/system.slice/docker.service\\"" containerName="/system.slice/docker.service"`],
  [3, 'W', 'eviction_manager.go:366', () => `"Eviction manager: attempting to reclaim" resourceName="memory"`],
  [3, 'E', 'status_manager.go:877', (r) => `"Failed to get status for pod" podUID="${uuid(r)}" pod="${r.pick(NS)}/${podName(r)}" err="pods \\"${podName(r)}\\" is forbidden: User \\"system:node:node-a\\" cannot get resource \\"pods\\" in API group \\"\\" in the namespace \\"${r.pick(NS)}\\": no relationship found between node 'node-a' and this object"`],
  [2, 'E', 'server.go:302', () => `"Failed to run kubelet" err="failed to run Kubelet: misconfiguration: kubelet cgroup driver: \\"cgroupfs\\" is different from docker cgroup driver: \\"systemd\\""`],
  [2, 'E', 'cgroup_manager_linux.go:476', () => `The Cgroup [kubepods] has some missing paths: [/sys/fs/cgroup/pids/kubepods.slice /sys/fs/cgroup/hugetlb/kubepods.slice]`],
  [2, 'I', 'log.go:245', (r) => `http: TLS handshake error from ${ip(r)}:${1024 + r.int(60000)}: remote error: tls: bad certificate`],
];

function weighted(list) {
  const out = [];
  for (const t of list) for (let i = 0; i < t[0]; i++) out.push(t);
  return out;
}
const ROUTINE_W = weighted(ROUTINE);
const FAILURE_W = weighted(FAILURES);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n, w = 2) => String(n).padStart(w, '0');

/**
 * A line factory: next() returns the next physical line(s) of the journal as one string ending in '\n'.
 * broken: failures are `density` of the kubelet lines (default 0.27) and the kubelet restarts every ~`restartEvery` lines.
 */
export function journalLines({ variant = 'broken', format = 'short-precise', seed = 1, density = 0.27, restartEvery = 20000, host = 'node-a', start = Date.UTC(2025, 10, 20, 3, 0, 0) } = {}) {
  const r = rng(seed);
  let t = start * 1000; // µs
  let pid = 1200 + r.int(2000);
  let restarts = 0;
  let sinceStart = 0;
  let pending = []; // queued lines (startup sequence, exit sequence)
  const bootId = r.hex(32);

  const stamp = () => {
    const d = new Date(Math.floor(t / 1000));
    const us = t % 1000000;
    return { d, us };
  };
  const klog = (level, caller, msg) => {
    const { d, us } = stamp();
    return `${level}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(us, 6)} ${String(pid).padStart(7)} ${caller}] ${msg}`;
  };
  const emit = (ident, p, message) => {
    const { d, us } = stamp();
    if (ENTRY_FORMATS.has(format)) {
      const isSystemd = ident === 'systemd';
      const o = {
        _SYSTEMD_CGROUP: isSystemd ? '/init.scope' : '/system.slice/kubelet.service',
        _BOOT_ID: bootId,
        __CURSOR: `s=${bootId};i=${(t & 0xffffff).toString(16)};b=${bootId};m=${(t % 1e9).toString(16)};t=${t.toString(16)};x=${r.hex(16)}`,
        _TRANSPORT: isSystemd ? 'journal' : 'stdout',
        PRIORITY: isSystemd ? '4' : '6',
        SYSLOG_FACILITY: '3',
        _UID: '0',
        _GID: '0',
        _CAP_EFFECTIVE: '1ffffffffff',
        _MACHINE_ID: 'f3b1c0de5a5a4b6c8d9e0f1a2b3c4d5e',
        _HOSTNAME: host,
        SYSLOG_IDENTIFIER: ident,
        _PID: String(p),
        _COMM: ident,
        _EXE: isSystemd ? '/usr/lib/systemd/systemd' : '/usr/bin/kubelet',
        _SYSTEMD_UNIT: isSystemd ? 'init.scope' : 'kubelet.service',
        _SYSTEMD_SLICE: isSystemd ? '-.slice' : 'system.slice',
        ...(isSystemd ? { UNIT: 'kubelet.service' } : { _STREAM_ID: 'a1b2c3d4e5f60718293a4b5c6d7e8f90' }),
        MESSAGE: message,
        __REALTIME_TIMESTAMP: String(t),
        __MONOTONIC_TIMESTAMP: String(t - start * 1000 + 86400000000),
      };
      return entryText(format, o, d, us);
    }
    if (format === 'cat') return `${message}\n`;
    const head = linePrefix(format, d, us, t - start * 1000 + 86400000000, `${host} ${ident}${format === 'syslog' && ident !== 'systemd' ? '' : `[${p}]`}: `);
    if (format === 'short-iso') return `${head}${message.replace(/\n/g, '\n    ')}\n`;
    return `${head}${message.replace(/\n/g, `\n${' '.repeat(head.length)}`)}\n`;
  };
  const kubelet = (level, caller, msg) => emit('kubelet', pid, format === 'kubelet-json' ? kubeletJson(level, caller, msg, t) : klog(level, caller, msg));
  const systemd = (msg) => emit('systemd', 1, msg);

  const startup = () => [
    () => systemd('Started kubelet.service - kubelet: The Kubernetes Node Agent.'),
    () => kubelet('I', 'server.go:484', '"Kubelet version" kubeletVersion="v1.30.2"'),
    () => kubelet('I', 'server.go:486', '"Golang settings" GOGC="" GOMAXPROCS="" GOTRACEBACK=""'),
    () => kubelet('I', 'kubelet_node_status.go:73', `"Attempting to register node" node="${host}"`),
    () => kubelet('I', 'kubelet_node_status.go:76', `"Successfully registered node" node="${host}"`),
  ];
  const exit = () => {
    const seq = [];
    if (r.chance(0.3)) {
      seq.push(() => kubelet('F', 'kubelet.go:1520', 'failed to run Kubelet: unable to load client CA file /etc/kubernetes/pki/ca.crt: open /etc/kubernetes/pki/ca.crt: no such file or directory'));
      seq.push(() => emit('kubelet', pid, 'goroutine 1 [running]:'));
      seq.push(() => emit('kubelet', pid, 'k8s.io/klog/v2.stacks(0x1)'));
      seq.push(() => emit('kubelet', pid, '\tvendor/k8s.io/klog/v2/klog.go:1026 +0x8a'));
    } else seq.push(() => kubelet('E', 'run.go:74', '"command failed" err="failed to run Kubelet: failed to create kubelet: open /var/lib/kubelet/config.yaml: no such file or directory"'));
    seq.push(() => systemd('kubelet.service: Main process exited, code=exited, status=1/FAILURE'));
    seq.push(() => systemd("kubelet.service: Failed with result 'exit-code'."));
    seq.push(() => systemd(`kubelet.service: Scheduled restart job, restart counter is at ${restarts + 1}.`));
    seq.push(() => systemd('Stopped kubelet.service - kubelet: The Kubernetes Node Agent.'));
    seq.push(() => {
      restarts++;
      pid = 1200 + r.int(60000);
      return '';
    });
    return seq;
  };
  pending = startup();

  return {
    /** kubelet runs begun so far */
    get runs() {
      return restarts + 1;
    },
    next() {
      t += 1 + r.int(20000);
      if (pending.length) return pending.shift()();
      sinceStart++;
      if (variant === 'broken' && sinceStart > restartEvery) {
        sinceStart = 0;
        pending = [...exit(), ...startup()];
        return pending.shift()();
      }
      const tpl = variant === 'broken' && r.chance(density) ? r.pick(FAILURE_W) : r.pick(ROUTINE_W);
      return kubelet(tpl[1], tpl[2], tpl[3](r));
    },
  };
}

/** A whole small journal as a string (tests). */
export function journalText(opts = {}) {
  const g = journalLines(opts);
  const lines = opts.lines ?? 2000;
  let s = '';
  for (let i = 0; i < lines; i++) s += g.next();
  return s;
}

export function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmMgG]?)i?[bB]?$/.exec(String(s));
  if (!m) throw new Error(`not a size: ${s}`);
  const mult = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2].toLowerCase()];
  return Math.round(Number(m[1]) * mult);
}

/** Write a journal of about `size` bytes (or of `runs` kubelet runs) to `out` in 1 MiB writes; returns { bytes, lines, runs }. */
export function generateJournal({ out, size = Infinity, runs = Infinity, ...opts }) {
  const g = journalLines(opts);
  const fd = openSync(out, 'w');
  // export entries are built as latin1 strings of their bytes (binary field lengths)
  const enc = opts.format === 'export' ? 'latin1' : 'utf8';
  let bytes = 0;
  let lines = 0;
  let buf = '';
  try {
    while (bytes + buf.length < size && g.runs <= runs) {
      const l = g.next();
      buf += l;
      lines += l.split('\n').length - 1;
      if (buf.length >= 1 << 20) {
        bytes += writeSync(fd, Buffer.from(buf, enc));
        buf = '';
      }
    }
    if (buf) bytes += writeSync(fd, Buffer.from(buf, enc));
  } finally {
    closeSync(fd);
  }
  return { bytes, lines, runs: Math.min(g.runs, runs) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const a = Object.fromEntries(process.argv.slice(2).reduce((acc, v, i, all) => (v.startsWith('--') ? [...acc, [v.slice(2), all[i + 1]]] : acc), []));
  const res = generateJournal({ out: a.out ?? '/dev/stdout', size: parseSize(a.size ?? '10M'), variant: a.variant ?? 'broken', format: a.format ?? 'short-precise', seed: Number(a.seed ?? 1), ...(a['restart-every'] ? { restartEvery: Number(a['restart-every']) } : {}) });
  process.stderr.write(`${res.bytes} bytes, ${res.lines} lines\n`);
}
