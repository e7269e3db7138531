// The damage-robustness harness's variant maker: every journal fixture line annotated as a rule's evidence
// (`# ruleid: <id>` in fixtures/journal/**, every format a fixture has), damaged the ways real posts damage
// lines — cut at the end after the identifying literal (with and without `…`, `...`, a pager's `>`),
// hard-wrapped at 80 and 120 columns mid-word, joined by rsyslog's `#012`, decorated (markdown quote and bold,
// a diff `+`, a shell prompt, grep's `file:`, indentation), bare (no journal prefix; no klog header either),
// and inside a `systemctl status` paste. The test (damage-robustness.test.ts) scans each variant through the
// real pipeline and requires the same rule.
//
// Which variants are made is decided by rule, never by listing lines (docs/damaged-text.md):
// - a line is evidence only when the rule names it on its own, undamaged, in its own format (a line that
//   needs the rest of its journal — a count, a later line, node state — has nothing to keep alone);
// - cuts fall after the end of the identifying literal (the pattern's required literal, engine/literals.ts)
//   and leave at least MIN_PARTIAL characters from its start (the matcher trusts no shorter partial match);
//   a cut never leaves whitespace last (a pager's `>` after a blank is not told from text);
// - a variant class that has nothing to act on (a line shorter than the wrap width, a bare line with no
//   prefix to strip) is not made.

import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findFixtures, readAnnotations, readSpec } from '../src/check.js';
import { requiredLiterals } from '../src/engine/literals.js';
import { normaliseMessage } from '../src/engine/matcher.js';
import { parseKlog, parsePrefix } from '../src/journal/prefix.js';
import type { Rule } from '../src/rules/model.js';

/** The matcher's minimum partial match (engine/matcher.ts MIN_PARTIAL). */
export const MIN_PARTIAL = 16;

export interface EvidenceLine {
  /** fixture/file:line */
  where: string;
  ruleId: string;
  /** The physical line as the fixture has it. */
  raw: string;
  /** The file's format, from its name (short-precise, cat, json, kubelet-json, syslog, …). */
  format: string;
}

export type DamageClass =
  | 'cut'
  | 'cut…'
  | 'cut...'
  | 'cut>'
  | 'wrap80'
  | 'wrap120'
  | 'rsyslog#012'
  | 'quote'
  | 'bold'
  | 'diff+'
  | 'prompt'
  | 'grep-file'
  | 'indent'
  | 'no-prefix'
  | 'no-klog'
  | 'systemctl-status';

export const CLASSES: DamageClass[] = ['cut', 'cut…', 'cut...', 'cut>', 'wrap80', 'wrap120', 'rsyslog#012', 'quote', 'bold', 'diff+', 'prompt', 'grep-file', 'indent', 'no-prefix', 'no-klog', 'systemctl-status'];

export interface Variant {
  cls: DamageClass;
  /** Cut variants: the column of the cut in the evidence line. */
  at?: number;
  /** What distinguishes it among its class (the cut column, …). */
  detail: string;
  text: string;
}

const fileFormat = (file: string) => file.replace(/^.*\//, '').replace(/^[^.]*\./, '').replace(/\.log$/, '');

/** Every `# ruleid:` annotated line of the journal fixtures (multi-line record formats excluded: no line is a record). */
export function evidenceLines(root: string): EvidenceLine[] {
  const out: EvidenceLine[] = [];
  for (const dir of findFixtures([join(root, 'fixtures/journal')])) {
    let spec;
    try {
      spec = readSpec(dir);
    } catch {
      continue;
    }
    const files = new Set((spec.journals ?? []).flatMap((j) => (Array.isArray(j) ? j : [j])).map((f) => join(dir, f)));
    for (const file of [...files].sort()) {
      if (/\.export$/.test(file)) continue;
      const anns = readAnnotations(file).filter((a) => a.kind === 'ruleid');
      if (!anns.length) continue;
      const lines = readFileSync(file, 'utf8').split('\n');
      for (const a of anns) {
        const raw = lines[a.line - 1]!.replace(/\r$/, '');
        out.push({ where: `${relative(root, file)}:${a.line}`, ruleId: a.ruleId, raw, format: fileFormat(file) });
      }
    }
  }
  return out;
}

/** The message text a journal viewer shows for the line (no journal prefix), or undefined when there is none to strip. */
export function messageText(e: EvidenceLine): { text: string; process?: string } | undefined {
  if (e.format === 'json' || e.format === 'json-pretty') {
    try {
      const o = JSON.parse(e.raw) as Record<string, unknown>;
      if (typeof o.MESSAGE === 'string') return { text: o.MESSAGE.split('\n')[0]!, process: typeof o.SYSLOG_IDENTIFIER === 'string' ? o.SYSLOG_IDENTIFIER : undefined };
    } catch {
      return undefined;
    }
    return undefined;
  }
  const p = parsePrefix(e.raw);
  if (p && p.format !== 'cat') return { text: p.message, process: p.process };
  return undefined;
}

/**
 * Where the identifying literal of the rule's matching pattern ends in `text` (lower-cased search of the
 * pattern's required literals), and where it starts; undefined when no pattern of the rule matches the text.
 */
export function identifyingLiteral(rule: Rule, text: string): { start: number; end: number; literal: string } | undefined {
  const norm = normaliseMessage(text);
  const lower = text.toLowerCase();
  let best: { start: number; end: number; literal: string } | undefined;
  for (const p of rule.match?.journal ?? []) {
    let re: RegExp;
    try {
      re = new RegExp(p.pattern, 'i');
    } catch {
      continue;
    }
    if (!re.test(norm)) continue;
    const lits = requiredLiterals(p.pattern);
    if (!lits) continue;
    for (const l of lits) {
      const at = lower.indexOf(l);
      if (at < 0) continue;
      if (!best || at + l.length < best.end) best = { start: at, end: at + l.length, literal: l };
    }
  }
  return best;
}

/** Where the rule's matching patterns' matches end in `text` (the furthest), or -1 when none matches. */
export function matchEnd(rule: Rule, text: string): number {
  let end = -1;
  for (const p of rule.match?.journal ?? []) {
    const re = new RegExp(p.pattern, 'i');
    // on the text as printed, else unescaped (which only removes characters: the end is then a lower bound)
    const m = re.exec(text) ?? re.exec(normaliseMessage(text));
    if (m) end = Math.max(end, m.index + m[0].length);
  }
  return end;
}

/** Cut columns after the identifying literal: right after it, half-way to the end, one short of the end. */
export function cutPoints(text: string, lit: { start: number; end: number }): number[] {
  const from = Math.max(lit.end, lit.start + MIN_PARTIAL);
  const cands = [from, from + Math.ceil((text.length - from) / 2), text.length - 1];
  const out = new Set<number>();
  for (let p of cands) {
    // never leave whitespace last: a cut mid-word (or mid-token) is the damage a post shows
    while (p < text.length && /\s/.test(text[p - 1]!)) p++;
    if (p >= from && p < text.length) out.add(p);
  }
  return [...out].sort((a, b) => a - b);
}

function chunks(s: string, width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += width) out.push(s.slice(i, i + width));
  return out;
}

const STATUS_HEAD = [
  '● kubelet.service - kubelet: The Kubernetes Node Agent',
  '     Loaded: loaded (/lib/systemd/system/kubelet.service; enabled; vendor preset: enabled)',
  '    Drop-In: /etc/systemd/system/kubelet.service.d',
  '             └─10-kubeadm.conf',
  '     Active: activating (auto-restart) (Result: exit-code) since Wed 2025-11-19 08:46:32 UTC; 919ms ago',
  '       Docs: https://kubernetes.io/docs/home/',
  '    Process: 9982 ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS (code=exited, status=1/FAILURE)',
  '   Main PID: 9982 (code=exited, status=1/FAILURE)',
  '',
];
/** systemctl status prints the unit's last lines in the short format, ellipsised at the terminal width. */
const STATUS_WIDTH = 120;

/** The damaged variants of one evidence line (see the header for what is made and what is not). */
export function variants(e: EvidenceLine, rule: Rule): Variant[] {
  const out: Variant[] = [];
  const raw = e.raw;
  const lit = identifyingLiteral(rule, raw);
  // (a) cut at the end after the identifying literal
  if (lit)
    for (const p of cutPoints(raw, lit)) {
      const head = raw.slice(0, p);
      out.push({ cls: 'cut', at: p, detail: `col ${p}`, text: head });
      out.push({ cls: 'cut…', at: p, detail: `col ${p}`, text: `${head}…` });
      out.push({ cls: 'cut...', at: p, detail: `col ${p}`, text: `${head}...` });
      out.push({ cls: 'cut>', at: p, detail: `col ${p}`, text: `${head}>` });
    }
  // (b) hard-wrapped mid-word at terminal widths; rsyslog's #012 join of a multi-line message
  for (const [cls, w] of [['wrap80', 80], ['wrap120', 120]] as const) if (raw.length > w) out.push({ cls, detail: `${w} columns`, text: chunks(raw, w).join('\n') });
  const msg = messageText(e);
  // (rsyslog escapes a raw newline of a message; a JSON-encoded message never holds one)
  if ((e.format === 'syslog' || e.format === 'syslog-rfc3339' || (msg && e.format !== 'json')) && !/^\{/.test(msg?.text ?? raw)) out.push({ cls: 'rsyslog#012', detail: 'a continuation joined', text: `${raw}#012#011goroutine 1 [running]:#012#011main.main()` });
  // (c) decorations
  out.push({ cls: 'quote', detail: '> ', text: `> ${raw}` });
  out.push({ cls: 'bold', detail: '**', text: `**${raw}**` });
  out.push({ cls: 'diff+', detail: '+', text: `+${raw}` });
  out.push({ cls: 'prompt', detail: 'prompt and command before', text: `root@node-a:~# journalctl -u kubelet --no-pager\n${raw}` });
  out.push({ cls: 'grep-file', detail: 'file:', text: `/var/log/syslog:${raw}` });
  out.push({ cls: 'grep-file', detail: 'file:line:', text: `kubelet.log:1234:${raw}` });
  out.push({ cls: 'indent', detail: '4 spaces', text: `    ${raw}` });
  // (d) bare: no journal prefix; no klog header either
  const bare = msg?.text ?? (e.format === 'cat' ? raw : undefined);
  if (msg) out.push({ cls: 'no-prefix', detail: 'journal prefix removed', text: msg.text });
  const k = bare !== undefined ? parseKlog(bare) : undefined;
  if (k) out.push({ cls: 'no-klog', detail: 'journal prefix and klog header removed', text: k.rest });
  // (e) inside a systemctl status paste (its own short prefix, ellipsised when longer than the terminal)
  if (bare !== undefined || e.format === 'kubelet-json') {
    const body = bare ?? raw;
    const line = `Nov 19 08:46:32 node-a ${msg?.process ?? 'kubelet'}[9982]: ${body}`;
    out.push({ cls: 'systemctl-status', detail: 'whole line (-l)', text: [...STATUS_HEAD, line].join('\n') });
    const l2 = identifyingLiteral(rule, line);
    if (line.length > STATUS_WIDTH && l2 && l2.end <= STATUS_WIDTH - 1 && l2.start + MIN_PARTIAL <= STATUS_WIDTH - 1)
      out.push({ cls: 'systemctl-status', detail: `ellipsised at ${STATUS_WIDTH}`, text: [...STATUS_HEAD, `${line.slice(0, STATUS_WIDTH - 1)}…`].join('\n') });
  }
  return out;
}
