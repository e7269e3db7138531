// An eviction threshold on a signal the kubelet cannot observe: the eviction manager finds no observation for
// it every housekeeping cycle (allocatableNodeFs.available in v1.7.0-v1.7.2, imagefs/nodefs signals when cAdvisor
// or the CRI stats provider reports no such filesystem), so the threshold is never enforced as meant; a signal the
// kubelet does not know at all stops it at start-up.

import { defineRule } from '../src/rules/model.js';

/** The warning repeats every monitoring period (10 s); a cycle or two right after start-up is normal. */
const MIN_REPEATS = 3;

export default defineRule({
  id: 'eviction-signal-missing',
  title: 'An eviction threshold names a signal the kubelet cannot observe',
  severity: 'warning',
  category: 'resources',
  evidence: ['journal'],
  priority: 4,
  match: {
    journal: [
      // pkg/kubelet/eviction/helpers.go thresholdsMet / thresholdsFirstObservedAt: W `eviction manager: no observation
      // found for eviction signal %v` (v1.5-v1.20), `"Eviction manager: no observation found for eviction signal"
      // signal="…"` (v1.21+, info)
      { pattern: 'no observation found for eviction signal(?:"? signal="?| )?(?<signal>[\\w.]+)?', versions: '>=1.5' },
      // helpers.go ParseThresholdConfig: `unsupported eviction signal %v` (v1.5+), returned from run(): the kubelet exits
      { pattern: 'unsupported eviction signal (?<badSignal>[^\\s",]+)', versions: '>=1.5', fatal: true },
    ],
  },
  message:
    'The eviction manager has no observation for the signal {{signal|badSignal|\'named in the threshold\'}} ({{count}} times): the threshold on it is never evaluated as configured.',
  why:
    'Each evictionHard/evictionSoft threshold names a signal (memory.available, nodefs.available, nodefs.inodesFree, imagefs.available, pid.available, allocatableMemory.available, …). The eviction manager measures every signal each cycle from the stats provider; a signal it cannot measure — imagefs when the runtime reports no image filesystem, a filesystem cAdvisor cannot find, or allocatableNodeFs.available, which kubelet v1.7.0-v1.7.2 accepted but never observed — is logged every 10 s and its threshold is ignored, or acts on the wrong filesystem. A signal the kubelet does not know at all is rejected at start-up.',
  remediation: {
    summary: 'Drop or correct the threshold on the signal the kubelet cannot observe (or upgrade a v1.7.0-v1.7.2 kubelet).',
    steps: [
      { text: 'See the configured thresholds', command: "grep -nE -A6 'evictionHard|evictionSoft|eviction-hard|eviction-soft' /var/lib/kubelet/config.yaml /var/lib/kubelet/kubeadm-flags.env /etc/default/kubelet /etc/systemd/system/kubelet.service.d/*.conf 2>/dev/null" },
      { text: 'Remove the threshold on {{signal|badSignal|the signal}} (back up the file first), then restart the kubelet', command: 'cp -a /var/lib/kubelet/config.yaml /var/lib/kubelet/config.yaml.bak && systemctl restart kubelet' },
      { text: 'For allocatableNodeFs.available on kubelet v1.7.0-v1.7.2: upgrade to v1.7.3 or later', command: 'kubelet --version' },
    ],
  },
  references: [
    'https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/#eviction-signals',
    'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
  ],
  check({ hits }) {
    if (hits.count === 0) return undefined;
    if ((hits.byPattern[1] ?? 0) > 0) return { severity: 'error', message: `The kubelet does not know the eviction signal ${hits.captures.badSignal ?? ''} named in its configuration and exits at start-up.`, evidence: [] };
    if ((hits.byPattern[0] ?? 0) < MIN_REPEATS) return undefined;
    return { evidence: [] };
  },
});
