// Journal text is written by whoever can log on the node, and human outputs go to a terminal or get
// pasted into one: an ESC sequence in a log line could clear the screen, retitle the window or write
// the clipboard (OSC 52). terminalSafe() shows every control character as a visible escape — C0 controls
// other than tab and newline, DEL, C1 controls (0x80-0x9f, which some terminals take as CSI/OSC), and
// the bidirectional overrides that reorder what is shown. Every human renderer (text, Markdown, the TUI,
// follow lines) passes the report through safeReport() first; the colours they add come after.

import { mapStrings } from '../map-strings.js';

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function show(ch: string): string {
  const c = ch.charCodeAt(0);
  return c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
}

/** The text with control characters shown as `\x1b`, `\x07`, `\u202e`… (tab and newline kept). */
export function terminalSafe(text: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text) ? text.replace(UNSAFE, show) : text;
}

const cache = new WeakMap<object, unknown>();

/** A copy of a report (or finding) whose every string is terminalSafe (memoised per object). */
export function safeReport<T extends object>(r: T): T {
  const hit = cache.get(r);
  if (hit) return hit as T;
  const out = mapStrings(r, terminalSafe);
  cache.set(r, out);
  cache.set(out, out);
  return out;
}
