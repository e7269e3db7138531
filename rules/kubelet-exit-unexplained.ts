// Never silent while the kubelet dies: when the latest kubelet run ended (a fatal klog line, "command
// failed", "failed to run Kubelet", an Error: line, a panic, systemd's exit status or a signal) and no other
// rule explains why, this built-in rule names the exit and quotes the kubelet's own last reason. Its evidence
// is computed by the engine (src/engine/exit.ts); the engine folds it under a rule that explains the exit
// (src/engine/diagnose.ts), where it is informational.

import { defineRule, latestRunEnding, type CheckResult } from '../src/rules/kit.js';

export default defineRule({
  id: 'kubelet-exit-unexplained',
  title: 'The kubelet exits and no known signature explains why',
  severity: 'error',
  category: 'process',
  evidence: ['journal'],
  priority: -100,
  message: 'The kubelet\'s latest run {{how}}{{restarts}}. No known failure signature explains it. Its last reason: {{reason}}',
  why:
    'The kubelet stopped, so the node goes NotReady and its pods are no longer looked after; systemd usually restarts it and it dies the same way again. None of the failure signatures kubelet-doctor knows matched this run, so the kubelet\'s own last words (or how systemd saw it end) are the best lead. A kubelet killed by a signal prints nothing: SIGKILL comes from the OOM killer or a watchdog, SIGABRT/SIGSEGV from a crash.',
  remediation: {
    summary: 'Read the kubelet\'s last lines and systemd\'s view of the unit, then fix what the last reason names.',
    steps: [
      { text: 'Show the last start-up of the kubelet in full (the line quoted above and what led to it)', command: 'journalctl -u kubelet -b --no-pager -o short-precise | tail -n 200' },
      { text: 'See how systemd ran it: the command line, the exit status, the restart counter', command: 'systemctl status kubelet --no-pager -l; systemctl cat kubelet' },
      { text: 'When it was killed by a signal, look for the OOM killer or a watchdog in the kernel log', command: "journalctl -k -b --no-pager | grep -iE 'out of memory|oom-kill|killed process'" },
      { text: 'Compare the command line systemd runs (ExecStart plus the drop-ins and environment files it reads) with the flags and files the last reason names' , command: 'systemctl cat kubelet; cat /var/lib/kubelet/kubeadm-flags.env /etc/default/kubelet /etc/sysconfig/kubelet 2>/dev/null' },
    ],
  },
  references: [
    'https://kubernetes.io/docs/tasks/debug/debug-cluster/kubelet/',
    'https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/troubleshooting-kubeadm/',
  ],
  check(ctx): CheckResult {
    const end = latestRunEnding(ctx.evidence.journal);
    if (!end) return undefined;
    const restarts = end.restartCounter ?? end.restarts;
    const reason = end.words
      ? `"${end.words.text}" (${end.words.source}:${end.words.line})`
      : end.killedSilently
        ? 'none — it was killed without printing anything (a signal from outside: the OOM killer, a watchdog, or an operator)'
        : 'the kubelet printed no reason before it ended';
    const restartText = restarts ? `, and it has restarted ${restarts} time${restarts === 1 ? '' : 's'}` : '';
    return {
      message: `The kubelet's latest run ${end.how}${restartText}. No known failure signature explains it. Its last reason: ${reason}`,
      vars: { how: end.how, restarts: restartText, reason },
      evidence: end.citations,
      current: true,
    };
  },
});
