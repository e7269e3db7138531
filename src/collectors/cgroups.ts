// Collector for the `cgroups` evidence kind. (Stub: to be implemented.)

import type { Availability } from '../engine/diagnose.js';
import type { CollectContext } from './index.js';

export interface CgroupsEvidence {
  [key: string]: unknown;
}

export async function collect(_ctx: CollectContext): Promise<Availability> {
  return { ok: false, reason: 'cgroups: collector not implemented yet' };
}
