// The seeds' documented failures, end to end: `journalctl -u kubelet -o short-precise | kubelet-doctor scan`
// (here: the short-precise fixture of each seed scenario, scanned as the CLI's `scan --format json` scans it)
// must name the documented failure FIRST, carry the seed's fix in its remediation, cite the line that
// proves it, and fold the consequences that follow under it. The stories run in-process (runScan and the
// JSON renderer, what the CLI's scan action calls); one test pipes seeds into the built CLI and requires
// the same findings, so the process path stays proven without starting a process per story.

import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RENDERERS } from '../src/render/index.js';
import { runScan } from '../src/scan.js';
import { builtinRules, cli, ROOT, scratchDir } from './helpers.js';

interface Story {
  /** fixtures/journal/<dir> */
  dir: string;
  /** The documented failure: findings[0].ruleId. */
  first: string;
  /** The seed's fix, found in the remediation (summary, step texts or commands). */
  fix: RegExp[];
  /** A cited evidence line of findings[0] must match this. */
  cites: RegExp;
  /** Findings that must be folded under findings[0] (explainedBy). */
  explains?: string[];
  /** Known noise: reported as info, never as a cause. */
  benign?: boolean;
}

const STORIES: Story[] = [
  // ---- seed 000: kubelet by hand (v1.20.1, cri-o, systemd driver, reserved cgroups) -------------------
  { dir: 'seed-000-cgroup-missing', first: 'cgroup-missing-paths', fix: [/mkdir -p/, /kube\.slice/], cites: /Failed to enforce Kube Reserved Cgroup Limits on "\/kube\.slice"|has some missing paths/ },
  { dir: 'seed-000-cgroup-missing-modern', first: 'cgroup-missing-paths', fix: [/mkdir -p/, /kube\.slice/], cites: /has some missing paths/ },
  { dir: 'seed-000-system-reserved-busy', first: 'system-reserved-write-busy', fix: [/systemReserved/], cites: /device or resource busy/ },
  { dir: 'seed-000-system-reserved-busy-modern', first: 'system-reserved-write-busy', fix: [/systemReserved/], cites: /unable to set memory limit to 104857600/ },
  { dir: 'seed-000-node-cert-cn-mismatch', first: 'node-cert-cn-mismatch', fix: [/system:node:/], cites: /node "k8s-node1" is not allowed to modify node "k8s-master"/, explains: ['node-not-found'] },
  { dir: 'seed-000-node-cert-cn-mismatch-modern', first: 'node-cert-cn-mismatch', fix: [/system:node:/], cites: /is not allowed to modify node/, explains: ['node-not-found'] },
  { dir: 'seed-000-webhook-authn-no-client', first: 'webhook-authn-no-client', fix: [/kubeconfig/i], cites: /no client provided, cannot use webhook authentication/ },
  { dir: 'seed-000-webhook-authn-no-client-modern', first: 'webhook-authn-no-client', fix: [/kubeconfig/i], cites: /cannot use webhook authentication/ },
  { dir: 'seed-000-cni-config-missing', first: 'cni-config-missing', fix: [/\/etc\/cni\/net\.d/], cites: /cni config uninitialized|no networks found in \/etc\/cni\/net\.d/ },
  { dir: 'seed-000-cni-config-missing-modern', first: 'cni-config-missing', fix: [/\/etc\/cni\/net\.d/], cites: /No CNI configuration file in \/etc\/cni\/net\.d/ },
  { dir: 'seed-000-pod-cidr-unassigned', first: 'pod-cidr-unassigned', fix: [/--allocate-node-cidrs=true/], cites: /pod cidr not assigned/, explains: ['cni-config-missing'] },
  { dir: 'seed-000-pod-cidr-unassigned-modern', first: 'pod-cidr-unassigned', fix: [/--allocate-node-cidrs=true/], cites: /pod cidr not assigned/, explains: ['cni-config-missing'] },
  { dir: 'seed-000-cpu-online-state', first: 'cpu-online-state-unreadable', fix: [/1\.21/], cites: /Cannot determine CPU \/sys\/bus\/cpu\/devices\/cpu\d online state/, benign: true },
  // ---- seed 001: TLS bootstrap (v1.11–v1.12), swap, serving CSR, removed flags -------------------------
  { dir: 'seed-001-bootstrap-csr-forbidden', first: 'bootstrap-csr-forbidden', fix: [/clusterrolebinding/, /system:node-bootstrapper/, /system:bootstrappers/], cites: /User "system:bootstrap:lemy40" cannot create certificatesigningrequests/ },
  { dir: 'seed-001-bootstrap-csr-forbidden-modern', first: 'bootstrap-csr-forbidden', fix: [/clusterrolebinding/, /system:node-bootstrapper/], cites: /system:bootstrap:lemy40/, explains: ['node-not-found'] },
  { dir: 'seed-001-swap', first: 'swap-enabled', fix: [/swapoff -a/], cites: /Running with swap on is not supported/ },
  { dir: 'seed-001-serving-csr-pending', first: 'serving-cert-csr-pending', fix: [/kubectl certificate approve/], cites: /no serving certificate available for the kubelet/ },
  { dir: 'seed-001-removed-flag', first: 'removed-flag', fix: [/--allow-privileged/], cites: /unknown flag: --allow-privileged/ },
  { dir: 'seed-001-removed-flag-structured', first: 'removed-flag', fix: [/--image-pull-progress-deadline/], cites: /unknown flag: --image-pull-progress-deadline/ },
  { dir: 'seed-001-bootstrap-token-expired', first: 'bootstrap-token-rejected', fix: [/kubeadm token create/], cites: /cannot create certificate signing request: Unauthorized/ },
  // ---- seed 002: kubeadm on CentOS 7 (v1.15) --------------------------------------------------------------
  { dir: 'seed-002-cgroup-hierarchy-not-unified', first: 'cgroup-hierarchy-not-unified', fix: [/CPUAccounting=true/, /MemoryAccounting=true/], cites: /cpu and memory cgroup hierarchy not unified\.  cpu: \/, memory: \/system\.slice\/kubelet\.service/ },
  { dir: 'seed-002-cgroup-hierarchy-not-unified-modern', first: 'cgroup-hierarchy-not-unified', fix: [/CPUAccounting=true/], cites: /cgroup hierarchy not unified/ },
  { dir: 'seed-002-swap', first: 'swap-enabled', fix: [/swapoff -a/], cites: /running with swap on is not supported, please disable swap!/ },
  { dir: 'seed-002-swap-modern', first: 'swap-enabled', fix: [/swapoff -a/], cites: /running with swap on is not supported, please disable swap or set/ },
  { dir: 'seed-002-cgroup-driver-mismatch', first: 'cgroup-driver-mismatch', fix: [/systemd/, /cgroup ?driver/i], cites: /kubelet cgroup driver: "systemd" is different from docker cgroup driver: "cgroupfs"/ },
  { dir: 'seed-002-cgroup-driver-mismatch-structured', first: 'cgroup-driver-mismatch', fix: [/cgroup ?driver/i], cites: /is different from docker cgroup driver/ },
  // ---- seed 003: kind without CNI (v1.18.2), PLEG ----------------------------------------------------------
  { dir: 'seed-003-kind-no-cni', first: 'cni-config-missing', fix: [/\/etc\/cni\/net\.d/], cites: /cni plugin not initialized/ },
  { dir: 'seed-003-kind-no-cni-modern', first: 'cni-config-missing', fix: [/\/etc\/cni\/net\.d/], cites: /cni plugin not initialized/ },
  { dir: 'seed-003-pleg', first: 'pleg-unhealthy', fix: [/crictl|containerd|runtime/i], cites: /PLEG is not healthy: pleg was last seen active/ },
  { dir: 'seed-003-pleg-modern', first: 'pleg-unhealthy', fix: [/crictl|containerd|runtime/i], cites: /PLEG is not healthy: pleg was last seen active/ },
  { dir: 'seed-003-pleg-runtime-hung', first: 'runtime-down', fix: [/containerd|runtime/i], cites: /GenericPLEG: Unable to retrieve pods/, explains: ['pleg-unhealthy'] },
  // ---- seed 004: the hard way (v1.21.0, containerd 1.4.4, two CAs) ------------------------------------------
  { dir: 'seed-004-cri-endpoint-unreachable', first: 'cri-endpoint-unreachable', fix: [/containerd/], cites: /failed to run Kubelet: failed to create kubelet: rpc error: code = Unavailable/ },
  { dir: 'seed-004-cri-endpoint-unreachable-modern', first: 'cri-endpoint-unreachable', fix: [/containerd/], cites: /validate CRI v1 runtime API for endpoint/ },
  { dir: 'seed-004-cri-v1-not-implemented', first: 'cri-endpoint-unreachable', fix: [/containerd/], cites: /CRI v1 runtime API is not implemented for endpoint/ },
  { dir: 'seed-004-x509-unknown-authority', first: 'ca-unknown-authority', fix: [/certificate-authority/], cites: /x509: certificate signed by unknown authority/, explains: ['node-not-found'] },
  { dir: 'seed-004-x509-expired', first: 'apiserver-cert-expired', fix: [/cert/i], cites: /x509: certificate has expired or is not yet valid/ },
  { dir: 'seed-004-serving-cert-rejected', first: 'serving-cert-rejected', fix: [/serverTLSBootstrap/, /tlsCertFile/], cites: /remote error: tls: bad certificate/ },
];

interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  evidence: { kind: string; text?: string; line?: number }[];
  remediation: { summary: string; steps: { text: string; command?: string }[] };
  explains: string[];
  explainedBy?: string;
  benign?: boolean;
}

/** What `journalctl -u kubelet -o short-precise` printed: the fixture without its annotation lines. */
function journalOf(dir: string): string {
  const text = readFileSync(join(ROOT, 'fixtures/journal', dir, 'kubelet.short-precise.log'), 'utf8');
  return text
    .split('\n')
    .filter((l) => !/^#\s*(?:ruleid|ok|todoruleid|todook):/.test(l))
    .join('\n');
}

/**
 * A node tree with nothing wrong in it (only a valid bridge CNI config and its plugin binaries, as in
 * seed 004), so only the journal speaks: this machine's /etc and /var/lib are not the seed's node, and an
 * empty tree would itself read as "no CNI config".
 */
let quietRoot: string | undefined;
function nodeTree(): string {
  if (quietRoot) return quietRoot;
  const root = join(scratchDir(), 'node');
  mkdirSync(join(root, 'etc/cni/net.d'), { recursive: true });
  mkdirSync(join(root, 'opt/cni/bin'), { recursive: true });
  writeFileSync(
    join(root, 'etc/cni/net.d/10-bridge.conf'),
    `${JSON.stringify({ cniVersion: '0.4.0', name: 'bridge', type: 'bridge', bridge: 'cnio0', isGateway: true, ipMasq: true, ipam: { type: 'host-local', ranges: [[{ subnet: '10.240.1.0/24' }]], routes: [{ dst: '0.0.0.0/0' }] } }, null, 4)}\n`,
  );
  for (const b of ['bridge', 'host-local', 'loopback']) {
    writeFileSync(join(root, 'opt/cni/bin', b), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]));
    chmodSync(join(root, 'opt/cni/bin', b), 0o755);
  }
  quietRoot = root;
  return root;
}

function scanArgs(dir: string): { args: string[]; now?: string } {
  const now = String((parse(readFileSync(join(ROOT, 'fixtures/journal', dir, 'scenario.yaml'), 'utf8')) as { now?: string }).now ?? '') || undefined;
  // `--journal -`: with --root the doctor does not read stdin on its own
  const args = ['scan', '--journal', '-', '--format', 'json', '--no-api', '--root', nodeTree(), '--fail-on', 'never'];
  if (now) args.push('--now', now);
  return { args, now };
}

function findingsOf(json: string): JsonFinding[] {
  try {
    return (JSON.parse(json) as { findings: JsonFinding[] }).findings;
  } catch {
    return []; // reported by the assertions
  }
}

/** The built CLI with the journal on stdin. */
function scanCli(dir: string): { code: number | null; findings: JsonFinding[]; stderr: string } {
  const r = cli(scanArgs(dir).args, journalOf(dir));
  return { code: r.code, findings: findingsOf(r.stdout), stderr: r.stderr };
}

/** What the CLI's scan action does for those arguments (runScan, then the JSON renderer), in this process. */
async function scan(dir: string): Promise<{ code: number | null; findings: JsonFinding[]; stderr: string }> {
  const file = join(scratchDir(), 'kubelet.log');
  writeFileSync(file, journalOf(dir));
  const rules = await builtinRules();
  const now = scanArgs(dir).now;
  const report = await runScan({ rules, journals: [file], root: nodeTree(), now: now ? new Date(now) : undefined, useApi: false });
  // the journal's name as the CLI gives it when it reads stdin
  const json = RENDERERS.json!(report, { color: false, rules, root: nodeTree(), cwd: ROOT }).replaceAll(JSON.stringify(file).slice(1, -1), 'stdin');
  return { code: 0, findings: findingsOf(json), stderr: '' };
}

function remediationText(f: JsonFinding): string {
  return [f.remediation.summary, ...f.remediation.steps.flatMap((s) => [s.text, s.command ?? ''])].join('\n');
}

describe('seed stories: journalctl -u kubelet -o short-precise | kubelet-doctor scan', () => {
  for (const s of STORIES) {
    describe(s.dir, () => {
      const result = () => (cache[s.dir] ??= scan(s.dir));
      it(`names ${s.first} first`, async () => {
        const { findings, stderr, code } = await result();
        expect({ code, stderr: stderr.split('\n').filter((l) => /error|not loaded/i.test(l)) }).toMatchObject({ code: 0 });
        expect(findings.map((f) => f.ruleId)[0]).toBe(s.first);
      });
      it("carries the seed's fix in its remediation", async () => {
        const f = (await result()).findings[0];
        expect(f?.ruleId).toBe(s.first);
        for (const re of s.fix) expect(remediationText(f!)).toMatch(re);
      });
      it('cites the line that proves it', async () => {
        const f = (await result()).findings[0];
        expect(f?.ruleId).toBe(s.first);
        const texts = f!.evidence.filter((e) => e.kind === 'journal').map((e) => e.text ?? '');
        expect(texts.some((t) => s.cites.test(t)), `none of the cited lines matches ${s.cites}:\n${texts.join('\n')}`).toBe(true);
        expect(f!.evidence.every((e) => e.kind !== 'journal' || (typeof e.line === 'number' && e.line > 0))).toBe(true);
      });
      if (s.explains?.length) {
        it(`folds ${s.explains.join(', ')} under it`, async () => {
          const { findings } = await result();
          const first = findings[0]!;
          for (const id of s.explains!) {
            const c = findings.find((f) => f.ruleId === id);
            expect(c, `${id} should be found (a consequence of ${s.first})`).toBeDefined();
            expect(c!.explainedBy).toBe(s.first);
            expect(first.explains).toContain(id);
          }
        });
      }
      if (s.benign) {
        it('reports it as known noise (info), not as a failure', async () => {
          const { findings } = await result();
          expect(findings[0]!.severity).toBe('info');
          expect(findings.filter((x) => x.severity === 'error')).toEqual([]);
        });
      } else {
        it('reports it as an error', async () => {
          const f = (await result()).findings[0]!;
          expect(['error', 'warning']).toContain(f.severity);
        });
      }
    });
  }
});

const cache: Record<string, ReturnType<typeof scan>> = {};

describe('the built CLI, the journal piped in', () => {
  // one seed of each kind of story: a fatal exit, a consequence folded under its cause, known noise
  for (const dir of ['seed-000-cgroup-missing', 'seed-000-node-cert-cn-mismatch', 'seed-000-cpu-online-state'])
    it(`gives the findings the in-process scan gives (${dir})`, async () => {
      const viaCli = scanCli(dir);
      expect({ code: viaCli.code, stderr: viaCli.stderr.split('\n').filter((l) => /error|not loaded/i.test(l)) }).toMatchObject({ code: 0 });
      expect(viaCli.findings.length).toBeGreaterThan(0);
      expect(viaCli.findings[0]!.evidence.some((e) => (e as { source?: string }).source === 'stdin')).toBe(true);
      expect(viaCli.findings).toEqual((await (cache[dir] ??= scan(dir))).findings);
    });
});
