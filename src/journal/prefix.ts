// Recognises the journal prefix of a text line (`journalctl -o short*`, syslog files) and the
// klog header inside the message. Formats: see `man journalctl` (--output) and klog's header()
// doc comment: `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg`.

import type { JournalFormat, KlogLevel } from '../types.js';
import { MessageCache } from './message-cache.js';

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
  /** Column where the message starts (journalctl indents continuation lines to it). */
  width: number;
}

// Process names may contain dots and slashes (microk8s.daemon-kubelite, /usr/bin/kubelet).
const IDENT = String.raw`(?<ident>[^\s\[\]:]+)(?:\[(?<pid>\d+)\])?: ?`;
const HOST = String.raw`(?<host>\S+)`;
const CLOCK = String.raw`(?<clock>\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)`;

// `Nov 20 03:00:01.123456 host kubelet[1]: msg`. The month token is any short word so that
// localised journals (`8月 15`, `janv. 15`, `Mär 15`, ja_JP's ` 8月 15`) and mis-decoded ones
// (`8�? 15`) still parse. Days are zero-padded by journalctl (`Mar 05`), space-padded by rsyslog (`Mar  5`).
// `--no-hostname` drops the host; `-o with-unit` prints the unit (`kubelet.service[1234]:`) as identifier.
const SHORT = new RegExp(
  String.raw`^ ?(?<mon>[^\s\d]{2,12}\.?|\d{1,2}\S{1,6}) {1,2}(?<day>\d{1,2}),? ${CLOCK} (?:${HOST} )?${IDENT}(?<msg>.*)$`,
  's',
);
const ISO = new RegExp(
  String.raw`^(?<iso>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?) ${HOST} ${IDENT}(?<msg>.*)$`,
  's',
);
const FULL = new RegExp(
  String.raw`^(?<dow>[^\s\d]{1,12}\.?) (?<date>\d{4}-\d{2}-\d{2}) ${CLOCK} (?<tz>[A-Za-z+\-0-9]{1,6}) ${HOST} ${IDENT}(?<msg>.*)$`,
  's',
);
const MONO = new RegExp(String.raw`^\[\s*(?<mono>\d+\.\d+)\] ${HOST} ${IDENT}(?<msg>.*)$`, 's');
const UNIX = new RegExp(String.raw`^(?<unix>\d{9,11}\.\d{1,9}) ${HOST} ${IDENT}(?<msg>.*)$`, 's');

const MONTHS: Record<string, number> = {};
const monthNames: string[][] = [
  ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'], // C, en
  ['jan', 'feb', 'mär', 'apr', 'mai', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dez'], // de
  ['janv', 'févr', 'mars', 'avr', 'mai', 'juin', 'juil', 'août', 'sept', 'oct', 'nov', 'déc'], // fr
  ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov', 'dic'], // es
  ['gen', 'feb', 'mar', 'apr', 'mag', 'giu', 'lug', 'ago', 'set', 'ott', 'nov', 'dic'], // it
  ['jan', 'fev', 'mar', 'abr', 'mai', 'jun', 'jul', 'ago', 'set', 'out', 'nov', 'dez'], // pt
  ['jan', 'feb', 'mrt', 'apr', 'mei', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'], // nl
  ['sty', 'lut', 'mar', 'kwi', 'maj', 'cze', 'lip', 'sie', 'wrz', 'paź', 'lis', 'gru'], // pl
  ['янв', 'фев', 'мар', 'апр', 'мая', 'июн', 'июл', 'авг', 'сен', 'окт', 'ноя', 'дек'], // ru
];
for (const names of monthNames) names.forEach((n, i) => (MONTHS[n] ??= i + 1));

/** Month number from a localised month token, or undefined when it cannot be told. */
let lastMonthToken: string | undefined;
let lastMonthNumber: number | undefined;

export function monthNumber(token: string): number | undefined {
  if (token === lastMonthToken) return lastMonthNumber;
  const n = monthNumberOf(token);
  lastMonthToken = token;
  lastMonthNumber = n;
  return n;
}

function monthNumberOf(token: string): number | undefined {
  const t = token.trim().toLowerCase().replace(/\.$/, '');
  const direct = MONTHS[t];
  if (direct !== undefined) return direct;
  const three = MONTHS[t.slice(0, 3)];
  if (three !== undefined) return three;
  const four = MONTHS[t.slice(0, 4)];
  if (four !== undefined) return four;
  // CJK locales print `8月`, `11월`; a mis-decoded 月 still leaves the leading digits.
  const m = /^(\d{1,2})/.exec(t);
  if (m) {
    const n = Number(m[1]);
    if (n >= 1 && n <= 12) return n;
  }
  return undefined;
}

// short-full prints the zone abbreviation of the local zone; these are the common ones.
const ZONES: Record<string, string> = {
  UTC: 'Z', GMT: 'Z', Z: 'Z', UT: 'Z',
  EST: '-05:00', EDT: '-04:00', CST: '-06:00', CDT: '-05:00', MST: '-07:00', MDT: '-06:00', PST: '-08:00', PDT: '-07:00',
  CET: '+01:00', CEST: '+02:00', WET: '+00:00', WEST: '+01:00', EET: '+02:00', EEST: '+03:00', BST: '+01:00', MSK: '+03:00',
  IST: '+05:30', JST: '+09:00', KST: '+09:00', HKT: '+08:00', SGT: '+08:00', AEST: '+10:00', AEDT: '+11:00',
};

/** A zone as printed by strftime %Z (`UTC`, `CET`, `+03`, `-0530`) → an ISO offset; unknown abbreviations count as UTC. */
function zoneOffset(tz: string): string {
  const z = ZONES[tz.toUpperCase()];
  if (z) return z;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(tz);
  if (m) return `${m[1]}${m[2]}:${m[3] ?? '00'}`;
  return 'Z';
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
    if (line.charCodeAt(4) === 45 /* - */ && (m = ISO.exec(line))) {
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
        width: line.length - g.msg!.length,
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
        width: line.length - g.msg!.length,
      };
    }
  } else if (c === 91 /* [ */) {
    if ((m = MONO.exec(line))) {
      const g = m.groups!;
      return {
        format: 'short-monotonic',
        timeText: `[${g.mono}]`,
        host: g.host,
        process: g.ident!,
        pid: pidOf(g),
        message: g.msg!,
        width: line.length - g.msg!.length,
      };
    }
    return undefined;
  }
  const fast = shortFast(line);
  if (fast) return fast;
  const short = shortByRegex(line);
  if (short) return short;
  if ((m = FULL.exec(line))) {
    const g = m.groups!;
    const t = Date.parse(`${g.date}T${g.clock}${zoneOffset(g.tz!)}`);
    return {
      format: 'short-full',
      timeText: `${g.dow} ${g.date} ${g.clock} ${g.tz}`,
      time: Number.isNaN(t) ? undefined : t,
      host: g.host,
      process: g.ident!,
      pid: pidOf(g),
      message: g.msg!,
      width: line.length - g.msg!.length,
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
  /** `file.go:123` (directory dropped when klog printed one with --add-dir-header). */
  caller: string;
  rest: string;
}

const KLOG_DIGITS = [1, 2, 3, 4, 6, 7, 9, 10, 12, 13, 15, 16, 17, 18, 19, 20];

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Parse the klog header `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg` (by hand: it runs on every line). */
export function parseKlog(message: string): KlogHeader | undefined {
  const c = message.charCodeAt(0);
  // I W E F followed by a digit: cheap reject
  if (c !== 73 && c !== 87 && c !== 69 && c !== 70) return undefined;
  const n = message.length;
  if (n < 24) return undefined;
  // fixed part: L MM DD ' ' hh ':' mm ':' ss '.' uuuuuu  (positions 0..21)
  for (let k = 0; k < KLOG_DIGITS.length; k++) if (!isDigit(message.charCodeAt(KLOG_DIGITS[k]!))) return undefined;
  if (message.charCodeAt(5) !== 32 || message.charCodeAt(8) !== 58 || message.charCodeAt(11) !== 58 || message.charCodeAt(14) !== 46) return undefined;
  let i = 21;
  const ws = i;
  while (i < n && (message.charCodeAt(i) === 32 || message.charCodeAt(i) === 9)) i++;
  if (i === ws) return undefined;
  const t0 = i;
  while (i < n && isDigit(message.charCodeAt(i))) i++;
  if (i === t0 || message.charCodeAt(i) !== 32) return undefined;
  const threadId = Number(message.slice(t0, i));
  i++;
  const f0 = i;
  let slash = -1;
  for (; i < n; i++) {
    const ch = message.charCodeAt(i);
    if (ch === 93 /* ] */) break;
    if (ch === 32 || ch === 9 || ch === 10) return undefined;
    if (ch === 47 /* / */) slash = i;
  }
  if (i >= n || i === f0) return undefined;
  const caller = message.slice(slash >= 0 ? slash + 1 : f0, i);
  i++;
  if (message.charCodeAt(i) === 32) i++;
  return {
    level: message[0] as KlogLevel,
    month: (message.charCodeAt(1) - 48) * 10 + message.charCodeAt(2) - 48,
    day: (message.charCodeAt(3) - 48) * 10 + message.charCodeAt(4) - 48,
    clock: message.slice(6, 21),
    threadId,
    caller,
    rest: message.slice(i),
  };
}

/** Result of {@link parseStructuredText}. */
export interface Structured {
  fields: Record<string, string>;
  /** A quoted value was cut short (the line was truncated). */
  unterminated: boolean;
  /** The text ended inside a `key=<` multi-line block: its lines follow on later lines. */
  openBlock?: string;
}

const KEY = /^[A-Za-z_][\w.\-/]*$/;
const LOOSE_KEY = /^[^"=\s][^"=\n]{0,63}$/;

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** Undo strconv.Quote: \" \\ \n \t \r \a \b \f \v \xNN \uNNNN \UNNNNNNNN. */
function unescapeGo(s: string): string {
  let out = '';
  let from = 0;
  let i = s.indexOf('\\');
  while (i >= 0 && i + 1 < s.length) {
    out += s.slice(from, i);
    const ch = s[i + 1]!;
    let len = 2;
    if (ch === 'x' || ch === 'u' || ch === 'U') {
      const w = ch === 'x' ? 2 : ch === 'u' ? 4 : 8;
      const hex = s.slice(i + 2, i + 2 + w);
      if (hex.length === w && /^[0-9a-fA-F]+$/.test(hex)) {
        out += String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff));
        len = 2 + w;
      } else out += ch;
    } else out += SIMPLE_ESCAPES[ch] ?? ch;
    from = i + len;
    i = s.indexOf('\\', from);
  }
  return from === 0 ? s : out + s.slice(from);
}

/** Index just past the closing quote of the Go-quoted string starting at `text[i] === '"'`, or -1. */
function endOfQuoted(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q < 0) return -1;
    // count the backslashes before the quote
    let b = q - 1;
    while (b > i && text.charCodeAt(b) === 92) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    j = q + 1;
  }
}

function quotedValue(text: string, start: number, end: number): string {
  const inner = text.slice(start + 1, end - 1);
  return inner.includes('\\') ? unescapeGo(inner) : inner;
}

/**
 * Parse structured klog text (`"msg" err="..." key=value key2="quoted" key3=<\n\tline\n >`).
 * Unquoted values (`%+v` of structs, numbers, `<nil>`) may hold spaces inside brackets; they end at the
 * next ` key=`. Returns undefined when the text does not start with a Go-quoted message.
 */
export function parseStructuredText(text: string): Structured | undefined {
  if (text.charCodeAt(0) !== 34 /* " */) return undefined;
  // a broken node repeats the same messages: complete results of short texts are remembered and shared,
  // frozen (only a record whose text opens a `key=<` block gets fields added later, and those are not cached)
  const f = structuredCache.get(text);
  if (f) return { fields: f, unterminated: false };
  const r = parseStructuredTextOnce(text);
  if (!r.unterminated && r.openBlock === undefined) {
    // r.fields is this call's own object: frozen in place, it is both the answer and the cached copy
    structuredCache.set(text, Object.freeze(r.fields));
  }
  return r;
}

const structuredCache = new MessageCache<Record<string, string>>(512, 1024);

function parseStructuredTextOnce(text: string): Structured {
  const fields: Record<string, string> = {};
  const msgEnd = endOfQuoted(text, 0);
  if (msgEnd < 0) return { fields: { msg: unescapeGo(text.slice(1)) }, unterminated: true };
  fields.msg = quotedValue(text, 0, msgEnd);
  let i = msgEnd;
  const n = text.length;
  while (i < n) {
    while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 10)) i++;
    if (i >= n) break;
    const eq = text.indexOf('=', i);
    if (eq < 0) break;
    const key = text.slice(i, eq);
    const c = text.charCodeAt(eq + 1);
    // keys are identifiers, but klog prints any string key (`"Swap is on" /proc/swaps contents=<`):
    // accept such a key when a quoted value or a block follows it
    if (!KEY.test(key) && !((c === 34 || c === 60) && LOOSE_KEY.test(key))) break;
    i = eq + 1;
    if (c === 34 /* " */) {
      const end = endOfQuoted(text, i);
      if (end < 0) {
        fields[key] = unescapeGo(text.slice(i + 1));
        return { fields, unterminated: true };
      }
      fields[key] = quotedValue(text, i, end);
      i = end;
    } else if (c === 60 /* < */ && (i + 1 === n || text.charCodeAt(i + 1) === 10)) {
      // multi-line value block: key=<\n\tline\n >
      if (i + 1 === n) {
        fields[key] = '';
        return { fields, unterminated: false, openBlock: key };
      }
      const end = text.indexOf('\n >', i);
      fields[key] = blockValue(text.slice(i + 2, end < 0 ? undefined : end));
      if (end < 0) return { fields, unterminated: false, openBlock: key };
      i = end + 3;
    } else {
      // unquoted: up to the next ` key=` outside brackets
      let depth = 0;
      let j = i;
      for (; j < n; j++) {
        const ch = text.charCodeAt(j);
        if (ch === 123 || ch === 91 || ch === 40) depth++;
        else if ((ch === 125 || ch === 93 || ch === 41) && depth > 0) depth--;
        else if (ch === 32 && depth === 0 && startsKey(text, j + 1)) break;
      }
      fields[key] = text.slice(i, j);
      i = j;
    }
  }
  return { fields, unterminated: false };
}

function startsKey(text: string, i: number): boolean {
  const eq = text.indexOf('=', i);
  if (eq < 0 || eq - i > 64) return false;
  for (let k = i; k < eq; k++) {
    const ch = text.charCodeAt(k);
    if (ch === 32 || ch === 34) return false;
  }
  return KEY.test(text.slice(i, eq));
}

/** The lines of a `key=<` block without klog's one-tab indentation (journalctl may have expanded it). */
export function blockValue(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/^(?:\t| +)/, ''))
    .join('\n');
}

/** Fields of structured klog text, or undefined when the text is not in the structured form. */
export function parseStructured(text: string): Record<string, string> | undefined {
  return parseStructuredText(text)?.fields;
}

/** `Mon DD hh:mm:ss[.frac] [host] ident[pid]: msg` by the SHORT regex (every localised and padded variant). */
export function shortByRegex(line: string): Prefix | undefined {
  const m = SHORT.exec(line);
  if (!m) return undefined;
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
    width: line.length - g.msg!.length,
  };
}

function isAsciiSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/**
 * The common case of SHORT by hand — `Mmm dd hh:mm:ss[.frac] host ident[pid]: msg` with an ASCII month,
 * a two-digit day, an ASCII host and identifier (journalctl's own output): the regex's first, greedy path,
 * which is its answer whenever that path gets through. Undefined whenever it does not: the regex decides.
 */
export function shortFast(line: string): Prefix | undefined {
  const n = line.length;
  if (n < 20) return undefined;
  for (let k = 0; k < 3; k++) {
    const c = line.charCodeAt(k) | 32;
    if (c < 97 || c > 122) return undefined;
  }
  if (line.charCodeAt(3) !== 32 || !isDigitAt(line, 4) || !isDigitAt(line, 5) || line.charCodeAt(6) !== 32) return undefined;
  if (!isDigitAt(line, 7) || !isDigitAt(line, 8) || line.charCodeAt(9) !== 58 || !isDigitAt(line, 10) || !isDigitAt(line, 11) || line.charCodeAt(12) !== 58 || !isDigitAt(line, 13) || !isDigitAt(line, 14)) return undefined;
  let i = 15;
  const precise = line.charCodeAt(i) === 46;
  if (precise) {
    const f0 = ++i;
    while (i < n && i - f0 < 10 && isDigitAt(line, i)) i++;
    if (i === f0 || i - f0 > 9) return undefined;
  }
  if (line.charCodeAt(i) !== 32) return undefined;
  const clockEnd = i++;
  // host: \S+ then one space
  const h0 = i;
  for (; i < n; i++) {
    const c = line.charCodeAt(i);
    if (c === 32) break;
    if (c > 127 || isAsciiSpace(c)) return undefined;
  }
  if (i === h0 || i >= n) return undefined;
  const hostEnd = i++;
  // ident: [^\s\[\]:]+ then [pid] and `:`, or `:`
  const id0 = i;
  let c = 0;
  for (; i < n; i++) {
    c = line.charCodeAt(i);
    if (c === 91 || c === 58) break;
    if (c > 127 || c === 93 || isAsciiSpace(c)) return undefined;
  }
  if (i === id0 || i >= n) return undefined;
  const idEnd = i;
  let pid: number | undefined;
  if (c === 91 /* [ */) {
    const p0 = ++i;
    let v = 0;
    while (i < n && isDigitAt(line, i)) v = v * 10 + line.charCodeAt(i++) - 48;
    if (i === p0 || line.charCodeAt(i) !== 93 || line.charCodeAt(i + 1) !== 58) return undefined;
    pid = i - p0 > 15 ? Number(line.slice(p0, i)) : v;
    i += 2;
  } else i++;
  if (line.charCodeAt(i) === 32) i++;
  return {
    format: precise ? 'short-precise' : pid !== undefined ? 'short' : 'syslog',
    timeText: line.slice(0, clockEnd),
    month: monthNumber(line.slice(0, 3)),
    day: (line.charCodeAt(4) - 48) * 10 + line.charCodeAt(5) - 48,
    clock: line.slice(7, clockEnd),
    host: line.slice(h0, hostEnd),
    process: line.slice(id0, idEnd),
    pid,
    message: line.slice(i),
    width: i,
  };
}
