// A kubelet setting and where it came from (a flag, the KubeletConfiguration file, or the kubelet's
// default), and how a finding cites it: what the kubelet-config collector hands to rules.

import type { Citation } from '../types.js';

/** A value and where it came from. */
export interface Setting<T = unknown> {
  value: T;
  /** `flag` (command line), `config` (KubeletConfiguration file), `default` (kubelet default). */
  origin: 'flag' | 'config' | 'default';
  /** File shown in citations (relative to --root on captured trees), or a description for defaults. */
  source: string;
  line?: number;
  /** Config field path (`authentication.webhook.enabled`) or flag (`--kubeconfig`). */
  field: string;
  /** The environment variable the flag was expanded from, if any. */
  via?: string;
  note?: string;
  /** The source line as written (config files), for citations. */
  text?: string;
}

function show(v: unknown): string {
  if (typeof v === 'string') return v === '' ? '""' : v;
  return JSON.stringify(v);
}

/** A citation for a setting: `var/lib/kubelet/config.yaml:12 authentication.webhook.enabled = true`. */
export function settingCitation(s: Setting, note?: string): Citation {
  const isFile = s.origin !== 'default' || /\//.test(s.source);
  return {
    kind: isFile && s.origin !== 'default' ? 'file' : 'config',
    source: s.source,
    ...(s.line !== undefined ? { line: s.line } : {}),
    text:
      s.origin === 'flag'
        ? `${s.field}=${s.value}${s.via ? ` (from $${s.via})` : ''}`
        : s.origin === 'default'
          ? `not set: ${s.source}`
          : (s.text ?? `${s.field}: ${show(s.value)}`),
    field: s.field,
    value: show(s.value),
    ...(note ?? s.note ? { note: note ?? s.note } : {}),
  };
}

/** Where a setting can be changed, in words (`in /var/lib/kubelet/config.yaml`, `the --read-only-port flag`). */
export function settingWhere(s: Setting): string {
  if (s.origin === 'flag') return `${s.field} in ${s.source}${s.line ? `:${s.line}` : ''}`;
  if (s.origin === 'config') return `${s.field} in ${s.source}${s.line ? `:${s.line}` : ''}`;
  return `${s.field} (not set; ${s.source})`;
}
