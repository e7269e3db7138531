// Turns physical lines (text formats) and journal entries (json, export) into LogRecords.
// Stateful only for continuation lines: indented lines of multi-line messages and Go stack
// dumps printed after a fatal line are attached to the entry that printed them.

import type { JournalFormat, KlogLevel, LogRecord } from '../types.js';
import { parseKlog, parsePrefix, parseStructured } from './prefix.js';

/** Process names that are a kubelet (or embed one). */
export const KUBELET_PROCESS = /kubelet|kubenswrapper|hyperkube|^k3s|^k0s|kubelite|origin-node|openshift-node|^rke2/i;

/** systemd's own lines about the kubelet unit, in every systemd version's wording. */
const SYSTEMD_ABOUT_KUBELET = /kubelet[\w@.-]*\.service|Kubernetes (?:Kubelet|Node Agent)|^(?:Started|Stopped|Starting|Stopping) kubelet/i;

/** Lines kubelet-doctor's own fixture annotations use; the parser skips them. */
export const ANNOTATION = /^#\s*(?:ruleid|ok|todoruleid|todook):\s*/;

/** Longest text examined per line: a 10 MB line is cut here, and the source says so. */
export const MAX_LINE = 64 * 1024;

const STACK_LINE = /^(?:goroutine \d+ \[|created by |panic: |\[signal |\s|[\w./*()\-]+\(.*\)$|$)/;
const MAX_CONTINUATION = 40;

export interface ParseContext {
  source: string;
  /** Used to give `Mon DD` prefixes a year. */
  now: Date;
}

/** Mutable per-source parsing state. */
export class RecordParser {
  format?: JournalFormat;
  private last?: LogRecord;
  private lastWasFatal = false;
  private year: number;
  private lastMonth = 0;
  constructor(private readonly ctx: ParseContext) {
    this.year = ctx.now.getUTCFullYear();
  }

  /**
   * Parse one physical text line. Returns the new record, or undefined when the line was a
   * marker, an annotation, blank, or attached to the previous record as a continuation.
   */
  parseLine(raw: string, lineNo: number): LogRecord | undefined {
    let line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw; // CRLF
    let truncatedByUs = false;
    if (line.length > MAX_LINE) {
      line = line.slice(0, MAX_LINE);
      truncatedByUs = true;
    }
    if (line.length === 0) {
      if (this.last && this.lastWasFatal) this.attach(line, lineNo);
      return undefined;
    }
    const c0 = line.charCodeAt(0);
    if (c0 === 45 /* - */ && line.startsWith('-- ')) return undefined; // -- Boot ... --, -- No entries --
    if (c0 === 35 /* # */ && ANNOTATION.test(line)) return undefined;
    if (c0 === 123 /* { */) {
      const rec = this.parseJsonLine(line, lineNo);
      if (rec) {
        this.decorate(rec);
        return this.remember(rec, truncatedByUs);
      }
    }
    // journalctl indents continuation lines of a multi-line MESSAGE under the message column
    if ((c0 === 32 || c0 === 9) && this.last && this.format && this.format !== 'cat') {
      this.attach(line.trim(), lineNo);
      return undefined;
    }
    const prefix = parsePrefix(line);
    let message: string;
    let rec: LogRecord;
    if (prefix) {
      if (!this.format || this.format === 'cat') this.format = prefix.format;
      message = prefix.message.includes('#011') ? prefix.message.replace(/#011/g, '\t') : prefix.message; // rsyslog escapes TAB
      const isKubelet = KUBELET_PROCESS.test(prefix.process);
      const isSystemd = !isKubelet && /^systemd$|^init$/.test(prefix.process) && SYSTEMD_ABOUT_KUBELET.test(message);
      rec = {
        source: this.ctx.source,
        line: lineNo,
        timeText: prefix.timeText,
        time: prefix.time ?? this.inferTime(prefix.month, prefix.day, prefix.clock),
        host: prefix.host,
        process: prefix.process,
        pid: prefix.pid,
        message,
        fromKubelet: isKubelet,
        fromSystemd: isSystemd,
      };
      if (isKubelet && this.isContinuation(message, rec.pid)) {
        this.attach(message, lineNo);
        return undefined;
      }
    } else {
      if (!this.format) this.format = 'cat';
      message = line;
      const isSystemd = SYSTEMD_ABOUT_KUBELET.test(message) && !parseKlog(message);
      if (!isSystemd && this.isContinuation(message, undefined)) {
        this.attach(message, lineNo);
        return undefined;
      }
      rec = { source: this.ctx.source, line: lineNo, message, fromKubelet: !isSystemd, fromSystemd: isSystemd };
    }
    this.decorate(rec);
    return this.remember(rec, truncatedByUs);
  }

  /** A record built elsewhere (json/export entries): decorate and remember it. */
  accept(rec: LogRecord): LogRecord {
    this.decorate(rec);
    return this.remember(rec, false);
  }

  private remember(rec: LogRecord, truncatedByUs: boolean): LogRecord {
    if (truncatedByUs) rec.truncated = true;
    else if (rec.message.endsWith('…') || /\.\.\.$/.test(rec.message) && rec.message.length > 60) rec.truncated = true;
    this.last = rec;
    this.lastWasFatal = rec.level === 'F' || rec.message.startsWith('panic: ');
    return rec;
  }

  private isContinuation(message: string, pid: number | undefined): boolean {
    if (!this.last || !this.lastWasFatal) return false;
    if (pid !== undefined && this.last.pid !== undefined && pid !== this.last.pid) return false;
    if (parseKlog(message)) return false;
    return STACK_LINE.test(message);
  }

  private attach(text: string, lineNo: number): void {
    const last = this.last!;
    last.endLine = lineNo;
    const cont = (last.continuation ??= []);
    if (cont.length < MAX_CONTINUATION) cont.push(text);
  }

  /** Split the klog header and structured fields out of rec.message. */
  private decorate(rec: LogRecord): void {
    if (rec.message.charCodeAt(0) === 123 /* { */ && rec.message.includes('"msg"')) {
      // kubelet JSON logging inside a journal entry
      try {
        const obj = JSON.parse(rec.message) as Record<string, unknown>;
        const j = kubeletJsonToRecord(obj, rec.source, rec.line);
        rec.level = j.level;
        rec.caller = j.caller;
        rec.message = j.message;
        rec.fields = j.fields;
        rec.fromKubelet = rec.fromKubelet || !rec.process;
        return;
      } catch {
        /* not JSON after all: treat as text */
      }
    }
    const k = parseKlog(rec.message);
    if (k) {
      rec.level = k.level;
      rec.caller = k.caller;
      rec.message = k.rest;
      if (rec.pid === undefined) rec.pid = k.threadId; // klog's "threadid" is the PID
      if (!rec.timeText) {
        rec.timeText = `${String(k.month).padStart(2, '0')}${String(k.day).padStart(2, '0')} ${k.clock}`;
        rec.time = this.inferTime(k.month, k.day, k.clock);
      }
      if (!rec.process) rec.fromKubelet = true;
    } else if (rec.message.startsWith('time="') && /\blevel=\w+/.test(rec.message)) {
      // logrus wrappers (k0s, k3s agents) carry the klog line in msg="..."
      const f = parseLogfmt(rec.message);
      if (f.msg) {
        const inner = parseKlog(f.msg);
        rec.fields = f;
        if (inner) {
          rec.level = inner.level;
          rec.caller = inner.caller;
          rec.message = inner.rest;
        } else {
          rec.message = f.msg;
          rec.level = logrusLevel(f.level);
        }
      }
    }
    if (rec.message.charCodeAt(0) === 34) {
      const f = parseStructured(rec.message);
      if (f) rec.fields = { ...rec.fields, ...f };
    }
  }

  /** `journalctl -o json` lines and kubelet JSON logging (`--logging-format=json`). */
  private parseJsonLine(line: string, lineNo: number): LogRecord | undefined {
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return this.salvageJson(line, lineNo);
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
    if ('MESSAGE' in obj || '__CURSOR' in obj || '__REALTIME_TIMESTAMP' in obj) {
      if (!this.format || this.format === 'cat') this.format = 'json';
      return journalEntryToRecord(obj, this.ctx.source, lineNo);
    }
    if ('msg' in obj && ('ts' in obj || 'caller' in obj)) {
      if (!this.format) this.format = 'kubelet-json';
      return kubeletJsonToRecord(obj, this.ctx.source, lineNo);
    }
    return undefined;
  }

  /** A cut-off JSON line: keep what can be read of MESSAGE/msg and say it was truncated. */
  private salvageJson(line: string, lineNo: number): LogRecord | undefined {
    const m = /"(MESSAGE|msg)":"((?:[^"\\]|\\.)*)/.exec(line);
    if (!m) return undefined;
    let text: string;
    try {
      text = JSON.parse(`"${m[2]!.replace(/\\$/, '')}"`) as string;
    } catch {
      text = m[2]!;
    }
    const rec: LogRecord = { source: this.ctx.source, line: lineNo, message: text, truncated: true, fromKubelet: true, fromSystemd: false };
    if (m[1] === 'msg') {
      rec.message = JSON.stringify(text);
      rec.level = /"err":/.test(line) ? 'E' : 'I';
    }
    return rec;
  }

  private inferTime(month?: number, day?: number, clock?: string): number | undefined {
    if (!month || !day || !clock) return undefined;
    // Journals have no year: take the year of `now`, and step back when the month is later than now's
    // (a December log read in January); step forward when months wrap inside the log.
    const nowMonth = this.ctx.now.getUTCMonth() + 1;
    if (this.lastMonth === 0) this.year = month > nowMonth ? this.ctx.now.getUTCFullYear() - 1 : this.ctx.now.getUTCFullYear();
    else if (month < this.lastMonth - 6) this.year++;
    this.lastMonth = month;
    const t = Date.parse(`${this.year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T${clock}Z`);
    return Number.isNaN(t) ? undefined : t;
  }
}

function logrusLevel(level: string | undefined): KlogLevel | undefined {
  switch (level) {
    case 'error':
      return 'E';
    case 'fatal':
    case 'panic':
      return 'F';
    case 'warning':
    case 'warn':
      return 'W';
    case 'info':
    case 'debug':
      return 'I';
    default:
      return undefined;
  }
}

/** logfmt: key=value key="quoted value". */
export function parseLogfmt(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([\w.\-]+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    out[m[1]!] = m[2] !== undefined ? m[2].replace(/\\(.)/g, (_s, ch: string) => (ch === 'n' ? '\n' : ch === 't' ? '\t' : ch)) : m[3]!;
  }
  return out;
}

/** A journal field value: a string, an array of byte values, null, or an array of those. */
function fieldText(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every((x) => typeof x === 'number')) return Buffer.from(v as number[]).toString('utf8');
    const first = v.find((x) => x !== null && x !== undefined);
    return fieldText(first);
  }
  return undefined;
}

/** Build a record from a journal entry's fields (json or export format). */
export function journalEntryToRecord(obj: Record<string, unknown>, source: string, lineNo: number): LogRecord {
  const message = fieldText(obj.MESSAGE);
  const process = fieldText(obj.SYSLOG_IDENTIFIER) ?? fieldText(obj._COMM);
  const pidText = fieldText(obj._PID) ?? fieldText(obj.SYSLOG_PID);
  const rt = fieldText(obj.__REALTIME_TIMESTAMP);
  const time = rt && /^\d+$/.test(rt) ? Math.floor(Number(rt) / 1000) : undefined;
  const unit = fieldText(obj.UNIT) ?? fieldText(obj._SYSTEMD_UNIT) ?? '';
  const isKubelet = (process !== undefined && KUBELET_PROCESS.test(process)) || /^kubelet/.test(fieldText(obj._SYSTEMD_UNIT) ?? '');
  const isSystemd = !isKubelet && (process === 'systemd' || fieldText(obj._PID) === '1') && (/kubelet/.test(unit) || SYSTEMD_ABOUT_KUBELET.test(message ?? ''));
  const rec: LogRecord = {
    source,
    line: lineNo,
    timeText: time !== undefined ? new Date(time).toISOString() : undefined,
    time,
    host: fieldText(obj._HOSTNAME),
    process,
    pid: pidText && /^\d+$/.test(pidText) ? Number(pidText) : undefined,
    message: message ?? '',
    fromKubelet: isKubelet,
    fromSystemd: isSystemd,
  };
  if (message === undefined) {
    rec.truncated = true; // journalctl -o json prints null for MESSAGE > 4096 bytes without --all
    rec.message = '';
  }
  const lines = rec.message.split('\n');
  if (lines.length > 1) {
    rec.message = lines[0]!;
    rec.continuation = lines.slice(1, 1 + MAX_CONTINUATION);
  }
  return rec;
}

/** kubelet `--logging-format=json`: ts (epoch ms float), caller, msg, v (info only), err, key/values. */
export function kubeletJsonToRecord(obj: Record<string, unknown>, source: string, lineNo: number): LogRecord {
  const msg = typeof obj.msg === 'string' ? obj.msg : String(obj.msg ?? '');
  const err = obj.err === undefined ? undefined : String(obj.err);
  const fields: Record<string, string> = { msg };
  if (err !== undefined) fields.err = err;
  // Render like klog's structured text so one pattern serves both forms.
  let message = JSON.stringify(msg);
  if (err !== undefined) message += ` err=${JSON.stringify(err)}`;
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'ts' || k === 'caller' || k === 'msg' || k === 'v' || k === 'err' || k === 'logger' || k === 'level') continue;
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    fields[k] = s;
    message += ` ${k}=${JSON.stringify(s)}`;
  }
  const ts = typeof obj.ts === 'number' ? obj.ts : Number(obj.ts);
  const level: KlogLevel = err !== undefined || (obj.v === undefined && obj.level === undefined) ? 'E' : obj.level === 'warning' ? 'W' : 'I';
  return {
    source,
    line: lineNo,
    timeText: Number.isFinite(ts) ? new Date(ts).toISOString() : undefined,
    time: Number.isFinite(ts) ? Math.floor(ts) : undefined,
    level,
    caller: typeof obj.caller === 'string' ? obj.caller.replace(/^.*\//, '') : undefined,
    message,
    fields,
    fromKubelet: true,
    fromSystemd: false,
  };
}
