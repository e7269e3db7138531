// F10: swap is on and failSwapOn is true (the default): the kubelet refuses to start. Journal: the
// kubelet's own refusal; node: active devices in /proc/swaps (SwapTotal in /proc/meminfo) while
// failSwapOn is not false.

import { defineRule, type Citation, withKnownSettings } from '../src/rules/kit.js';

export default defineRule({
  id: 'swap-enabled',
  title: 'Swap is on and the kubelet refuses to run with it',
  severity: 'error',
  category: 'resources',
  evidence: ['journal', 'system'],
  fatal: true,
  match: {
    journal: [
      // v1.8 → ~v1.30 (capitalised first, lower-case later, with the /proc/swaps dump); ~v1.31+ without `!` and dump
      { pattern: 'Running with swap on is not supported(?:, please disable swap!? or set --fail-swap-on flag to false(?:\\. /proc/swaps contained: (?<swaps>.*))?)?', versions: '>=1.8' },
      { pattern: '"Swap is on" /proc/swaps contents=', versions: '>=1.31' },
      { pattern: 'failed to determine if swap is on' },
    ],
  },
  message: 'The kubelet exits because swap is enabled ({{devices|\'see the cited lines\'}}) and failSwapOn is true.',
  why:
    'Since v1.8 the kubelet refuses to start when /proc/swaps lists an active device and failSwapOn is true (the default). Swap is often re-enabled at boot from /etc/fstab, a swap file or a zram unit.',
  remediation: {
    summary: 'Turn swap off now and permanently, or configure swap support on purpose.',
    steps: [
      { text: 'Turn every swap device off now', command: 'swapoff -a' },
      { text: 'Keep it off across reboots (comment out swap lines in /etc/fstab, mask zram/swap units)', command: "sed -i.bak '/\\sswap\\s/s/^/#/' /etc/fstab\nsystemctl mask --now dev-zram0.swap 2>/dev/null || true" },
      { text: 'Or, on cgroup v2 with kubelet >= 1.28, allow swap deliberately in the KubeletConfiguration', command: 'failSwapOn: false\nmemorySwap:\n  swapBehavior: NoSwap' },
    ],
  },
  references: [
    'https://kubernetes.io/docs/concepts/cluster-administration/swap-memory-management/',
    'https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/install-kubeadm/#before-you-begin',
  ],
  explains: ['node-not-found'],
  check(given) {
    // settings from a KubeletConfiguration that does not parse are unknown: journal matches only, or skipped
    const known = withKnownSettings(given);
    if ('skip' in known) return known;
    const { evidence, hits } = known;
    const sys = evidence.system;
    const swap = sys?.swap;
    if (swap?.on && swap.failSwapOn) {
      const citations: Citation[] = [...swap.citations, swap.failSwapOnCite];
      const devices = swap.devices.map((d) => `${d.filename} (${d.type}, ${Math.round(d.sizeKiB / 1024)} MiB)`).join(', ');
      return {
        evidence: citations,
        current: true,
        vars: { devices: devices || `SwapTotal ${swap.swapTotalKiB} kB` },
        message: `Swap is on (${devices || `SwapTotal ${swap.swapTotalKiB} kB`}) and failSwapOn is ${swap.failSwapOnCite.text?.includes('not set') ? 'true by default' : 'true'}: the kubelet refuses to start${hits.count ? ', as the journal shows' : ''}.`,
      };
    }
    if (hits.count > 0) {
      const notes: Citation[] = swap && swap.readable && swap.on === false ? [{ kind: 'node', source: 'proc/swaps', text: 'no active swap device now', note: 'swap may have been turned off since; check /etc/fstab so it stays off' }] : [];
      return { evidence: notes };
    }
    return undefined;
  },
});
