// Turns physical lines (text formats) and journal entries (json, export) into LogRecords.
// Stateful for continuation lines: indented lines of multi-line messages, the lines of a structured
// `key=<` block and Go stack dumps printed after a fatal line are attached to the entry that printed
// them — whether journalctl printed them as indented lines of one entry, or the stdout transport made
// each its own entry with the kubelet prefix, or `-o cat` printed them bare.

import { KUBELET_PROCESS } from '../kubelet-identity.js';
import type { JournalFormat, LogRecord } from '../types.js';
import { isKlogStart, leadingSpaces, parseKlogLoose, parsePartialPrefix, startsRecord, undecorate } from './decorations.js';
import { BOOT, type EntryRecord, fieldText, journalEntryToRecord, jsonLineRecord, kubeletJsonInEntry, logrusWrapped } from './json-records.js';
import { blockValue, parseKlog, parsePrefix, parseStructuredText, type Prefix } from './prefix.js';
import { bareSystemdAboutKubelet, PID1, STATUS_KEY, STATUS_TELLING, STATUS_UNIT, statusUnitIsKubelet, SYSTEMD_ABOUT_KUBELET } from './systemd-lines.js';
import { decideWrap, WRAP_WIDTH, type WrapTail } from './wrap.js';
import { type JsonJoined, JsonWrap, unclosedJson } from './json-wrap.js';
import { FATAL_START, NOTICE, STACK_LINE, type ClosedBlock } from './line-kinds.js';

export { KUBELET_PROCESS } from '../kubelet-identity.js';
export { journalEntryToRecord, kubeletJsonToRecord, parseLogfmt } from './json-records.js';
export { clockMs } from './clock.js';
export { FATAL_START, type ClosedBlock } from './line-kinds.js';
import { clockMs } from './clock.js';

/** Lines kubelet-doctor's own fixture annotations use; the parser skips them. */
export const ANNOTATION = /^#\s*(?:ruleid|ok|todoruleid|todook):\s*/;

/** Longest text examined per line: a 10 MB line is cut here, and the source says so. */
export const MAX_LINE = 64 * 1024;

const MAX_CONTINUATION = 40;
/** A physical line that ends inside a klog header was cut by a terminal at least this wide. */
const HEADER_WRAP_WIDTH = 60;
/** Layers of decoration taken off one line at most. */
const MAX_DEPTH = 4;

export interface ParseContext {
  source: string;
  /** Used to give `Mon DD` prefixes a year. */
  now: Date;
}

type ContMode = 0 /* none */ | 1 /* fatal: stack lines */ | 2 /* open key=< block */;

/** Mutable per-source parsing state. */
export class RecordParser {
  format?: JournalFormat;
  private last?: LogRecord;
  /** Last record written by a kubelet-family process, and what may follow it. */
  private lastKubelet?: LogRecord;
  private mode: ContMode = 0;
  private blockKey = '';
  private blockLines: string[] = [];
  /** Set by decorate() when the record's message ends inside a `key=<` block. */
  private openedBlock?: string;
  /** Column where the last prefixed line's message started (journalctl indents continuations to it). */
  private width = 0;
  private inStatusHeader = false;
  private closedBlock?: ClosedBlock;
  private year: number;
  private lastMonth = 0;
  private bootId?: string;
  private bootChanged = false;
  private readonly jsonWrap: JsonWrap;
  private flushed?: { rec: LogRecord; raw: string };
  constructor(private readonly ctx: ParseContext) {
    this.year = ctx.now.getUTCFullYear();
    this.jsonWrap = new JsonWrap(ctx.source, MAX_LINE);
  }

  /**
   * No continuation can attach to the last record (no fatal dump, open `key=<` block or status header
   * pending). The fast scan (engine/scan-journal.ts) skips unremarkable lines only while this holds.
   */
  get idle(): boolean {
    return this.mode === 0 && !this.inStatusHeader && !this.jsonWrap.isOpen;
  }

  /** Parallel scans (engine/parallel-scan.ts): the state that carries from one line to the next besides the last records. */
  carried(): { format?: JournalFormat; year: number; lastMonth: number; bootId?: string } {
    return { format: this.format, year: this.year, lastMonth: this.lastMonth, bootId: this.bootId };
  }

  /** True once after a json/export entry carried a different `_BOOT_ID` than the one before. */
  takeBoot(): boolean {
    const b = this.bootChanged;
    this.bootChanged = false;
    return b;
  }

  /**
   * Parse one physical text line. Returns the new record, or undefined when the line was a
   * marker, an annotation, blank, a `systemctl status` header line, decoration (a prompt, a fence), or
   * attached to an earlier record as a continuation (or rejoined with it: see takeRejoined).
   */
  parseLine(raw: string, lineNo: number): LogRecord | undefined {
    let line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw; // CRLF
    let truncatedByUs = false;
    if (line.length > MAX_LINE) {
      line = line.slice(0, MAX_LINE);
      truncatedByUs = true;
    }
    const wrap = this.jsonWrap.next(line, lineNo);
    if (wrap) {
      // read through takeFlushed, which carries the record's whole text (all its pieces) for its citation
      const rec = wrap.done && this.joined(wrap.done);
      if (rec) this.flushed = { rec, raw: wrap.done!.raw };
      if (wrap.taken) return undefined;
    }
    if (line.length === 0) {
      if (this.inStatusHeader) this.inStatusHeader = false;
      else if (this.last && this.mode === 1 && this.last === this.lastKubelet) this.attach(this.last, '', lineNo);
      return undefined;
    }
    let c0 = line.charCodeAt(0);
    if (c0 === 0x1e /* RS: json-seq */) {
      line = line.slice(1);
      c0 = line.charCodeAt(0);
    }
    if (c0 === 45 /* - */ && line.startsWith('-- ') && line.endsWith(' --')) return undefined; // -- Boot ... --, -- No entries --
    if (c0 === 35 /* # */ && ANNOTATION.test(line)) return undefined;
    if (this.inStatusHeader) {
      // header lines are indented or tree-drawn; the first prefixed journal line ends the header
      if (c0 === 32 || c0 === 9 || c0 > 0x2500 || !parsePrefix(line)) return this.statusLine(line, lineNo);
      this.inStatusHeader = false;
    }
    if (c0 > 127 || c0 === 42 /* * */) {
      if (STATUS_UNIT.test(line)) {
        this.inStatusHeader = true;
        this.statusKubelet = statusUnitIsKubelet(line);
        return undefined;
      }
    }
    if ((c0 === 72 /* H */ || c0 === 87 /* W */ || c0 === 78) && NOTICE.test(line)) return undefined;
    this.raw = line;
    return this.parseText(line, lineNo, truncatedByUs, 0);
  }

  /** The raw text of the line being parsed (decorations included), for the rejoined citation. */
  private raw = '';

  /** A line (decorations being taken off one layer at a time, `depth` so far) as a record. */
  private parseText(line: string, lineNo: number, truncatedByUs: boolean, depth: number, host?: string): LogRecord | undefined {
    const c0 = line.charCodeAt(0);
    if (c0 === 123 /* { */ || (c0 === 100 && line.startsWith('data: {'))) {
      const text = c0 === 100 ? line.slice(6) : line;
      if (unclosedJson(text)) {
        this.jsonWrap.hold(text, this.raw, lineNo); // a hard wrap's first piece, or a line cut short
        return undefined;
      }
      const rec = this.fromJson(jsonLineRecord(text, this.ctx.source, lineNo));
      if (rec) {
        if (host !== undefined) rec.host ??= host;
        return this.entry(rec, truncatedByUs);
      }
    }
    if (c0 === 32 || c0 === 9) {
      // ja_JP/ko_KR month names are space-padded (` 8月 15 …`): a prefix, not an indented line
      const c1 = line.charCodeAt(1);
      const prefixed = c0 === 32 && c1 >= 48 && c1 <= 57 ? parsePrefix(line) : undefined;
      if (prefixed) return this.prefixed(prefixed, line, lineNo, truncatedByUs);
      // an indented paste of whole journal lines (` kubelet[12]: F0812 …`): leading whitespace is decoration
      const trimmed = line.trimStart();
      if (depth < MAX_DEPTH && this.mode !== 2 && trimmed !== line && !(this.mode === 1 && STACK_LINE.test(trimmed)) && startsRecord(trimmed) && !(this.last && this.headerWrapped(line)))
        return this.parseText(trimmed, lineNo, truncatedByUs, depth + 1, host);
      if (this.last) {
        if ((this.mode === 0 || (this.mode === 1 && /^ \S/.test(line))) && this.rejoin(line, true, lineNo)) return undefined; // after a fatal line, ` x` is a wrap at a blank, not a stack frame
        // journalctl indents the continuation lines of a multi-line MESSAGE under the message column;
        // `-o cat` prints them bare (stack frames `\t/path/file.go:12 +0x1f`, block lines `\tvalue`, ` >`).
        if (this.format && this.format !== 'cat' && this.format !== 'json' && this.format !== 'kubelet-json') {
          const strip = Math.min(this.width, leadingSpaces(line));
          this.attach(this.last, line.slice(strip), lineNo);
        } else this.attach(this.last, line, lineNo);
        return undefined;
      }
      if (STATUS_KEY.test(line)) {
        this.inStatusHeader = true; // a status paste without its `●` line
        this.statusKubelet = true;
        return this.statusLine(line, lineNo);
      }
    }
    const prefix = parsePrefix(line);
    if (prefix) return this.prefixed(prefix, line, lineNo, truncatedByUs);
    const klog = isKlogStart(line);
    if (!klog && depth < MAX_DEPTH) {
      const pp = parsePartialPrefix(line);
      if (pp) return this.prefixed({ format: 'cat', timeText: '', host: pp.host ?? host, process: pp.process, pid: pp.pid, message: pp.message, width: line.length - pp.message.length }, line, lineNo, truncatedByUs);
      const u = undecorate(line);
      if (u === 'drop') {
        // the rest of a line that filled the terminal can read like a pasted command (`service failed: …`)
        if (this.last && this.mode !== 2 && this.tail.width >= WRAP_WIDTH) this.rejoin(line, false, lineNo);
        return undefined;
      }
      if (u) return this.parseText(u.line, lineNo, truncatedByUs, depth + 1, u.host ?? host);
    }
    // no prefix: `-o cat`, a raw kubelet log file (klog lines), or kubelet JSON logging
    if (!this.format) this.format = 'cat';
    const isSystemd = !klog && bareSystemdAboutKubelet(line);
    if (!isSystemd && this.continues(line, undefined)) {
      this.attach(this.lastKubelet!, line, lineNo);
      return undefined;
    }
    if (!klog && !isSystemd && this.mode !== 2 && this.last && (!parseKlogLoose(line) || this.headerWrapped(line)) && this.rejoin(line, false, lineNo)) return undefined;
    const rec: LogRecord = { source: this.ctx.source, line: lineNo, host, message: line, fromKubelet: !isSystemd, fromSystemd: isSystemd };
    if (host === undefined) delete rec.host;
    this.decorate(rec);
    this.tail = { prefixed: false, width: this.raw.length, joined: 1, raw: this.raw };
    return this.remember(rec, truncatedByUs);
  }

  private prefixed(prefix: Prefix, line: string, lineNo: number, truncatedByUs: boolean): LogRecord | undefined {
    if (prefix.format !== 'cat') {
      if (!this.format || this.format === 'cat') this.format = prefix.format;
      // journalctl prints `ident[pid]:` whenever the entry has a PID; rsyslog files often do not
      else if (this.format === 'short' && prefix.pid === undefined && prefix.process !== 'kernel') this.format = 'syslog';
    } else this.format ??= 'cat';
    this.width = prefix.width;
    let message = prefix.message;
    if (message.includes('#0')) message = message.replace(/#011/g, '\t').replace(/#012/g, '\n'); // rsyslog escapes TAB and LF
    const isKubelet = KUBELET_PROCESS.test(prefix.process);
    const isSystemd = !isKubelet && PID1.test(prefix.process) && SYSTEMD_ABOUT_KUBELET.test(message);
    if (isKubelet && this.continues(message, prefix.pid)) {
      this.attach(this.lastKubelet!, message, lineNo);
      return undefined;
    }
    const rec: LogRecord = {
      source: this.ctx.source,
      line: lineNo,
      timeText: prefix.timeText === '' ? undefined : prefix.timeText.charCodeAt(0) === 32 ? prefix.timeText.trimStart() : prefix.timeText,
      time: prefix.time ?? this.inferTime(prefix.month, prefix.day, prefix.clock),
      host: prefix.host,
      process: prefix.process,
      pid: prefix.pid,
      message,
      fromKubelet: isKubelet,
      fromSystemd: isSystemd,
    };
    if (rec.timeText === undefined) delete rec.timeText;
    this.decorate(rec);
    this.tail = { prefixed: true, width: this.raw.length, joined: 1, raw: this.raw };
    return this.remember(rec, truncatedByUs);
  }

  /** What the wrap state machine needs of the last record besides the record itself. */
  private tail = { prefixed: false, width: 0, joined: 1, raw: '' };
  /** The last record's structured text ended inside a quoted value (set by decorate). */
  private openQuote = false;
  private rejoined?: { rec: LogRecord; raw: string };
  /** The pasted `systemctl status` header is the kubelet unit's. */
  private statusKubelet = false;

  /** A wrap fell inside the last record's klog header (`… 1377 cer` + `tificate_manager.go:562] …`): the line is its rest. */
  private headerWrapped(line: string): boolean {
    const rec = this.last!;
    return rec.level === undefined && this.tail.joined === 1 && this.tail.width >= HEADER_WRAP_WIDTH && parseKlog(rec.message + line) !== undefined;
  }

  /** A hard-wrapped piece of the last record (wrap.ts decides): appended to its message. */
  private rejoin(line: string, indented: boolean, lineNo: number): boolean {
    const rec = this.last!;
    if (this.headerWrapped(line)) {
      // the header is whole again: decorated anew (level, caller, PID, the message after it)
      rec.message += line;
      rec.endLine = lineNo;
      this.decorate(rec);
      this.openedBlock = undefined;
      this.tail = { prefixed: this.tail.prefixed, width: this.raw.length, joined: this.tail.joined + 1, raw: `${this.tail.raw}${line}` };
      this.rejoined = { rec, raw: this.tail.raw };
      return true;
    }
    const tail: WrapTail = {
      message: rec.message,
      prefixed: this.tail.prefixed,
      klog: rec.level !== undefined,
      // kubelet JSON logging in a journal line whose object has not closed yet is open like a quote
      unterminated: this.openQuote || (rec.level === undefined && unclosedJson(rec.message)),
      ellipsized: rec.message.charCodeAt(rec.message.length - 1) === 0x2026,
      lastWidth: this.tail.width,
      joined: this.tail.joined,
    };
    const d = decideWrap(tail, line, indented);
    if (!d.join) return false;
    const text = indented ? line.trimStart() : line;
    rec.message = rec.message + d.separator + text;
    rec.endLine = lineNo;
    if (rec.message.charCodeAt(0) === 34 /* " */) {
      const s = parseStructuredText(rec.message);
      if (s) {
        rec.fields = { ...rec.fields, ...s.fields };
        this.openQuote = s.unterminated;
        if (!s.unterminated && rec.truncated && rec.message.charCodeAt(rec.message.length - 1) !== 0x2026) delete rec.truncated;
      }
    } else this.openQuote = false;
    if (rec.level === undefined && rec.message.charCodeAt(0) === 123 && !unclosedJson(rec.message)) kubeletJsonInEntry(rec); // the object closed
    this.tail = { prefixed: this.tail.prefixed, width: this.raw.length, joined: this.tail.joined + 1, raw: `${this.tail.raw}${d.separator}${text}` };
    this.rejoined = { rec, raw: this.tail.raw };
    return true;
  }

  /**
   * The record the last parsed line was rejoined with (a hard wrap), once: its message now holds the
   * wrapped text, and it is matched again (engine/scan-journal.ts); `raw` is its text as printed, rejoined.
   */
  /** A held-back JSON line ended (journal/json-wrap.ts): its record, cited over its pieces. */
  private joined(d: JsonJoined): LogRecord | undefined {
    const rec = this.fromJson(d.json);
    if (!rec) return undefined;
    if (d.endLine > rec.line) rec.endLine = d.endLine;
    return this.entry(rec, false);
  }

  /** A record completed from earlier lines (a held-back JSON line), to be read before the line just parsed. */
  takeFlushed(): { rec: LogRecord; raw: string } | undefined {
    const f = this.flushed;
    this.flushed = undefined;
    return f;
  }

  takeRejoined(): { rec: LogRecord; raw: string } | undefined {
    const r = this.rejoined;
    this.rejoined = undefined;
    return r;
  }

  /** A `systemctl status` header line: how the kubelet unit's process ended or runs is kept as a systemd record. */
  private statusLine(line: string, lineNo: number): LogRecord | undefined {
    if (!this.statusKubelet || !STATUS_TELLING.test(line)) return undefined;
    const rec: LogRecord = { source: this.ctx.source, line: lineNo, process: 'systemd', message: line.trim(), fromKubelet: false, fromSystemd: true };
    this.tail = { prefixed: false, width: 0, joined: Infinity, raw: line }; // never joined to
    return this.remember(rec, false);
  }

  /**
   * A record built elsewhere (export entries): decorate and remember it. Returns undefined when the
   * entry continues the previous kubelet entry (one stack line or block line per journal entry).
   */
  accept(rec: LogRecord): LogRecord | undefined {
    const boot = (rec as EntryRecord)[BOOT];
    if (boot !== undefined) {
      if (this.bootId !== undefined && boot !== this.bootId) this.bootChanged = true;
      this.bootId = boot;
      delete (rec as EntryRecord)[BOOT];
    }
    return this.entry(rec, false);
  }

  /** A whole journal entry (json/export): attach it as a continuation, or decorate and keep it. */
  private entry(rec: LogRecord, truncatedByUs: boolean): LogRecord | undefined {
    if (rec.fromKubelet && rec.process !== undefined && this.continues(rec.message, rec.pid)) {
      for (const l of rec.message.split('\n')) this.attach(this.lastKubelet!, l, rec.line);
      return undefined;
    }
    this.decorate(rec);
    return this.remember(rec, truncatedByUs);
  }

  private remember(rec: LogRecord, truncatedByUs: boolean): LogRecord {
    if (this.mode === 2 && (rec.fromKubelet || rec.fromSystemd)) this.endBlock();
    if (truncatedByUs) rec.truncated = true;
    else if (rec.message.charCodeAt(rec.message.length - 1) === 0x2026 /* … */) rec.truncated = true;
    this.last = rec;
    if (rec.fromKubelet) {
      this.lastKubelet = rec;
      if (this.openedBlock !== undefined) {
        this.mode = 2;
        this.blockKey = this.openedBlock;
        this.blockLines = [];
      } else this.mode = rec.level === 'F' || FATAL_START.test(rec.message) ? 1 : 0;
    } else if (rec.fromSystemd) this.mode = 0;
    this.openedBlock = undefined;
    return rec;
  }

  /**
   * The open `key=<` block of the last kubelet record ends — closed by ` >`, or cut off by another record,
   * another PID or the end of the input: its lines are handed out once by takeBlock(), so that what the
   * kubelet printed inside it (v1.26+ `"command failed" err=<` and other multi-line values) is matched too.
   */
  private endBlock(): void {
    if (this.mode !== 2) return;
    const rec = this.lastKubelet;
    if (rec && this.blockLines.length) this.closedBlock = { rec, key: this.blockKey, value: blockValue(this.blockLines.join('\n')), lines: this.blockLines };
    this.blockLines = [];
    this.mode = 0;
  }

  /** The block that ended with the last line parsed, once (see endBlock). */
  takeBlock(): ClosedBlock | undefined {
    const b = this.closedBlock;
    this.closedBlock = undefined;
    return b;
  }

  /** The input ended: a block still open ends here (takeBlock hands it out). */
  finish(): void {
    const d = this.jsonWrap.end();
    const rec = d && this.joined(d);
    if (rec) this.flushed = { rec, raw: d!.raw };
    this.endBlock();
  }

  /** Whether a kubelet line (prefix already removed) continues the last kubelet record. */
  private continues(message: string, pid: number | undefined): boolean {
    const last = this.lastKubelet;
    if (!last || this.mode === 0) return false;
    if (pid !== undefined && last.pid !== undefined && pid !== last.pid) {
      this.endBlock();
      this.mode = 0;
      return false;
    }
    // klog indents a block's lines with a tab and closes it with ` >`
    if (this.mode === 2) return message.charCodeAt(0) === 9 || message.charCodeAt(0) === 32;
    if (isKlogStart(message)) return false;
    return STACK_LINE.test(message);
  }

  private attach(rec: LogRecord, text: string, lineNo: number): void {
    rec.endLine = lineNo;
    const cont = (rec.continuation ??= []);
    if (cont.length < MAX_CONTINUATION) cont.push(text);
    if (this.mode === 2 && rec === this.lastKubelet) {
      if (text.trim() === '>') {
        rec.fields![this.blockKey] = blockValue(this.blockLines.join('\n'));
        this.endBlock();
      } else if (this.blockLines.length < MAX_CONTINUATION) this.blockLines.push(text);
    }
  }

  /** Split the klog header, structured fields and continuation lines out of rec.message. */
  private decorate(rec: LogRecord): void {
    let msg = rec.message;
    const c = msg.charCodeAt(0);
    if (c === 123 /* { */ && msg.includes('"msg"') && kubeletJsonInEntry(rec)) return;
    this.openQuote = false;
    const k = parseKlog(msg);
    const loose = k ? undefined : parseKlogLoose(msg);
    if (loose) {
      // a klog header of which only part survived (a hand-trimmed or cut paste)
      rec.level = loose.level;
      rec.caller = loose.caller;
      msg = loose.rest;
      if (!rec.process) rec.fromKubelet = true;
    } else if (k) {
      rec.level = k.level;
      rec.caller = k.caller;
      msg = k.rest;
      if (rec.pid === undefined) rec.pid = k.threadId; // klog's "threadid" is the PID
      if (!rec.timeText) {
        rec.timeText = `${String(k.month).padStart(2, '0')}${String(k.day).padStart(2, '0')} ${k.clock}`;
        rec.time = this.inferTime(k.month, k.day, k.clock);
      }
      if (!rec.process) rec.fromKubelet = true;
    } else if (c === 116 /* t */ && msg.startsWith('time="') && msg.includes('level=')) msg = logrusWrapped(rec, msg);
    if (msg.charCodeAt(0) === 34 /* " */) {
      const s = parseStructuredText(msg);
      if (s) {
        rec.fields = rec.fields ? { ...rec.fields, ...s.fields } : s.fields;
        if (s.unterminated) {
          rec.truncated = true;
          this.openQuote = true;
        }
        if (s.openBlock !== undefined) this.openedBlock = s.openBlock;
      }
    }
    const nl = msg.indexOf('\n');
    if (nl >= 0) {
      // a multi-line MESSAGE (json, export, rsyslog #012): the first line is the message
      const rest = msg.slice(nl + 1).split('\n');
      if (rest[rest.length - 1] === '') rest.pop();
      rec.continuation = rest.length > MAX_CONTINUATION ? rest.slice(0, MAX_CONTINUATION) : rest;
      msg = msg.slice(0, nl);
    }
    rec.message = msg;
  }

  /** `journalctl -o json` lines and kubelet JSON logging (`--logging-format=json`): the record, and what it says of the journal. */
  private fromJson(j: ReturnType<typeof jsonLineRecord>): LogRecord | undefined {
    if (!j) return undefined;
    if (j.format && (!this.format || this.format === 'cat')) this.format = j.format;
    if (j.boot !== undefined) {
      if (this.bootId !== undefined && j.boot !== this.bootId) this.bootChanged = true;
      this.bootId = j.boot;
    }
    return j.rec;
  }

  private inferTime(month?: number, day?: number, clock?: string): number | undefined {
    if (!month || !day || !clock) return undefined;
    // Journals have no year: take the year of `now`, and step back when the month is later than now's
    // (a December log read in January); step forward when months wrap inside the log.
    const nowMonth = this.ctx.now.getUTCMonth() + 1;
    if (this.lastMonth === 0) this.year = month > nowMonth ? this.ctx.now.getUTCFullYear() - 1 : this.ctx.now.getUTCFullYear();
    else if (month < this.lastMonth - 6) this.year++;
    this.lastMonth = month;
    const t = Date.UTC(this.year, month - 1, day) + clockMs(clock);
    return Number.isNaN(t) ? undefined : t;
  }
}
