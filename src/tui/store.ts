// The live data behind the terminal views: read progress, the latest report, follow status.
// Written by the scan (or the follower), read by the ink app through useSyncExternalStore.

import type { Report } from '../types.js';
import { type Line, plural, seg, truncLine } from './lines.js';
import type { FollowStatus, RowChange } from './model.js';

export interface SourceProgress {
  name: string;
  bytes: number;
  /** File size, when known (a file, not a pipe): gives a percentage. */
  size?: number;
  lines: number;
  done: boolean;
}

export interface CollectorProgress {
  kind: string;
  state: 'waiting' | 'reading' | 'done';
  /** done: whether the evidence was there, else why not */
  ok?: boolean;
  reason?: string;
  /** when it started reading (a slow one — an API call — shows its time) */
  since?: number;
}

export interface Live {
  phase: 'journal' | 'collect' | 'done';
  startedAt: number;
  sources: SourceProgress[];
  /** Node evidence kinds the rules need (collected after the journal), each with how far it got. */
  collectors: CollectorProgress[];
  report?: Report;
  follow?: FollowStatus;
  /** Follow mode: findings that appeared or repeated recently, by finding key. */
  changes: Map<string, RowChange>;
  error?: string;
}

export class Store {
  private state: Live;
  private readonly listeners = new Set<() => void>();
  constructor(init: Partial<Live> = {}) {
    this.state = { phase: 'journal', startedAt: Date.now(), sources: [], collectors: [], changes: new Map(), ...init };
  }
  get = (): Live => this.state;
  set(patch: Partial<Live>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }
  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
}

const SPIN = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function mb(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} kB` : `${n} B`;
}

function bar(frac: number, width: number): string {
  const n = Math.round(Math.max(0, Math.min(1, frac)) * width);
  return `${'█'.repeat(n)}${'░'.repeat(width - n)}`;
}

/** The progress screen: one line per journal source, then the node evidence collectors. */
export function progressLines(live: Live, width: number, now = Date.now()): Line[] {
  const secs = ((now - live.startedAt) / 1000).toFixed(1);
  const spin = SPIN[Math.floor((now - live.startedAt) / 100) % SPIN.length]!;
  const out: Line[] = [];
  const what = live.phase === 'journal' ? 'reading the kubelet journal' : live.phase === 'collect' ? 'reading node evidence' : 'diagnosing';
  out.push(truncLine([seg('kubelet-doctor ', { bold: true }), seg(`${spin} ${what} · ${secs} s`, { dim: true })], width));
  out.push([]);
  if (!live.sources.length) out.push([seg('  journal: none to read', { dim: true })]);
  for (const s of live.sources) {
    const mark = s.done ? seg('✓ ', { color: 'green' }) : seg(`${spin} `, { color: 'cyan' });
    const name = s.name.length > 32 ? `…${s.name.slice(-31)}` : s.name;
    const pct = s.size ? s.bytes / s.size : undefined;
    const detail = [
      pct !== undefined && !s.done ? `${bar(pct, 16)} ${Math.floor(pct * 100)}%` : '',
      s.bytes ? mb(s.bytes) : '',
      s.lines ? plural(s.lines, 'line') : '',
      s.done ? 'done' : '',
    ]
      .filter(Boolean)
      .join('  ');
    out.push(truncLine([seg('  '), mark, seg(name.padEnd(Math.min(34, name.length + 2))), seg(detail, { dim: true })], width));
  }
  if (live.collectors.length) {
    out.push([]);
    out.push([seg('  node evidence', { bold: true })]);
    for (const c of live.collectors) {
      const state = live.phase === 'done' && c.state !== 'done' ? 'done' : c.state;
      const mark = state === 'done' ? (c.ok === false ? seg('– ', { color: 'yellow' }) : seg('✓ ', { color: 'green' })) : state === 'reading' ? seg(`${spin} `, { color: 'cyan' }) : seg('· ', { dim: true });
      const detail =
        state === 'reading' ? `reading${c.since !== undefined && now - c.since > 1000 ? ` · ${((now - c.since) / 1000).toFixed(1)} s` : ''}` : state === 'waiting' ? 'waiting' : c.ok === false ? `not available: ${c.reason ?? ''}` : 'read';
      out.push(truncLine([seg('  '), mark, seg(c.kind.padEnd(16)), seg(detail, { dim: true })], width));
    }
  }
  if (live.error) out.push([], truncLine([seg(`error: ${live.error}`, { color: 'red', bold: true })], width));
  out.push([]);
  out.push([seg('  q quits', { dim: true })]);
  return out;
}
