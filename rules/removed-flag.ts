// Flags the kubelet no longer accepts (reference: "Removed kubelet command-line flags"), found in the
// unit / environment files or on the running command line, compared with the kubelet's version; plus
// the kubelet's own `unknown flag: --X` in the journal. Flags cut off by a broken unit (a missing `\`)
// are latent: they break the kubelet as soon as the unit is repaired.

import { defineRule, parseVersion, REMOVED_BY_NAME, versionAtLeast, settingCitation, type CheckResult, type Citation } from '../src/rules/kit.js';


export default defineRule({
  id: 'removed-flag',
  title: 'The kubelet is started with a flag it no longer has',
  severity: 'error',
  category: 'configuration',
  evidence: ['kubeletConfig', 'journal'],
  fatal: true,
  priority: 18,
  match: {
    journal: [
      { pattern: 'failed to parse kubelet flag: unknown flag: --(?<flag>[\\w-]+)', fatal: true, versions: '>=1.24' },
      { pattern: '^Error: unknown flag: --(?<flag>[\\w-]+)', fatal: true },
    ],
  },
  message: 'The kubelet refuses to start: unknown flag --{{flag|\'?\'}} (removed from this kubelet version).',
  why:
    'Kubelet releases remove deprecated flags (dockershim\'s --network-plugin and --cni-* in v1.24, the klog flags in v1.26, --container-runtime in v1.27, --pod-infra-container-image in v1.35, ...). An upgraded kubelet that is still started with one of them stops at flag parsing, before it logs anything else, and systemd restarts it in a loop. The flags usually hide in /var/lib/kubelet/kubeadm-flags.env, /etc/default/kubelet, /etc/sysconfig/kubelet or a systemd drop-in.',
  remediation: {
    summary: 'Delete the removed flags from the file that sets them (moving what still matters into the KubeletConfiguration or the runtime).',
    steps: [
      { text: 'Find every place the flag is set', command: "grep -rn -- '--{{flag|FLAG}}' /var/lib/kubelet/kubeadm-flags.env /etc/default/kubelet /etc/sysconfig/kubelet /etc/systemd/system/kubelet.service* /usr/lib/systemd/system/kubelet.service* 2>/dev/null" },
      { text: 'Remove it from that file (example for kubeadm-flags.env), then reload and restart', command: "cp -a /var/lib/kubelet/kubeadm-flags.env /root/kubeadm-flags.env.bak.$(date +%s) && sed -i 's/ *--{{flag|FLAG}}\\(=[^ \"]*\\)\\?//' /var/lib/kubelet/kubeadm-flags.env && systemctl daemon-reload && systemctl restart kubelet" },
    ],
  },
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/',
    'https://kubernetes.io/docs/tasks/administer-cluster/migrating-from-dockershim/',
    'https://kubernetes.io/blog/2023/03/17/upcoming-changes-in-kubernetes-v1-27/',
  ],
  check(ctx): CheckResult {
    const kc = ctx.evidence.kubeletConfig;
    // `unknown flag: --x` for a flag the kubelet never removed is a typo or a foreign flag: unknown-flag-typo's
    const journalFlag = ctx.hits.captures.flag as string | undefined;
    const journalRemoved = ctx.hits.count > 0 && (!journalFlag || REMOVED_BY_NAME.has(journalFlag));
    if (!kc) return journalRemoved ? { evidence: [] } : { skip: 'kubelet command line unknown' };
    const verText = kc.kubeletVersion ?? 'unknown';
    const ver = parseVersion(kc.kubeletVersion ?? '');
    // an unknown version: every removal applies
    const applies = (removedIn: string) => versionAtLeast(kc.kubeletVersion, removedIn) !== false;
    const effective: { flag: string; cite: Citation; removedIn: string; replacement: string }[] = [];
    for (const [name, s] of Object.entries(kc.flags)) {
      const r = REMOVED_BY_NAME.get(name);
      if (r && applies(r.removedIn)) effective.push({ flag: name, cite: settingCitation(s, `removed in v${r.removedIn}${r.approximate ? ' (approximately)' : ''}; instead: ${r.replacement}`), removedIn: r.removedIn, replacement: r.replacement });
    }
    const latent: { flag: string; cite: Citation; removedIn: string }[] = [];
    for (const p of kc.unitProblems)
      for (const a of p.lostArgs ?? []) {
        const name = /^--?([\w.-]+)/.exec(a)?.[1];
        const r = name ? REMOVED_BY_NAME.get(name) : undefined;
        if (name && r && applies(r.removedIn) && !latent.some((l) => l.flag === name))
          latent.push({ flag: name, removedIn: r.removedIn, cite: { kind: 'file', source: p.display, line: p.line, endLine: p.endLine, text: a, field: `--${name}`, note: `removed in v${r.removedIn}; not passed today only because the unit is cut short above` } });
      }
    // without the kubelet's version a removed flag is only a guess: say so (skipped), unless the journal confirms it
    if (!ver && ctx.hits.count === 0 && (effective.length || latent.length))
      return { skip: `${[...effective, ...latent].map((e) => `--${e.flag} (removed in v${e.removedIn})`).join(', ')} on the kubelet command line, but the kubelet's version is unknown (pass --kubelet-version or a journal)` };
    const outs = [];
    if (effective.length) {
      outs.push({
        message: `The kubelet (${verText}) is started with ${effective.map((e) => `--${e.flag} (removed in v${e.removedIn})`).join(', ')}; it stops with "unknown flag: --${(ctx.hits.captures.flag as string | undefined) ?? effective[0]!.flag}".`,
        vars: { flag: effective[0]!.flag },
        evidence: effective.map((e) => e.cite),
        ...(ver ? {} : { message: `${effective.map((e) => `--${e.flag}`).join(', ')} ${effective.length === 1 ? 'was' : 'were'} removed from the kubelet (${effective.map((e) => `v${e.removedIn}`).join(', ')}); this kubelet's version is unknown (pass --kubelet-version, or a journal with its start-up lines) — if it is that new, it will not start.` }),
        severity: ver ? ('error' as const) : ctx.hits.count > 0 ? ('error' as const) : ('info' as const),
        current: true,
      });
    }
    if (latent.length) {
      outs.push({
        message: `Flags after the broken line of the unit are not passed today, but ${latent.map((l) => `--${l.flag} (removed in v${l.removedIn})`).join(', ')} would stop the kubelet (${verText}) with "unknown flag" as soon as the missing "\\" is added: drop them when repairing the unit.`,
        vars: { flag: latent[0]!.flag },
        evidence: latent.map((l) => l.cite),
        severity: 'warning' as const,
        current: true,
      });
    }
    if (!outs.length && journalRemoved) return { evidence: [] };
    return outs;
  },
});
