// The kubelet's --config file does not exist. Stated by the kubelet itself (the read error of
// pkg/kubelet/kubeletconfig/configfiles), or — when all that was posted is `systemctl status kubelet` for a kubeadm
// unit that exits before printing a line — inferred as the likely cause and said so, with the check that settles it.

import { defineRule, settingCitation, type CheckResult } from '../src/rules/kit.js';

export default defineRule({
  id: 'config-file-missing',
  title: 'The kubelet config file does not exist',
  severity: 'error',
  category: 'configuration',
  evidence: ['journal', 'kubeletConfig'],
  fatal: true,
  priority: 6,
  match: {
    journal: [
      // F15: the inner error of pkg/kubelet/kubeletconfig/configfiles is the same in every era; the wrappers differ:
      // <=v1.21 `F… server.go:1xx] failed to load Kubelet config file X, error failed to read kubelet config file "X", error: open X: no such file or directory` (status 255)
      // v1.21-v1.23 `"Failed to load kubelet config file" err="failed to load Kubelet config file X, error …" path="X"`
      // v1.24-v1.27 `"command failed" err="failed to load kubelet config file, error: failed to load Kubelet config file X, error …, path: X"`
      // v1.28+ `"command failed" err="failed to load kubelet config file, path: X, error: failed to load Kubelet config file X, error …"`
      { pattern: 'failed to read kubelet config file "(?<path>[^"]+)", error: open [^:]*: no such(?: file or directory)?' },
      // systemd's `Process: <pid> ExecStart=<kubelet> … $KUBELET_CONFIG_ARGS … (code=exited, status=N)` line of
      // `systemctl status kubelet` on a kubeadm unit (10-kubeadm.conf passes --config through $KUBELET_CONFIG_ARGS).
      // Only a hint: check() claims it only when the kubelet printed no reason of its own.
      {
        pattern: 'ExecStart=(?<binary>\\S*kubelet) [^(]*?\\$KUBELET_CONFIG_ARGS[^(]*\\(code=exited, status=(?<status>\\d+)',
        processes: 'any',
      },
    ],
  },
  message:
    'The kubelet exits because its config file {{path}} does not exist. On a kubeadm node this is expected until `kubeadm init` or `kubeadm join` writes it; the kubelet crash-loops until then.',
  why:
    'The kubelet is started with --config=<file> (kubeadm\'s drop-in 10-kubeadm.conf always passes /var/lib/kubelet/config.yaml through $KUBELET_CONFIG_ARGS). kubeadm writes that file during init/join (phase kubelet-start), so a freshly installed kubeadm node restarts the kubelet every few seconds until then. If init/join already ran, the file was removed or the unit points at the wrong path.',
  remediation: {
    summary: 'Run (or finish) kubeadm init/join, or point --config at an existing KubeletConfiguration file.',
    steps: [
      { text: 'See which --config path the unit passes and whether the file exists', command: "systemctl cat kubelet | grep -E 'config|ExecStart'; ls -l {{path|/var/lib/kubelet/config.yaml}}" },
      { text: "See the kubelet's own reason (status output cuts it off)", command: 'journalctl -u kubelet -b --no-pager | tail -n 30' },
      { text: 'On a kubeadm node, initialise or join the cluster (this writes {{path|/var/lib/kubelet/config.yaml}} and restarts the kubelet)', command: 'kubeadm join <control-plane>:6443 --token <token> --discovery-token-ca-cert-hash sha256:<hash>' },
      { text: 'If the node already joined, regenerate the file from the cluster\'s kubelet-config ConfigMap', command: 'kubeadm upgrade node phase kubelet-config && systemctl restart kubelet' },
    ],
  },
  references: [
    'https://kubernetes.io/docs/tasks/administer-cluster/kubelet-config-file/',
    'https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/kubelet-integration/',
    'https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/troubleshooting-kubeadm/',
  ],
  check(ctx): CheckResult {
    const h = ctx.hits;
    const gone = ctx.evidence.kubeletConfig?.configInvalid;
    if (h.count === 0 && gone?.kind === 'missing') {
      // found on the node: the unit passes --config, and there is no such file
      const flag = ctx.evidence.kubeletConfig?.flags['config'];
      return {
        evidence: [...(flag ? [settingCitation(flag)] : []), { kind: 'absent', source: gone.source, text: `${gone.path} does not exist` }],
        current: true,
        vars: { path: gone.path },
        message: `The kubelet is started with --config=${gone.path}, which does not exist: it exits at start-up (on a kubeadm node, until \`kubeadm init\` or \`kubeadm join\` writes it). Until then its settings are unknown, so the rules that compare them are skipped.`,
      };
    }
    if (h.count === 0) return undefined;
    if ((h.byPattern[0] ?? 0) > 0) return { evidence: [] };
    // Only the kubeadm unit's status line: a hint, not a statement. Claim the exit only when the kubelet printed no
    // reason of its own (another rule or the exit rule quotes it then) and exited with a failure status.
    const j = ctx.evidence.journal;
    const latest = j?.runs[j.latestRun];
    if (j?.runs.some((r) => r.lastWords || r.firstWords)) return undefined;
    if (latest && latest.records > 0) return undefined;
    const status = h.captures.status ?? '';
    if (!/^(?:255|1)$/.test(status)) return undefined;
    const kc = ctx.evidence.kubeletConfig;
    const flagged = kc?.flags['config']?.value;
    const confirmed = flagged && kc && !kc.configFiles.length ? flagged : undefined;
    return {
      message: confirmed
        ? `The kubelet exits (status=${status}) before printing a line, and its config file ${confirmed} cannot be read: on a kubeadm node the kubelet crash-loops like this until \`kubeadm init\` or \`kubeadm join\` writes it.`
        : `The kubeadm kubelet unit exits with status=${status} and the text holds no kubelet line to say why. The most common cause of this picture is a node where \`kubeadm init\`/\`join\` has not (successfully) run yet, so /var/lib/kubelet/config.yaml ($KUBELET_CONFIG_ARGS) does not exist and the kubelet crash-loops. Not confirmed: check with \`ls -l /var/lib/kubelet/config.yaml\` and read the kubelet's own last lines with journalctl.`,
      vars: { path: confirmed ?? '/var/lib/kubelet/config.yaml' },
      evidence: [],
      current: true,
    };
  },
});
