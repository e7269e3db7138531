// A hand-made report covering every citation kind, folding, skipped rules and source problems,
// for the renderer and TUI tests (reports from fixture journals are used beside it).

import type { RuleMeta } from '../src/rules/model.js';
import type { Finding, Report } from '../src/types.js';

/** A short-format journal in which the swap-enabled rule fires (the kubelet exits). */
export const SWAP_JOURNAL = [
  'Nov 20 10:00:01 worker-1 systemd[1]: Started kubelet.service - kubelet: The Kubernetes Node Agent.',
  'Nov 20 10:00:01 worker-1 kubelet[1234]: I1120 10:00:01.100000    1234 server.go:487] "Kubelet version" kubeletVersion="v1.29.3"',
  'Nov 20 10:00:02 worker-1 kubelet[1234]: E1120 10:00:02.200000    1234 run.go:74] "command failed" err="failed to run Kubelet: running with swap on is not supported, please disable swap! or set --fail-swap-on flag to false. /proc/swaps contained: [Filename Type Size Used Priority /swap.img file 4194300 0 -2]"',
  'Nov 20 10:00:02 worker-1 systemd[1]: kubelet.service: Main process exited, code=exited, status=1/FAILURE',
  "Nov 20 10:00:02 worker-1 systemd[1]: kubelet.service: Failed with result 'exit-code'.",
  '',
].join('\n');

export const JOURNAL_LINE =
  'Nov 20 10:00:02 worker-1 kubelet[1234]: E1120 10:00:02.200000 1234 run.go:74] "command failed" err="failed to run Kubelet: running with swap on is not supported, please disable swap! or set --fail-swap-on flag to false"';
const HL_START = JOURNAL_LINE.indexOf('running with swap');
const HL_END = JOURNAL_LINE.indexOf(' or set');

const base = (f: Partial<Finding> & Pick<Finding, 'ruleId' | 'title' | 'severity'>): Finding => ({
  category: 'resources',
  message: `${f.title}.`,
  why: 'Because it matters.',
  evidence: [],
  remediation: { summary: 'Do the thing.', steps: [] },
  references: [],
  explains: [],
  runs: [0],
  current: true,
  causedExit: false,
  benign: false,
  count: 1,
  ...f,
});

export function sampleReport(): Report {
  const swap = base({
    ruleId: 'swap-enabled',
    title: 'Swap is on and the kubelet refuses to run with it',
    severity: 'error',
    message: 'The kubelet exits because swap is enabled and failSwapOn is true (<see> *this* & [that]).',
    why: 'Since v1.8 the kubelet refuses to start when /proc/swaps lists an active device.',
    causedExit: true,
    count: 7,
    runs: [0, 1, 2],
    firstSeen: 'Nov 20 10:00:02',
    lastSeen: 'Nov 20 10:05:12',
    evidence: [
      { kind: 'journal', source: '/var/log/kubelet.log', line: 3, text: JOURNAL_LINE, highlight: [HL_START, HL_END], count: 7, run: 0, firstSeen: 'Nov 20 10:00:02' },
      { kind: 'journal', source: '/var/log/kubelet.log', line: 40, endLine: 42, text: `${JOURNAL_LINE} \u001b[31mred\u001b[0m`, run: 2, firstSeen: 'Nov 20 10:05:12' },
      { kind: 'config', source: 'var/lib/kubelet/config.yaml', line: 12, text: 'failSwapOn: true', field: 'failSwapOn', value: 'true' },
      { kind: 'file', source: 'proc/swaps', text: '/swap.img file 4194300 0 -2', note: 'one active swap device' },
    ],
    remediation: {
      summary: 'Turn swap off now and permanently.',
      steps: [
        { text: 'Turn every swap device off now', command: 'swapoff -a' },
        { text: 'Keep it off across reboots', command: "sed -i.bak '/\\sswap\\s/s/^/#/' /etc/fstab\nsystemctl mask --now dev-zram0.swap" },
        { text: 'Or allow swap deliberately in the KubeletConfiguration', command: 'failSwapOn: false\nmemorySwap:\n  swapBehavior: NoSwap' },
      ],
    },
    references: ['https://kubernetes.io/docs/concepts/cluster-administration/swap-memory-management/'],
    explains: ['node-not-found'],
  });
  const notFound = base({
    ruleId: 'node-not-found',
    title: 'The API server does not know this node',
    severity: 'warning',
    category: 'registration',
    explainedBy: 'swap-enabled',
    count: 120,
    evidence: [{ kind: 'journal', source: '/var/log/kubelet.log', line: 5, text: 'E1120 10:00:05 kubelet_node_status.go:96] "Error getting node" err="node \\"worker-1\\" not found"', count: 120, run: 2 }],
  });
  const cert = base({
    ruleId: 'client-cert-expiring',
    title: 'The kubelet client certificate expires in 3 days',
    severity: 'warning',
    category: 'certificates',
    evidence: [
      { kind: 'certificate', source: 'var/lib/kubelet/pki/kubelet-client-current.pem', text: 'CN=system:node:worker-1, O=system:nodes', field: 'notAfter', value: '2026-11-25T00:00:00Z' },
      { kind: 'api', source: '/api/v1/nodes/worker-1', text: 'node worker-1 exists' },
      { kind: 'absent', source: 'etc/kubernetes/bootstrap-kubelet.conf', text: 'no bootstrap kubeconfig' },
    ],
    remediation: { summary: 'Renew the client certificate.', steps: [{ text: 'Renew with kubeadm', command: 'kubeadm certs renew all' }] },
    references: ['https://kubernetes.io/docs/tasks/tls/certificate-rotation/'],
  });
  const past = base({ ruleId: 'pleg-unhealthy', title: 'PLEG is not healthy', severity: 'warning', category: 'runtime', current: false, runs: [0], evidence: [{ kind: 'journal', source: '/var/log/kubelet.log', line: 2, text: 'PLEG is not healthy: pleg was last seen active 3m0s ago', run: 0 }] });
  const benign = base({ ruleId: 'noisy-benign', title: 'A known benign message', severity: 'info', category: 'noise', benign: true, evidence: [] });
  return {
    version: 1,
    tool: { name: 'kubelet-doctor', version: '0.1.0' },
    generatedAt: '2026-11-22T00:00:00.000Z',
    verdict: 'kubelet exits: Swap is on and the kubelet refuses to run with it (crash loop: 3 runs, restart counter 5)',
    node: { name: 'worker-1', kubeletVersion: 'v1.29.3' },
    sources: [
      { name: '/var/log/kubelet.log', kind: 'journal', format: 'short', lines: 50, records: 48, bytes: 9000, problems: ['2 record(s) looked cut short'] },
      { name: 'var/lib/kubelet/config.yaml', kind: 'file', problems: [] },
    ],
    runs: [0, 1, 2].map((i) => ({ index: i, source: '/var/log/kubelet.log', startLine: i * 15 + 1, endLine: i * 15 + 14, records: 14, exit: { code: 'exited', status: '1/FAILURE', line: i * 15 + 14, text: 'exited' } })),
    crashLoop: { runs: 3, restartCounter: 5, exitStatus: '1/FAILURE' },
    findings: [swap, notFound, cert, benign, past],
    skipped: [
      { ruleId: 'cni-config-missing', reason: 'cni: no CNI config directory under the root' },
      { ruleId: 'runtime-down', reason: 'rule failed to run: boom' },
    ],
    rulesRun: ['swap-enabled', 'node-not-found', 'client-cert-expiring', 'noisy-benign', 'pleg-unhealthy', 'healthy-rule'],
  };
}

export function sampleRules(): RuleMeta[] {
  const r = sampleReport();
  const fromFinding = r.findings.map((f) => ({
    id: f.ruleId,
    title: f.title,
    severity: f.severity,
    category: f.category,
    evidence: ['journal' as const],
    message: f.message,
    why: f.why,
    remediation: f.remediation,
    references: f.references,
  }));
  const more = ['healthy-rule', 'cni-config-missing', 'runtime-down'].map((id) => ({
    id,
    title: `Rule ${id}`,
    severity: 'error' as const,
    category: 'misc',
    evidence: ['journal' as const],
    message: 'm',
    why: 'w',
    remediation: { summary: 's', steps: [] },
    references: ['https://example.invalid/docs'],
  }));
  return [...fromFinding, ...more];
}
