#!/usr/bin/env node
// Records a finished lab run (scripts/lab/lab.sh) as a fixture: fixtures/lab/SCENARIO/VERSION/
//   kubelet.short-precise.log, kubelet.json   the kubelet's real output as a real journal (journal.mjs)
//   root/                                     the node as `scan --root` reads it, private keys and tokens removed
//   root/node.json                            the Node object and the CSRs read from the real API server (a List)
//   fixture.yaml                              what must be found (see below), provenance.yaml where it came from
//
// `expect` pins what kubelet-doctor finds on the recording today (check is strict both ways), and `cause`
// names the failure the lab injected. test/lab.test.ts asserts that the cause is the first finding; where the
// engine disagrees with the recording, `knownGap` says how (the recording wins: the rule must change).
//
//   node scripts/lab/record.mjs SCENARIO VERSION
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { makeJournal, FORMATS } from './journal.mjs';
import { filesUnder, scanForSecrets } from './secrets.mjs';
import { machineFindings } from './machine-findings.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const [scenario, version] = process.argv.slice(2);
if (!scenario || !version) {
  console.error('usage: node scripts/lab/record.mjs SCENARIO VERSION');
  process.exit(2);
}
const cache = process.env.LAB_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? '/root', '.cache'), 'kubelet-doctor-lab');
const run = join(cache, 'run', scenario, version);
const read = (f, d = '') => (existsSync(join(run, f)) ? readFileSync(join(run, f), 'utf8').trim() : d);
const result = read('result', 'missing');
if (result.startsWith('skipped')) {
  console.log(`${scenario} ${version}: ${result}`);
  process.exit(0);
}
const scenFile = join(here, 'scenarios', `${scenario}.sh`);
const scen = readFileSync(scenFile, 'utf8');
const DESCRIPTION = /^DESCRIPTION="(.*)"$/m.exec(scen)?.[1] ?? scenario;
const CAUSE = /^CAUSE=(.*)$/m.exec(scen)?.[1]?.replace(/"/g, '') ?? '';

const out = join(repo, 'fixtures', 'lab', scenario, version);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// 1. the journal
const jdir = makeJournal(run);
const journals = Object.values(FORMATS);
for (const name of journals) cpSync(join(jdir, name), join(out, name));

// 2. the node tree, without secrets
const root = join(out, 'root');
cpSync(join(run, 'capture'), root, { recursive: true, verbatimSymlinks: true });
const PEM_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----\n?/g;
// /proc and /sys hold no secrets and are captured as they are
for (const p of filesUnder(root, (d) => d.startsWith(join(root, 'proc')) || d.startsWith(join(root, 'sys')))) {
  if (/\.key$/.test(p)) {
    unlinkSync(p); // a bare private key: nothing public left in it
    continue;
  }
  let text = readFileSync(p, 'utf8');
  const before = text;
  text = text.replace(PEM_KEY, '');
  // kubeconfigs: embedded keys and bearer tokens
  text = text.replace(/^(\s*client-key-data:\s*).*$/gm, '$1REDACTED-BY-LAB-RECORDING');
  text = text.replace(/^(\s*token:\s*)(\S+)$/gm, (_, k, v) => `${k}${v.split('.')[0]}.REDACTED-BY-LAB-RECORDING`);
  if (text !== before) writeFileSync(p, text);
}
// empty directories (cgroups, /run) must survive git: a .keep file each
const keep = (d) => {
  const es = readdirSync(d);
  if (!es.length) writeFileSync(join(d, '.keep'), '');
  for (const e of es) {
    const p = join(d, e);
    if (lstatSync(p).isDirectory()) keep(p);
  }
};
keep(root);

// 3. the Node object and CSRs as the real API server returned them
const items = [];
if (existsSync(join(run, 'api', 'node.json'))) items.push(JSON.parse(read('api/node.json')));
if (existsSync(join(run, 'api', 'csr.json'))) items.push(...JSON.parse(read('api/csr.json')).items);
if (items.some((i) => i.kind === 'Node')) writeFileSync(join(root, 'node.json'), `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2)}\n`);

// 4. secrets check: the recording must hold no private key and no bootstrap token secret
const tokenSecret = existsSync(join(cache, 'pki', 'token-secret')) ? readFileSync(join(cache, 'pki', 'token-secret'), 'utf8').trim() : undefined;
const leaks = scanForSecrets(out, tokenSecret ? [tokenSecret] : []);
if (leaks.length) {
  rmSync(out, { recursive: true, force: true });
  console.error(`${scenario} ${version}: REFUSED, secrets in the recording:\n  ${leaks.join('\n  ')}`);
  process.exit(1);
}

// 5. what kubelet-doctor finds on it today
const started = read('started');
const now = new Date(Date.parse(started) + 5 * 60e3).toISOString().replace(/\.\d+Z$/, 'Z');
const scan = (journal) => {
  const r = spawnSync('node', [join(repo, 'bin', 'kubelet-doctor.js'), 'scan', '--root', root, '--journal', journal, '--format', 'json', '--fail-on', 'never', '--now', now, '--kubelet-version', version], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`scan ${journal}: ${r.stderr}`);
  return JSON.parse(r.stdout);
};
let reports;
try {
  reports = journals.map((j) => scan(join(out, j)));
} catch (e) {
  // older CLIs may not know --kubelet-version
  reports = undefined;
  console.error(String(e.message).slice(0, 400));
}
const ids = (rep) => rep.findings.map((f) => f.ruleId);
const first = reports ? ids(reports[0])[0] : undefined;
const expect = reports ? [...new Set(ids(reports[0]))].sort() : [];
const differ = reports && reports.some((r) => JSON.stringify([...new Set(ids(r))].sort()) !== JSON.stringify(expect));
const healthy = scenario === 'healthy';
let knownGap;
if (healthy) {
  const errors = reports?.[0].findings.filter((f) => f.severity === 'error').map((f) => f.ruleId) ?? [];
  if (errors.length) knownGap = `error findings on the healthy node: ${errors.join(', ')}`;
} else if (first !== CAUSE) {
  knownGap = expect.includes(CAUSE)
    ? `${CAUSE} is found but not first (first: ${first})`
    : `${CAUSE} is not found (first finding: ${first ?? 'none'})`;
}
if (differ) knownGap = `${knownGap ? `${knownGap}; ` : ''}the journal formats give different findings`;

const fixture = {
  description: `Lab recording (${version}): ${DESCRIPTION}`,
  now,
  root: 'root',
  kubeletVersion: version,
  ...(healthy ? { healthy: true } : {}),
  expect,
  journals,
  cause: CAUSE || null,
  ...(knownGap ? { knownGap } : {}),
};
const machine = machineFindings(expect);
if (machine) fixture.machine = machine;
writeFileSync(
  join(out, 'fixture.yaml'),
  `# Recorded by scripts/lab/record.mjs from a real run of scripts/lab/lab.sh ${scenario} ${version}.\n# expect = what kubelet-doctor found on the recording; cause = what the lab injected; machine = findings true of the lab machine itself.\n${stringify(fixture)}`,
);

// 6. provenance
const sha = (f) => createHash('sha256').update(readFileSync(f)).digest('hex').slice(0, 16);
const cmd = (c, a) => {
  try {
    return execFileSync(c, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n')[0];
  } catch {
    return 'unknown';
  }
};
const cp = process.env.LAB_CP_VERSION ?? 'v1.37.2';
const provenance = {
  source: `k8s.io/kubernetes@${version}`,
  built: `scripts/lab/build.sh ${version} kubelet (go module proxy; staging modules at v0.${version.slice(3)})`,
  kubeletVersionOutput: read('kubelet-version'),
  controlPlane: `kube-apiserver and kube-controller-manager from k8s.io/kubernetes@${cp}, etcd ${cmd('etcd', ['--version']).replace('etcd Version: ', '')} (Debian)`,
  containerd: cmd('containerd', ['--version']),
  runc: cmd('runc', ['--version']),
  kernel: cmd('uname', ['-r']),
  recorded: started,
  outcome: result,
  kubeletExit: read('kubelet.exit') || 'still running when captured (stopped by the lab afterwards)',
  scenarioScript: `scripts/lab/scenarios/${scenario}.sh (sha256 ${sha(scenFile)})`,
  labScript: `scripts/lab/lab.sh (sha256 ${sha(join(here, 'lab.sh'))})`,
  kubeletFlags: read('kubelet.flags').split('\n').filter(Boolean),
  ...(read('sandbox-stop') ? { sandbox: read('sandbox-stop') } : {}),
  notes: [
    'The lab has no systemd: journal fields naming kubelet.service are the ones journald adds to a unit\'s stdout; text, order, PID and times are the kubelet\'s own.',
    'root/ was captured while the kubelet ran (or right after it exited); private keys were removed and tokens redacted by record.mjs.',
  ],
};
writeFileSync(join(out, 'provenance.yaml'), stringify(provenance));
console.log(`${relative(repo, out)}: first ${first ?? 'none'}, cause ${CAUSE || '(healthy)'}${knownGap ? `, GAP: ${knownGap}` : ''}`);
