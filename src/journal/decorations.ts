// Damaged and decorated text, decoded: what people paste is journal text with things around it — a
// markdown quote `>` or bold `**`, a diff `+`, grep's `file:` / `file-` prefix, a node address as talosctl
// prints it (`10.0.0.2: `), a shell prompt and the command that printed the log, a code fence — or with part
// of it gone: the date cut off (`host kubelet[12]: …`, ` kubelet[12]: …`, `kubelet: …`), the klog header
// cut down (`E kubelet.go:1688] …`, ` 2009 cni.go:237] …`). These decoders only recognise; the record
// parser (records.ts) decides what a line is, and the continuation state machine (wrap.ts) what it joins.

import { KUBELET_PROCESS } from '../kubelet-identity.js';
import type { KlogHeader } from './prefix.js';
import { parseKlog, parsePrefix } from './prefix.js';
import { PID1 } from './systemd-lines.js';

/** A journal prefix without its timestamp: `[host ]ident[[pid]]: message`. */
export interface PartialPrefix {
  host?: string;
  process: string;
  pid?: number;
  message: string;
}

const UNIT_NAME = /\.(?:service|scope|socket|timer|mount|slice|target)$/;
/** `Started kubelet: The Kubernetes Node Agent.` is systemd speaking of the unit by its description. */
const SYSTEMD_VERB = /^(?:Started|Starting|Stopped|Stopping|Failed|Reloading|Reloaded|Finished)$/;
const PARTIAL = /^(?:([^\s:[\]]{1,253}) )?([^\s[\]:/]{1,64})(?:\[(\d{1,10})\])?: (.*)$/s;

/**
 * `[host ]ident[[pid]]: message` — a journal line whose date was cut off, or a `unit: message` excerpt. Only
 * when the identifier is a kubelet (kubelet-identity.ts), PID 1 or the kernel, or the message carries a
 * klog header: `Error: …`, `Flag --x: …` and other bare text are not prefixes.
 */
export function parsePartialPrefix(line: string): PartialPrefix | undefined {
  const c = line.charCodeAt(0);
  if (c === 32 || c === 9 || c === 123 || c === 34) return undefined;
  const m = PARTIAL.exec(line);
  if (!m) return undefined;
  const ident = m[2]!;
  const msg = m[4]!;
  // `file.go:12]` is a klog caller, `kubelet.service: …` systemd speaking of a unit (`-o cat`)
  if (ident.endsWith('.go') || UNIT_NAME.test(ident) || (m[1] !== undefined && SYSTEMD_VERB.test(m[1]))) return undefined;
  const known = KUBELET_PROCESS.test(ident) || PID1.test(ident) || ident === 'kernel';
  if (!known && !(m[3] !== undefined && parseKlog(msg))) return undefined;
  // `host:` alone is not a host plus identifier
  return { host: m[1], process: ident, pid: m[3] !== undefined ? Number(m[3]) : undefined, message: msg };
}

// klog header with parts missing: the file:line and `]` survive, before it any tail of
// `Lmmdd hh:mm:ss.uuuuuu threadid ` (the severity letter alone, the PID alone, the clock without the date, …).
const KLOG_LOOSE =
  /^\s{0,8}(?:([IWEF])(?:(\d\d)(\d\d))?\s+)?(?:(\d\d)(\d\d)\s+)?(?:\d{0,2}:?\d\d:\d\d(?:\.\d{1,9})?\s+)?(?:\d{1,10}\s+)?((?:[\w.-]+\/)*[\w.-]+\.go:\d{1,6})\]\s?/;

/** A klog header of which only part survived (`E kubelet.go:1688] msg`, ` 2009 cni.go:237] msg`); full headers are parseKlog's. */
export function parseKlogLoose(message: string): (Partial<KlogHeader> & { rest: string; caller: string }) | undefined {
  const dot = message.indexOf('.go:');
  if (dot < 0 || dot > 96) return undefined;
  const m = KLOG_LOOSE.exec(message);
  if (!m) return undefined;
  const caller = m[6]!;
  return { level: m[1] as KlogHeader['level'] | undefined, caller: caller.slice(caller.lastIndexOf('/') + 1), rest: message.slice(m[0].length) };
}

/** Whether a line (decorations removed) starts a log record of its own. */
export function startsRecord(line: string): boolean {
  const c = line.charCodeAt(0);
  if (c === 123 /* { */) return true;
  return !!(parsePrefix(line) || parseKlog(line) || parsePartialPrefix(line) || parseKlogLoose(line) || ADDRESS.test(line));
}

/** talosctl prefixes every line with the node it came from. */
const ADDRESS = /^(\d{1,3}(?:\.\d{1,3}){3}): /;
const QUOTE = /^(?:>[ \t]*)+(?=\S)/;
const FENCE = /^\s{0,3}(?:```|~~~)/;
const PROMPT = /^(?:\[[^\]\s]+@[^\]]+\]|[\w.-]+@[\w.-]+(?::[^\s#$]*)?)?\s?[#$%] +(?=\S)/;
const COMMAND =
  /^\s*(?:sudo\s+)?(?:journalctl|systemctl|kubectl|crictl|talosctl|docker|grep|egrep|zgrep|tail|cat|less|head|service|microk8s|k3s\s+(?:kubectl|check-config)|dmesg)(?:\s+\S+)*\s*$/;
const GREP_FILE = /^[\w./@+-]{1,200}?[:-](\d{1,9}[:-])?/;

export type Decoded = { line: string; host?: string } | 'drop' | undefined;

/**
 * One layer of decoration taken off a line that does not parse as it is: the line underneath (with the
 * host a talosctl address named), 'drop' for text that is no log line at all (a shell prompt with its
 * command, a code fence, grep's `--` group separator), or undefined when nothing came off.
 */
export function undecorate(line: string): Decoded {
  if (FENCE.test(line) || line === '--') return 'drop';
  let m: RegExpExecArray | null;
  if ((m = ADDRESS.exec(line))) return { line: line.slice(m[0].length), host: m[1] };
  if ((m = QUOTE.exec(line))) return { line: line.slice(m[0].length) };
  if (line.startsWith('**')) return { line: line.replace(/^\*\*\s*/, '').replace(/\s*\*\*$/, '') };
  if (COMMAND.test(line) && line.length < 300) return 'drop';
  if ((m = PROMPT.exec(line))) {
    const rest = line.slice(m[0].length);
    return startsRecord(rest) ? { line: rest } : 'drop';
  }
  const c = line.charCodeAt(0);
  if (c === 43 /* + */ || c === 45 /* - */) {
    const rest = line.slice(1);
    if (startsRecord(rest)) return { line: rest };
  }
  if (c === 32 || c === 9) {
    const rest = line.trimStart();
    if (rest !== line && startsRecord(rest)) return { line: rest };
  }
  if ((m = GREP_FILE.exec(line))) {
    // grep over journalctl -o json or kubelet JSON logging prints `file:{…}`
    const rest = line.slice(m[0].length);
    if (rest && rest !== line && loggedLine(rest)) return { line: rest };
    // `file:2021-02-14T…` (-o short-iso): the year is no grep line number
    const file = m[1] === undefined ? undefined : line.slice(m[0].length - m[1].length);
    if (file && loggedLine(file)) return { line: file };
  }
  return undefined;
}

function loggedLine(rest: string): boolean {
  return rest.charCodeAt(0) === 123 || !!(parsePrefix(rest) || parseKlog(rest) || parsePartialPrefix(rest));
}

/** Spaces a line is indented by. */
export function leadingSpaces(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === 32) i++;
  return i;
}

/** A klog header at the start of the text (cheap check before the regex). */
export function isKlogStart(s: string): boolean {
  const c = s.charCodeAt(0);
  if (c !== 73 && c !== 87 && c !== 69 && c !== 70) return false;
  const d = s.charCodeAt(1);
  return d >= 48 && d <= 57 && parseKlog(s) !== undefined;
}

