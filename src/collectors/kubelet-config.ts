// Collector for the `kubeletConfig` evidence kind. (Stub: to be implemented.)

import type { Availability } from '../engine/diagnose.js';
import type { CollectContext } from './index.js';

export interface KubeletConfigEvidence {
  [key: string]: unknown;
}

export async function collect(_ctx: CollectContext): Promise<Availability> {
  return { ok: false, reason: 'kubeletConfig: collector not implemented yet' };
}
