// The JSON report (schema documented in docs/json-schema.md): the Report as-is, findings in rank
// order. Timing stats only when asked for, so the document is stable for the same input.

import type { Report } from '../types.js';

export function renderJson(r: Report, o: { stats?: boolean } = {}): string {
  const { stats, ...rest } = r;
  return `${JSON.stringify(o.stats ? { ...rest, stats } : rest, null, 2)}\n`;
}
