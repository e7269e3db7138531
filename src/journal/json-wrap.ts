// A JSON line hard-wrapped at a terminal's width (a pasted `journalctl -o json` entry or kubelet JSON log
// line, the wrap falling anywhere, mid-string included). A JSON line that does not close on its line is held
// back; the lines after it are joined to it while they look like the rest of a wrap (every piece but the
// last fills the first piece's width, and none starts a record of its own). The record comes from the joined
// text once the object closes; when the pieces stop first, from what can be salvaged of it (json-records.ts),
// as a JSON line cut short always was.

import { jsonLineRecord } from './json-records.js';
import { parseKlog, parsePrefix } from './prefix.js';

/** The start of a JSON object that is not whole on its line (a whole one ends with its `}`). */
export function unclosedJson(text: string): boolean {
  if (text.charCodeAt(0) !== 123 || text.charCodeAt(1) !== 34) return false;
  const t = text.trimEnd();
  return t.charCodeAt(t.length - 1) !== 125;
}

/**
 * A line that begins a record of its own rather than continuing the held JSON text: a JSON object, a journal
 * prefix, a whole klog header unless the held text just opened the message it starts. (Looser signs of a
 * record — part of a klog header, `file.go:12]` — are everyday text inside a wrapped MESSAGE.)
 */
function startsOwnRecord(held: string, line: string): boolean {
  if (line.charCodeAt(0) === 123 && line.charCodeAt(1) === 34) return true;
  if (line.startsWith('-- ') && line.endsWith(' --')) return true; // journalctl's markers: -- Boot … --, -- No entries --
  if (parsePrefix(line)) return true;
  return !held.endsWith('"MESSAGE":"') && !held.endsWith('"msg":"') && parseKlog(line) !== undefined;
}

interface HeldLine {
  /** the JSON text so far */
  text: string;
  /** the physical width of the first piece (the terminal's) */
  width: number;
  /** the physical lines so far, for the record's citation */
  raw: string;
  /** the first piece's line number */
  line: number;
}

/** What the held-back text came to: the record (none when nothing could be read), its last line and raw text. */
export interface JsonJoined {
  json: ReturnType<typeof jsonLineRecord>;
  raw: string;
  endLine: number;
}

export class JsonWrap {
  private held?: HeldLine;
  private lastLine = 0;

  constructor(
    private readonly source: string,
    /** the joined text is bounded as a physical line is */
    private readonly maxChars: number,
  ) {}

  get isOpen(): boolean {
    return this.held !== undefined;
  }

  /** A JSON line that does not close (`text`, physically `raw`) is held back: the lines after it may be its rest. */
  hold(text: string, raw: string, line: number): void {
    this.held = { text, width: raw.length, raw, line };
    this.lastLine = line;
  }

  /**
   * The next physical line. `taken`: it was a piece of the held line, and `done` says what the joined text came
   * to when the wrap ended with it (undefined while it goes on). Not taken: the held line ended before it, and
   * `done` is what it came to (to be read before this line). Undefined when nothing was held.
   */
  next(line: string, lineNo: number): { taken: boolean; done?: JsonJoined } | undefined {
    const h = this.held;
    if (!h) return undefined;
    if (line.length === 0 || line.length > h.width || h.text.length + line.length > this.maxChars || startsOwnRecord(h.text, line)) return { taken: false, done: this.end() };
    h.text += line;
    h.raw += line;
    this.lastLine = lineNo;
    // a piece shorter than the width is the wrap's last
    if (line.length < h.width) return { taken: true, done: this.end() };
    // whole: parsed only when the text now ends as an object does (parsing every piece of a long line was quadratic)
    if (!unclosedJson(h.text)) {
      const json = jsonLineRecord(h.text, this.source, h.line);
      if (json?.format) {
        this.held = undefined;
        return { taken: true, done: { json, raw: h.raw, endLine: lineNo } };
      }
    }
    return { taken: true };
  }

  /** The held line as it stands (the input ended, or its pieces did): what can be read of it. */
  end(): JsonJoined | undefined {
    const h = this.held;
    if (!h) return undefined;
    this.held = undefined;
    return { json: jsonLineRecord(h.text, this.source, h.line), raw: h.raw, endLine: this.lastLine };
  }
}
