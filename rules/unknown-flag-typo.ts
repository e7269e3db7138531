// A flag the kubelet has never had (a misspelling, a flag of another component, a single dash) stops it at flag
// parsing on every start. The kubelet's flags per release (src/collectors/kubelet-flag-history.ts, generated
// from the release sources) name the flag meant; flags that existed and were removed are removed-flag's.

import { defineRule, KUBELET_FLAG_HISTORY, kubeletMinor, REMOVED_BY_NAME, type CheckResult } from '../src/rules/kit.js';

/** Optimal string alignment distance (adjacent transpositions count as one edit). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

/** The real flag closest to `name` among those the kubelet `minor` has (every release's when unknown). */
export function nearestFlag(name: string, minor?: number): string | undefined {
  const want = name.toLowerCase().replace(/_/g, '-');
  let best: { flag: string; d: number } | undefined;
  for (const [flag, [first, last]] of Object.entries(KUBELET_FLAG_HISTORY)) {
    if (minor !== undefined && (minor < first || minor > last)) continue;
    if (flag === want) return flag; // `--foo_bar` for `--foo-bar`, or a one-dash long flag
    const d = editDistance(want, flag);
    if (!best || d < best.d || (d === best.d && flag.length < best.flag.length)) best = { flag, d };
  }
  if (!best) return undefined;
  // a typo, not another word: at most 2 edits for short names, about a quarter of the name for long ones
  return best.d <= Math.max(2, Math.floor(want.length / 4)) ? best.flag : undefined;
}

export default defineRule({
  id: 'unknown-flag-typo',
  title: 'The kubelet is started with a flag it does not have (a typo or another component\'s flag)',
  severity: 'error',
  category: 'configuration',
  evidence: ['journal'],
  fatal: true,
  priority: 17,
  match: {
    journal: [
      // spf13/pflag FlagSet.Parse: `unknown flag: --%s`, printed by the kubelet as F `unknown flag: --x` (klog.Fatal,
      // <= v1.20), `"Failed to parse kubelet flag" err="unknown flag: --x"` (v1.21-v1.23), `failed to parse kubelet
      // flag: unknown flag: --x` under `"command failed" err=` or cobra's `Error:` (v1.24+)
      { pattern: 'unknown flag: --(?<flag>[\\w.-]+)', versions: '>=1.5' },
      // pflag: a long flag written with one dash (`-max-pods`) is read as shorthand letters
      { pattern: "unknown shorthand flag: '(?<short>\\w)' in -(?<shortArg>[\\w.-]+)", versions: '>=1.5' },
      // Go's flag package (embedding agents, klog's go flags): `flag provided but not defined: -%s`
      { pattern: 'flag provided but not defined: -{1,2}(?<goFlag>[\\w.-]+)', processes: 'any' },
    ],
  },
  message: 'The kubelet stops at flag parsing: --{{flag|shortArg|goFlag|\'?\'}} is not a kubelet flag.',
  why:
    'The kubelet parses its whole command line (the unit\'s ExecStart=, KUBELET_EXTRA_ARGS and kubeadm-flags.env, or the extraArgs / --kubelet-arg of a distribution) before doing anything else, and one unknown flag ends the process with status 1 (255 before v1.21). systemd restarts it in a loop and the node never comes up. Misspellings (a missing plural s, underscores), flags of other components (kube-proxy, kubeadm) and long flags written with a single dash are the usual causes.',
  remediation: {
    summary: 'Correct or remove the flag where it is set ({{suggestion|\'check the spelling against kubelet --help\'}}), then restart the kubelet.',
    steps: [
      { text: 'Find where the flag is set', command: "grep -rn -- '{{flag|shortArg|goFlag|FLAG}}' /var/lib/kubelet/kubeadm-flags.env /etc/default/kubelet /etc/sysconfig/kubelet /etc/systemd/system/kubelet.service* /usr/lib/systemd/system/kubelet.service* 2>/dev/null" },
      { text: 'Check the spelling against the flags this kubelet has', command: "kubelet --help 2>&1 | grep -E -- '--[a-z-]+' -o | sort -u | grep -i -- '{{near|flag|shortArg|goFlag|FLAG}}'" },
      { text: 'Fix the flag in that file (keep a backup), then reload and restart', command: "cp -a /var/lib/kubelet/kubeadm-flags.env /root/kubeadm-flags.env.bak; ${EDITOR:-vi} /var/lib/kubelet/kubeadm-flags.env && systemctl daemon-reload && systemctl restart kubelet" },
    ],
  },
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/',
    'https://kubernetes.io/docs/tasks/administer-cluster/kubelet-config-file/',
  ],
  check(ctx): CheckResult {
    const h = ctx.hits;
    if (h.count === 0) return undefined;
    const raw = h.captures.flag ?? h.captures.shortArg ?? h.captures.goFlag;
    if (!raw) return { evidence: [] };
    const name = raw.replace(/^-+/, '');
    // a flag that existed and was removed is removed-flag's (it names the release and the replacement)
    if (h.captures.flag && REMOVED_BY_NAME.has(name)) return undefined;
    const minor = kubeletMinor(ctx.evidence.journal?.facts.kubeletVersion);
    const past = KUBELET_FLAG_HISTORY[name];
    if (past && h.captures.flag) {
      return {
        message: `The kubelet stops at flag parsing: --${name} was a kubelet flag in v1.${past[0]}–v1.${past[1]} and is gone from this kubelet${minor ? ` (v1.${minor})` : ''}.`,
        vars: { suggestion: `--${name} was removed after v1.${past[1]}: drop it or move its setting into the KubeletConfiguration`, near: name },
        evidence: [],
      };
    }
    const near = nearestFlag(name, minor);
    const shown = h.captures.shortArg ? `-${name}` : `--${name}`;
    return {
      message: near
        ? `The kubelet stops at flag parsing: ${shown} is not a kubelet flag — did you mean --${near}?`
        : `The kubelet stops at flag parsing: ${shown} is not a kubelet flag.`,
      vars: near ? { suggestion: `did you mean --${near}?`, near } : {},
      evidence: [],
    };
  },
});
