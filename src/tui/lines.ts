// Styled lines for the terminal views: a line is a list of segments, wrapped and truncated here
// (not by the layout engine) so every view knows its exact height and can scroll by line.

export type Color = 'red' | 'yellow' | 'cyan' | 'green' | 'gray' | 'magenta' | 'blue';

export interface Style {
  color?: Color;
  bold?: boolean;
  dim?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

export interface Seg {
  text: string;
  style?: Style;
}

export type Line = Seg[];

export const seg = (text: string, style?: Style): Seg => ({ text, ...(style ? { style } : {}) });

export function lineText(l: Line): string {
  return l.map((s) => s.text).join('');
}

/** Printable text: tabs to spaces, other control characters (ESC from coloured logs) shown as `^[`-style escapes. */
export function printable(s: string): string {
  return s.replace(/\t/g, '    ').replace(/[\u0000-\u001F\u007F]/g, (c) => `^${String.fromCharCode((c.charCodeAt(0) + 64) & 0x7f)}`);
}

function chars(l: Line): { ch: string; st: number }[] {
  const out: { ch: string; st: number }[] = [];
  l.forEach((s, i) => {
    for (const ch of printable(s.text)) out.push({ ch, st: i });
  });
  return out;
}

function rebuild(cs: { ch: string; st: number }[], l: Line): Line {
  const out: Line = [];
  for (const c of cs) {
    const last = out[out.length - 1];
    const style = c.st < 0 ? undefined : l[c.st]?.style;
    if (last && last.style === style) last.text += c.ch;
    else out.push(style ? { text: c.ch, style } : { text: c.ch });
  }
  return out;
}

/** Cut a line to `width` columns, ending in `…` when something was cut. */
export function truncLine(l: Line, width: number): Line {
  const cs = chars(l);
  if (cs.length <= width) return rebuild(cs, l);
  const kept = cs.slice(0, Math.max(0, width - 1));
  kept.push({ ch: '…', st: -1 });
  return rebuild(kept, l);
}

/**
 * Word-wrap a line to `width` columns; continuation lines start with `hang` spaces. Words longer
 * than a line are cut hard. Styles carry over the breaks.
 */
export function wrapLine(l: Line, width: number, hang = 0): Line[] {
  const w = Math.max(8, width);
  const h = Math.min(hang, w - 4);
  const cs = chars(l);
  if (cs.length <= w) return [rebuild(cs, l)];
  const out: Line[] = [];
  let pos = 0;
  let first = true;
  while (pos < cs.length) {
    const room = first ? w : w - h;
    let end = Math.min(cs.length, pos + room);
    if (end < cs.length) {
      // break after the last space within reach, unless that leaves the line mostly empty
      let sp = -1;
      for (let i = end; i > pos + Math.floor(room / 3); i--) if (cs[i]?.ch === ' ') { sp = i; break; }
      if (sp > pos) end = sp;
    }
    const part = cs.slice(pos, end);
    const line = rebuild(part, l);
    out.push(first || h === 0 ? line : [{ text: ' '.repeat(h) }, ...line]);
    pos = end;
    while (pos < cs.length && cs[pos]!.ch === ' ' && end < cs.length) pos++;
    first = false;
  }
  return out;
}

/** A line of text with the character range [a, b) emphasised (the part a rule matched). */
export function highlighted(text: string, range: [number, number] | undefined, base: Style | undefined, hl: Style): Line {
  if (!range || range[0] < 0 || range[1] > text.length || range[0] >= range[1]) return [seg(text, base)];
  const [a, b] = range;
  return [seg(text.slice(0, a), base), seg(text.slice(a, b), hl), seg(text.slice(b), base)].filter((s) => s.text !== '');
}

export function padRight(l: Line, width: number): Line {
  const n = chars(l).length;
  return n >= width ? l : [...l, seg(' '.repeat(width - n))];
}

export const plural = (n: number, word: string, many = `${word}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;
