// The byte fast path's skip decision: which lines are unremarkable lines of the current kubelet process
// (the same journal prefix bytes as the last examined kubelet line, a klog I/W/E header, nothing special at
// their end), so that they may be counted without being decoded, parsed or matched (engine/fast-path.ts).

import { isUtf8 } from 'node:buffer';
import type { KubeletRun, LogRecord } from '../types.js';

const REPLACEMENT = Buffer.from('\uFFFD', 'utf8');
const MESSAGE_FIELD = Buffer.from('"MESSAGE":"');

/** The prefix bytes every line of the current kubelet process carries. */
export interface Signature {
  run: KubeletRun;
  pid: number;
  json: boolean;
  /** text: byte offset and bytes of ` host ident[pid]: ` (or ` host ident: `); empty for `-o cat`. */
  off: number;
  bytes: Uint8Array;
  /** text: byte offset of the klog level letter; and of the klog PID field when the prefix has no PID. */
  msgAt: number;
  pidAt: number;
  pidBytes?: Uint8Array;
  /** json: `"_PID":"1234"` and `"_BOOT_ID":"..."`. */
  pidField?: Buffer;
  bootField?: Buffer;
  /** text with `host ident[pid]` and an ASCII prefix: what derived it (reused when the next line has the same shape). */
  host?: string;
  process?: string;
  needle?: string;
  /**
   * text with `[pid]` in the prefix and a classic `Mon DD hh:mm:ss[.frac]` timestamp: that timestamp's
   * bytes (length `off`), for pendingOverwritten().
   */
  head?: Uint8Array;
  /** index of the first `:` in head */
  colon?: number;
}

function isIWE(c: number | undefined): boolean {
  return c === 73 || c === 87 || c === 69;
}

/** `Nov 20 03:00:09.871834` (journalctl -o short/short-precise in the C locale, syslog files). */
const CLASSIC_STAMP = /^[A-Za-z]{3} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?$/;

function isDigitByte(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Whether examining the pending (last skipped) line may be left out before examining the skippable-shaped
 * line at `s` (examined only because it holds a literal). Both carry the signature's prefix bytes (host,
 * identifier, `[pid]`) and a klog I/W/E header; their timestamps have the signature line's shape (digits
 * where it has digits, its other bytes elsewhere — so both parse as that line did, to a kubelet record of
 * the current run and PID) and the same bytes up to the first `:` (month and day: the same year
 * inference). The pending record's effects — the run's end line, last time and last epoch ms, the
 * parser's last record and indentation — are then all overwritten by the examined line's record; it is
 * only counted. (Its facts need markers and its literals none: it was skippable.)
 */
export function pendingOverwritten(pending: { pendingBuf?: Buffer; pendingStart: number }, buf: Buffer, s: number, sig: Signature): boolean {
  const head = sig.head;
  if (!head || sig.colon === undefined || sig.colon < 0 || pending.pendingBuf !== buf) return false;
  const p = pending.pendingStart;
  for (let k = 0; k < head.length; k++) {
    const h = head[k]!;
    const a = buf[p + k]!;
    const b = buf[s + k]!;
    if (k < sig.colon ? a !== b : false) return false;
    if (isDigitByte(h)) {
      if (!isDigitByte(a) || !isDigitByte(b)) return false;
    } else if (a !== h || b !== h) return false;
  }
  return true;
}

function asciiHead(s: string, n: number): boolean {
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) >= 128) return false;
  return true;
}

/** The signature of an examined kubelet line with a klog I/W/E header, or undefined when it has no usable shape. */
export function deriveSignature(line: string, rec: LogRecord, run: KubeletRun, prev?: Signature): Signature | undefined {
  const raw = line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
  const pid = rec.pid!;
  // the same process as the previous signature, its prefix at the same (ASCII) offset: the same signature
  if (prev && prev.needle !== undefined && prev.run === run && prev.pid === pid && prev.host === rec.host && prev.process === rec.process) {
    const idx = raw.indexOf(prev.needle);
    if (idx === prev.off && asciiHead(raw, idx)) return isIWE(raw.charCodeAt(idx + prev.needle.length)) ? prev : undefined;
  }
  const base = { run, pid, json: false, off: 0, bytes: new Uint8Array(0), msgAt: 0, pidAt: -1 };
  const klogPid = ` ${String(pid).padStart(7)} `;
  if (raw.charCodeAt(0) === 123) {
    const pidField = `"_PID":"${pid}"`;
    const boot = /"_BOOT_ID":"[0-9a-fA-F]+"/.exec(raw);
    if (!boot || !raw.includes(pidField) || !raw.includes('"MESSAGE":"')) return undefined;
    return { ...base, json: true, pidField: Buffer.from(pidField), bootField: Buffer.from(boot[0]) };
  }
  if (rec.process !== undefined && rec.host !== undefined) {
    let needle = ` ${rec.host} ${rec.process}[${pid}]: `;
    let idx = raw.indexOf(needle);
    let pidInKlog = false;
    if (idx < 0) {
      needle = ` ${rec.host} ${rec.process}: `;
      idx = raw.indexOf(needle);
      pidInKlog = true;
    }
    if (idx <= 0 || idx > 96) return undefined;
    const msg = idx + needle.length;
    if (!isIWE(raw.charCodeAt(msg))) return undefined;
    if (pidInKlog && raw.slice(msg + 21, msg + 21 + klogPid.length) !== klogPid) return undefined;
    const off = Buffer.byteLength(raw.slice(0, idx));
    const bytes = Buffer.from(needle);
    const msgAt = off + bytes.length;
    if (pidInKlog) return { ...base, off, bytes, msgAt, pidAt: msgAt + 21, pidBytes: Buffer.from(klogPid) };
    const stamp = raw.slice(0, idx);
    const classic = off === idx && CLASSIC_STAMP.test(stamp);
    const head = classic ? { head: Buffer.from(stamp, 'latin1'), colon: stamp.indexOf(':') } : {};
    return off === idx ? { ...base, off, bytes, msgAt, host: rec.host, process: rec.process, needle, ...head } : { ...base, off, bytes, msgAt };
  }
  if (rec.process === undefined && isIWE(raw.charCodeAt(0)) && raw.slice(21, 21 + klogPid.length) === klogPid) {
    return { ...base, pidAt: 21, pidBytes: Buffer.from(klogPid) };
  }
  return undefined;
}

/** A text line [s, nl) that is another klog I/W/E line of the signature's process, with nothing special at its end. */
export function skipText(buf: Buffer, s: number, nl: number, sig: Signature): boolean {
  let e = nl;
  if (e > s && buf[e - 1] === 13) e--;
  const m = s + sig.msgAt;
  if (m + 32 > e) return false;
  const o = s + sig.off;
  const bytes = sig.bytes;
  for (let k = 0; k < bytes.length; k++) if (buf[o + k] !== bytes[k]) return false;
  // a klog header (`I1120 …`), not a stderr line that starts with E (`Error: …`, which the run tracker reads)
  if (!isIWE(buf[m]) || !isDigitByte(buf[m + 1]!)) return false;
  const pb = sig.pidBytes;
  if (pb) {
    const p = s + sig.pidAt;
    for (let k = 0; k < pb.length; k++) if (buf[p + k] !== pb[k]) return false;
  }
  const last = buf[e - 1];
  // `…` (the parser marks the record truncated) or `key=<` (a block of continuation lines follows)
  return last !== 0xa6 && last !== 60;
}

/** A `journalctl -o json` line of the signature's process and boot whose MESSAGE is one plain klog I/W/E line. */
export function skipJson(buf: Buffer, s: number, nl: number, sig: Signature): boolean {
  let e = nl;
  if (e > s && buf[e - 1] === 13) e--;
  if (buf[s] !== 123 || buf[e - 1] !== 125) return false;
  // searched within the line: a field the line lacks (another process's PID, the old PID of a crash loop) was
  // searched for to the end of the chunk, for every such line (a 100,000-run loop in -o json took 260 s)
  const line = buf.subarray(s, e);
  if (line.indexOf(sig.pidField!) < 0 || line.indexOf(sig.bootField!) < 0) return false;
  let m = line.indexOf(MESSAGE_FIELD);
  if (m < 0) return false;
  m += s + MESSAGE_FIELD.length;
  if (!isIWE(buf[m]) || !isDigitByte(buf[m + 1]!)) return false;
  for (let j = m; j < e; j++) {
    const c = buf[j];
    if (c === 92) {
      const nx = buf[j + 1];
      // \" \\ \t keep the text's literals intact; \n (a multi-line MESSAGE), \u, \/ ... need the parser
      if (nx === 34 || nx === 92 || nx === 116) {
        j++;
        continue;
      }
      return false;
    }
    if (c === 34) {
      const last = buf[j - 1];
      return last !== 0xa6 && last !== 60;
    }
  }
  return false;
}

/** Valid UTF-8 without NUL or U+FFFD (lines that are not are examined, so the source's counts stay exact). */
export function clean(buf: Buffer, s: number, nl: number): boolean {
  const l = buf.subarray(s, nl);
  return isUtf8(l) && l.indexOf(0) < 0 && l.indexOf(REPLACEMENT) < 0;
}

/** Whether a chunk holds invalid UTF-8, NUL or U+FFFD anywhere (its lines are then checked one by one with clean). */
export function dirtyRegion(region: Uint8Array): boolean {
  return !isUtf8(region) || (region as Buffer).indexOf(0) >= 0 || (region as Buffer).indexOf(REPLACEMENT) >= 0;
}

const hex = (b?: Uint8Array) => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex') : undefined);

/** A signature's content (everything but its run), for comparing the two threads' skip state. */
export function sigKey(sig: Signature): string {
  // the timestamp's bytes count by shape (pendingOverwritten: digits where it has digits, its other bytes elsewhere)
  const head = sig.head && Buffer.from(sig.head).toString('latin1').replace(/[0-9]/g, '0');
  return JSON.stringify([sig.pid, sig.json, sig.off, hex(sig.bytes), sig.msgAt, sig.pidAt, hex(sig.pidBytes), hex(sig.pidField), hex(sig.bootField), sig.host, sig.process, sig.needle, head, sig.colon]);
}
