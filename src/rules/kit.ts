// What a code rule (rules/*.ts) may use, in one place: defining the rule, citing its evidence (settings,
// certificates), dates and kubelet versions, and the few facts about the kubelet that rules compare
// against (removed flags). Code rules import nothing else at run time (test/structure.test.ts checks it;
// `import type` of the evidence shapes is fine): rules never reach into collectors, the engine or the
// filesystem, so a collector can change how it reads without a rule noticing.

export { defineRule, type CheckResult, type DefinedRule, type RuleContext, type RuleOutcome } from './model.js';
export { kubeletMinor, parseVersion, satisfies, versionAtLeast } from './versions.js';
export { settingCitation, settingWhere, type Setting } from '../collectors/kubelet-settings.js';
export { certCitation, daysLeft, describeCert } from '../collectors/cert-info.js';
export { formatBytes } from '../collectors/cgroup-parse.js';
export { REMOVED_BY_NAME } from '../collectors/kubelet-flags.js';
export { KUBELET_FLAG_HISTORY } from '../collectors/kubelet-flag-history.js';
export { latestRunEnding } from '../engine/exit.js';
export { runAt } from '../journal/run-window.js';
export { settingsUnknown, withKnownSettings } from './known-settings.js';
export type { Citation, Remediation, Severity } from '../types.js';
export type { RuleHits } from '../engine/hits.js';

