// A KubeletConfiguration that does not parse stops the kubelet at start-up, and leaves every setting
// the file would hold unknown. Rules that compare the kubelet's settings with the node must not compare
// the kubelet's defaults instead (an invalid config.yaml once gave a false cgroup-driver mismatch):
// they see only the journal then, or are skipped with the reason when the journal said nothing.

import type { Evidence, EvidenceKind } from '../evidence.js';
import { configUnknownReason } from '../collectors/kubelet-settings.js';
import type { RuleContext } from './model.js';

/** The evidence kinds that carry the kubelet's settings (read from its command line and config file). */
const SETTING_KINDS = ['kubeletConfig', 'cgroups', 'system', 'cni', 'runtime'] as const;

/** Why the kubelet's settings are unknown, or undefined when they are known. */
export function settingsUnknown(evidence: Readonly<Partial<Evidence>>): string | undefined {
  const invalid = evidence.kubeletConfig?.configInvalid;
  if (invalid) return configUnknownReason(invalid);
  for (const k of ['cgroups', 'system', 'cni', 'runtime'] as const) {
    const u = evidence[k]?.settings.unknown;
    if (u) return u;
  }
  return undefined;
}

/**
 * The rule's context when the kubelet's settings are known; when they are not, the context without the
 * setting-bearing evidence (journal matches still count), or a skip with the reason when there are none.
 */
export function withKnownSettings<K extends EvidenceKind>(ctx: RuleContext<K>): RuleContext<K> | { skip: string } {
  const reason = settingsUnknown(ctx.evidence as Partial<Evidence>);
  if (!reason) return ctx;
  if (ctx.hits.count === 0) return { skip: reason };
  const evidence = { ...ctx.evidence } as Record<string, unknown>;
  for (const k of SETTING_KINDS) delete evidence[k];
  return { ...ctx, evidence: evidence as RuleContext<K>['evidence'] };
}

