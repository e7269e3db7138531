// Collector for the `system` evidence kind. (Stub: to be implemented.)

import type { Availability } from '../engine/diagnose.js';
import type { CollectContext } from './index.js';

export interface SystemEvidence {
  [key: string]: unknown;
}

export async function collect(_ctx: CollectContext): Promise<Availability> {
  return { ok: false, reason: 'system: collector not implemented yet' };
}
