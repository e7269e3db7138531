// Skipped rules grouped by reason for people: each reason once, with every rule it kept from running.
// A rule that lacked several kinds of evidence is listed under each of them, so a long reason (the node
// state that was not read, the journal that was not given) is never printed again for each combination.
// Pure: skipped → groups, in first-seen order.

import type { Skipped } from '../types.js';

export interface SkipGroup {
  reason: string;
  ruleIds: string[];
}

export function groupSkipped(skipped: readonly Skipped[]): SkipGroup[] {
  const byReason = new Map<string, string[]>();
  for (const s of skipped) {
    for (const reason of s.reasons?.length ? s.reasons : [s.reason]) {
      const ids = byReason.get(reason) ?? [];
      if (!ids.includes(s.ruleId)) ids.push(s.ruleId);
      byReason.set(reason, ids);
    }
  }
  return [...byReason].map(([reason, ruleIds]) => ({ reason, ruleIds }));
}
