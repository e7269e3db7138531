// Collector for the `runtime` evidence kind. (Stub: to be implemented.)

import type { Availability } from '../engine/diagnose.js';
import type { CollectContext } from './index.js';

export interface RuntimeEvidence {
  [key: string]: unknown;
}

export async function collect(_ctx: CollectContext): Promise<Availability> {
  return { ok: false, reason: 'runtime: collector not implemented yet' };
}
