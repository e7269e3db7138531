// Recognises the journal prefix of a text line (`journalctl -o short*`, syslog files) and the
// klog header inside the message. Formats: see `man journalctl` (--output) and klog's header()
// doc comment: `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg`.

import type { JournalFormat, KlogLevel } from '../types.js';

export interface Prefix {
  format: JournalFormat;
  timeText: string;
  /** Epoch ms when the prefix carried a full date (iso, full, unix); undefined otherwise. */
  time?: number;
  /** Month (1-12) and day when the prefix is `Mon DD` style; used to infer the year. */
  month?: number;
  day?: number;
  clock?: string;
  host?: string;
  process: string;
  pid?: number;
  message: string;
}

// Process names may contain dots and slashes (microk8s.daemon-kubelite, /usr/bin/kubelet).
const IDENT = String.raw`(?<ident>[^\s\[\]:]+)(?:\[(?<pid>\d+)\])?: ?`;
const HOST = String.raw`(?<host>\S+)`;
const CLOCK = String.raw`(?<clock>\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)`;

// `Nov 20 03:00:01.123456 host kubelet[1]: msg`. The month token is any short word so that
// localised journals (`8月 15`, `janv. 15`, `Mär 15`) and mis-decoded ones (`8�? 15`) still parse.
const SHORT = new RegExp(String.raw`^(?<mon>[^\s\d]{2,12}\.?|\d{1,2}\S{1,6}) {1,2}(?<day>\d{1,2}) ${CLOCK} ${HOST} ${IDENT}(?<msg>.*)$`);
const ISO = new RegExp(
  String.raw`^(?<iso>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?) ${HOST} ${IDENT}(?<msg>.*)$`,
);
const FULL = new RegExp(
  String.raw`^(?<dow>[^\s\d]{2,12}\.?) (?<date>\d{4}-\d{2}-\d{2}) ${CLOCK} (?<tz>[A-Za-z+\-0-9]{1,6}) ${HOST} ${IDENT}(?<msg>.*)$`,
);
const MONO = new RegExp(String.raw`^\[\s*(?<mono>\d+\.\d+)\] ${HOST} ${IDENT}(?<msg>.*)$`);
const UNIX = new RegExp(String.raw`^(?<unix>\d{9,11}\.\d{1,9}) ${HOST} ${IDENT}(?<msg>.*)$`);

const MONTHS: Record<string, number> = {};
const monthNames: string[][] = [
  ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  ['jan', 'feb', 'mär', 'apr', 'mai', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dez'],
  ['janv', 'févr', 'mars', 'avril', 'mai', 'juin', 'juil', 'août', 'sept', 'oct', 'nov', 'déc'],
  ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov', 'dic'],
  ['gen', 'feb', 'mar', 'apr', 'mag', 'giu', 'lug', 'ago', 'set', 'ott', 'nov', 'dic'],
  ['янв', 'фев', 'мар', 'апр', 'мая', 'июн', 'июл', 'авг', 'сен', 'окт', 'ноя', 'дек'],
];
for (const names of monthNames) names.forEach((n, i) => (MONTHS[n] ??= i + 1));

/** Month number from a localised month token, or undefined when it cannot be told. */
export function monthNumber(token: string): number | undefined {
  const t = token.toLowerCase().replace(/\.$/, '');
  if (MONTHS[t] !== undefined) return MONTHS[t];
  if (MONTHS[t.slice(0, 3)] !== undefined) return MONTHS[t.slice(0, 3)];
  // CJK locales print `8月`, `11월`; a mis-decoded 月 still leaves the leading digits.
  const m = /^(\d{1,2})/.exec(t);
  if (m) {
    const n = Number(m[1]);
    if (n >= 1 && n <= 12) return n;
  }
  return undefined;
}

function pidOf(g: Record<string, string | undefined>): number | undefined {
  return g.pid ? Number(g.pid) : undefined;
}

/** Parse a journal/syslog prefix; returns undefined when the line has none (cat/klog/continuation). */
export function parsePrefix(line: string): Prefix | undefined {
  const c = line.charCodeAt(0);
  let m: RegExpExecArray | null;
  if (c >= 48 && c <= 57) {
    // digit: ISO, unix timestamp, or a CJK month like `8月 15`
    if ((m = ISO.exec(line))) {
      const g = m.groups!;
      const iso = g.iso!;
      const t = Date.parse(iso.replace(',', '.').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
      return {
        format: /[.,]\d/.test(iso.slice(19)) ? 'short-iso-precise' : 'short-iso',
        timeText: iso,
        time: Number.isNaN(t) ? undefined : t,
        host: g.host,
        process: g.ident!,
        pid: pidOf(g),
        message: g.msg!,
      };
    }
    if ((m = UNIX.exec(line))) {
      const g = m.groups!;
      return {
        format: 'short-unix',
        timeText: g.unix!,
        time: Math.round(Number(g.unix) * 1000),
        host: g.host,
        process: g.ident!,
        pid: pidOf(g),
        message: g.msg!,
      };
    }
  } else if (c === 91 /* [ */) {
    if ((m = MONO.exec(line))) {
      const g = m.groups!;
      return { format: 'short-monotonic', timeText: `[${g.mono}]`, host: g.host, process: g.ident!, pid: pidOf(g), message: g.msg! };
    }
    return undefined;
  }
  if ((m = SHORT.exec(line))) {
    const g = m.groups!;
    const month = monthNumber(g.mon!);
    return {
      format: g.clock!.includes('.') ? 'short-precise' : g.pid ? 'short' : 'syslog',
      timeText: `${g.mon} ${g.day} ${g.clock}`,
      month,
      day: Number(g.day),
      clock: g.clock,
      host: g.host,
      process: g.ident!,
      pid: pidOf(g),
      message: g.msg!,
    };
  }
  if ((m = FULL.exec(line))) {
    const g = m.groups!;
    const t = Date.parse(`${g.date}T${g.clock}${g.tz === 'UTC' || g.tz === 'GMT' ? 'Z' : ''}`);
    return {
      format: 'short-full',
      timeText: `${g.dow} ${g.date} ${g.clock} ${g.tz}`,
      time: Number.isNaN(t) ? undefined : t,
      host: g.host,
      process: g.ident!,
      pid: pidOf(g),
      message: g.msg!,
    };
  }
  return undefined;
}

export interface KlogHeader {
  level: KlogLevel;
  month: number;
  day: number;
  clock: string;
  threadId: number;
  caller: string;
  rest: string;
}

const KLOG = /^([IWEF])(\d{2})(\d{2}) (\d{2}:\d{2}:\d{2}\.\d{6})\s+(\d+) ([^\]\s]+)\] ?(.*)$/s;

/** Parse the klog header `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg`. */
export function parseKlog(message: string): KlogHeader | undefined {
  const c = message.charCodeAt(0);
  // I W E F only: cheap reject before the regex
  if (c !== 73 && c !== 87 && c !== 69 && c !== 70) return undefined;
  const m = KLOG.exec(message);
  if (!m) return undefined;
  return {
    level: m[1] as KlogLevel,
    month: Number(m[2]),
    day: Number(m[3]),
    clock: m[4]!,
    threadId: Number(m[5]),
    caller: m[6]!,
    rest: m[7]!,
  };
}

/**
 * Parse structured klog text (`"msg" err="..." key=value key2="quoted"`) into fields.
 * Returns undefined when the text is not in the structured form.
 */
export function parseStructured(text: string): Record<string, string> | undefined {
  if (text.charCodeAt(0) !== 34 /* " */) return undefined;
  const fields: Record<string, string> = {};
  let i = 0;
  const readQuoted = (): string | undefined => {
    // text[i] === '"'
    let out = '';
    i++;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '\\' && i + 1 < text.length) {
        const nx = text[i + 1]!;
        out += nx === 'n' ? '\n' : nx === 't' ? '\t' : nx;
        i += 2;
        continue;
      }
      if (ch === '"') {
        i++;
        return out;
      }
      out += ch;
      i++;
    }
    return undefined; // unterminated: truncated line
  };
  const msg = readQuoted();
  if (msg === undefined) return undefined;
  fields.msg = msg;
  while (i < text.length) {
    while (text[i] === ' ') i++;
    const eq = text.indexOf('=', i);
    if (eq < 0) break;
    const key = text.slice(i, eq);
    if (!/^[A-Za-z_][\w.\-/]*$/.test(key)) break;
    i = eq + 1;
    let value: string | undefined;
    if (text[i] === '"') value = readQuoted();
    else if (text[i] === '<' && text[i + 1] === '\n') {
      // multi-line value block: key=<\n\tline\n >
      const end = text.indexOf('\n >', i);
      value = text.slice(i + 2, end < 0 ? undefined : end).replace(/^\t/gm, '');
      i = end < 0 ? text.length : end + 3;
    } else {
      const sp = text.indexOf(' ', i);
      value = text.slice(i, sp < 0 ? undefined : sp);
      i = sp < 0 ? text.length : sp;
    }
    if (value === undefined) break;
    fields[key] = value;
  }
  return fields;
}
