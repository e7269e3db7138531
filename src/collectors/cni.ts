// Collector for the `cni` evidence kind. (Stub: to be implemented.)

import type { Availability } from '../engine/diagnose.js';
import type { CollectContext } from './index.js';

export interface CniEvidence {
  [key: string]: unknown;
}

export async function collect(_ctx: CollectContext): Promise<Availability> {
  return { ok: false, reason: 'cni: collector not implemented yet' };
}
