// Journal entries (`-o json`, export) and kubelet JSON logging lines → LogRecords, and the small
// decoders they share with the text parser (logfmt, logrus levels, journal field values).

import { KUBELET_PROCESS, KUBELET_UNIT } from '../kubelet-identity.js';
import type { KlogLevel, LogRecord } from '../types.js';
import { parseKlog } from './prefix.js';
import { SYSTEMD_ABOUT_KUBELET } from './systemd-lines.js';

export function logrusLevel(level: string | undefined): KlogLevel | undefined {
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
    case 'trace':
      return 'I';
    default:
      return undefined;
  }
}

/** logfmt: key=value key="quoted value" (a line cut inside its last quoted value keeps what survived of it). */
export function parseLogfmt(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([\w.\-]+)=(?:"((?:[^"\\]|\\.)*)(?:"|\\?$)|(\S*))/gs;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    out[m[1]!] = m[2] !== undefined ? (m[2].includes('\\') ? m[2].replace(/\\(.)/gs, (_s, ch: string) => (ch === 'n' ? '\n' : ch === 't' ? '\t' : ch)) : m[2]) : m[3]!;
  }
  return out;
}

/** A journal field value: a string, an array of byte values, null, or an array of those. */
export function fieldText(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) {
    if (v.length > 0 && typeof v[0] === 'number' && v.every((x) => typeof x === 'number')) return Buffer.from(v as number[]).toString('utf8');
    for (const x of v) {
      const t = fieldText(x);
      if (t !== undefined) return t;
    }
  }
  return undefined;
}

export const BOOT = Symbol('bootId');
export type EntryRecord = LogRecord & { [BOOT]?: string };

/** `__REALTIME_TIMESTAMP` (µs) → ISO text with microseconds. */
function isoMicros(us: string): string {
  const ms = Math.floor(Number(us) / 1000);
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 23)}${us.slice(-3)}Z`;
}

/** Build a record from a journal entry's fields (json or export format). */
export function journalEntryToRecord(obj: Record<string, unknown>, source: string, lineNo: number): LogRecord {
  const message = fieldText(obj.MESSAGE);
  const process = fieldText(obj.SYSLOG_IDENTIFIER) ?? fieldText(obj._COMM);
  const pidText = fieldText(obj._PID) ?? fieldText(obj.SYSLOG_PID);
  const rt = fieldText(obj.__REALTIME_TIMESTAMP);
  // a timestamp past what a Date holds (a 20-digit value) would throw in toISOString and void the journal
  const valid = rt !== undefined && /^\d{4,19}$/.test(rt) && Number(rt) / 1000 <= 8.64e15;
  const time = valid ? Math.floor(Number(rt) / 1000) : undefined;
  const sysUnit = fieldText(obj._SYSTEMD_UNIT) ?? '';
  const unit = fieldText(obj.UNIT) ?? fieldText(obj.USER_UNIT) ?? sysUnit;
  const isKubelet = (process !== undefined && KUBELET_PROCESS.test(process)) || (process !== 'systemd' && KUBELET_UNIT.test(sysUnit));
  const isSystemd =
    !isKubelet && (process === 'systemd' || fieldText(obj._PID) === '1') && (KUBELET_UNIT.test(unit) || SYSTEMD_ABOUT_KUBELET.test(message ?? ''));
  const rec: EntryRecord = {
    source,
    line: lineNo,
    timeText: valid ? isoMicros(rt) : undefined,
    time,
    host: fieldText(obj._HOSTNAME),
    process,
    pid: pidText && /^\d+$/.test(pidText) ? Number(pidText) : undefined,
    message: message ?? '',
    fromKubelet: isKubelet,
    fromSystemd: isSystemd,
  };
  if (rt !== undefined && !valid) rec.badTime = rt.length > 40 ? `${rt.slice(0, 40)}…` : rt;
  // journalctl -o json prints null for a MESSAGE over 4096 bytes without --all
  if (obj.MESSAGE === null || (Array.isArray(obj.MESSAGE) && obj.MESSAGE.length > 0 && message === undefined)) rec.truncated = true;
  const boot = fieldText(obj._BOOT_ID);
  if (boot !== undefined) rec[BOOT] = boot;
  return rec;
}

/** kubelet `--logging-format=json`: ts (epoch ms float), caller, msg, v (info only), err, key/values. */
export function kubeletJsonToRecord(obj: Record<string, unknown>, source: string, lineNo: number): LogRecord {
  const msg = typeof obj.msg === 'string' ? obj.msg : String(obj.msg ?? '');
  const err = obj.err === undefined ? undefined : typeof obj.err === 'string' ? obj.err : JSON.stringify(obj.err);
  const fields: Record<string, string> = { msg };
  if (err !== undefined) fields.err = err;
  // Render like klog's structured text so one pattern serves both forms.
  let message = JSON.stringify(msg);
  if (err !== undefined) message += ` err=${JSON.stringify(err)}`;
  for (const k in obj) {
    if (k === 'ts' || k === 'caller' || k === 'msg' || k === 'v' || k === 'err' || k === 'logger' || k === 'level') continue;
    const v = obj[k];
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    fields[k] = s;
    message += ` ${k}=${JSON.stringify(s)}`;
  }
  if (typeof obj.v === 'number') fields.v = String(obj.v);
  let ts = typeof obj.ts === 'number' ? obj.ts : Number(obj.ts);
  if (!Number.isFinite(ts) && typeof obj.ts === 'string') ts = Date.parse(obj.ts);
  // errors have no `v`; zap's own level field (older component-base) may say so too
  const lv = typeof obj.level === 'string' ? obj.level.toLowerCase() : undefined;
  const level: KlogLevel =
    err !== undefined || lv === 'error' ? 'E' : lv === 'fatal' || lv === 'panic' ? 'F' : lv === 'warn' || lv === 'warning' ? 'W' : obj.v === undefined && lv === undefined ? 'E' : 'I';
  const caller = typeof obj.caller === 'string' ? obj.caller : undefined;
  return {
    source,
    line: lineNo,
    timeText: Number.isFinite(ts) ? new Date(ts).toISOString() : undefined,
    time: Number.isFinite(ts) ? Math.floor(ts) : undefined,
    level,
    caller: caller ? caller.slice(caller.lastIndexOf('/') + 1) : undefined,
    message,
    fields,
    fromKubelet: true,
    fromSystemd: false,
  };
}

/** A cut-off JSON line: keep what can be read of MESSAGE/msg and say it was truncated. */
export function salvageJsonLine(line: string, source: string, lineNo: number): LogRecord | undefined {
  const m = /"(MESSAGE|msg)":"((?:[^"\\]|\\.)*)/.exec(line);
  if (!m) return undefined;
  let text: string;
  try {
    text = JSON.parse(`"${m[2]!.replace(/\\$/, '')}"`) as string;
  } catch {
    text = m[2]!;
  }
  const ident = /"SYSLOG_IDENTIFIER":"([^"]*)"/.exec(line)?.[1];
  const pid = /"_PID":"(\d+)"/.exec(line)?.[1];
  const rec: LogRecord = {
    source,
    line: lineNo,
    message: text,
    truncated: true,
    process: ident,
    pid: pid ? Number(pid) : undefined,
    fromKubelet: ident === undefined || KUBELET_PROCESS.test(ident),
    fromSystemd: false,
  };
  if (m[1] === 'msg') {
    rec.message = JSON.stringify(text);
    rec.fields = { msg: text };
    rec.level = /"err":/.test(line) || !/"v":/.test(line) ? 'E' : 'I';
  }
  return rec;
}


/** A JSON text line: a journal entry (`-o json`, with its boot id) or a kubelet JSON log line; a cut one salvaged. */
export function jsonLineRecord(line: string, source: string, lineNo: number): { rec: LogRecord; format?: 'json' | 'kubelet-json'; boot?: string } | undefined {
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(line) as Record<string, unknown>;
  } catch {
    const rec = salvageJsonLine(line, source, lineNo);
    return rec && { rec };
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  if ('MESSAGE' in obj || '__CURSOR' in obj || '__REALTIME_TIMESTAMP' in obj) {
    const rec = journalEntryToRecord(obj, source, lineNo);
    delete (rec as EntryRecord)[BOOT];
    return { rec, format: 'json', boot: fieldText(obj._BOOT_ID) };
  }
  if ('msg' in obj && ('ts' in obj || 'caller' in obj)) return { rec: kubeletJsonToRecord(obj, source, lineNo), format: 'kubelet-json' };
  return undefined;
}

/**
 * Kubelet JSON logging inside a journal entry's MESSAGE: the record takes the kubelet's level, caller,
 * message and fields (and its time when the entry had none). False when the text is not such JSON after all.
 */
export function kubeletJsonInEntry(rec: LogRecord): boolean {
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(rec.message) as Record<string, unknown>;
  } catch {
    return false;
  }
  if (!obj || typeof obj !== 'object' || !('msg' in obj)) return false;
  const j = kubeletJsonToRecord(obj, rec.source, rec.line);
  rec.level = j.level;
  rec.caller = j.caller;
  rec.message = j.message;
  rec.fields = j.fields;
  if (!rec.timeText) {
    rec.timeText = j.timeText;
    rec.time = j.time;
  }
  rec.fromKubelet = rec.fromKubelet || !rec.process;
  return true;
}

/**
 * A logrus line (`time="…" level=… msg="…"`): wrappers (k3s, k0s) carry the kubelet's klog line in msg, and
 * k0s adds component=kubelet. Sets the record's fields, level, time and family; returns the message to match.
 */
export function logrusWrapped(rec: LogRecord, msg: string): string {
  const f = parseLogfmt(msg);
  if (f.msg === undefined) return msg;
  const inner = parseKlog(f.msg);
  rec.fields = f;
  if (inner) {
    rec.level = inner.level;
    rec.caller = inner.caller;
    msg = inner.rest;
  } else {
    // containerd/CRI-O put the cause in error="..." (e.g. the CNI config load error): keep it matchable
    msg = f.error !== undefined ? `${f.msg} error=${JSON.stringify(f.error)}` : f.msg;
    rec.level = logrusLevel(f.level);
  }
  if (f.component !== undefined && rec.fromKubelet && !/kubelet/i.test(f.component)) rec.fromKubelet = false;
  if (!rec.timeText && f.time) {
    rec.timeText = f.time;
    const t = Date.parse(f.time.includes('T') ? f.time : f.time.replace(' ', 'T') + 'Z');
    if (!Number.isNaN(t)) rec.time = t;
  }
  if (!rec.process) rec.fromKubelet = f.component === undefined || /kubelet/i.test(f.component);
  return msg;
}
