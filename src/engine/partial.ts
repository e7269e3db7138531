// Matching lines that were cut short (journalctl's `…` at the terminal width, `systemctl status`'s ellipsis,
// a pager's `>`, a truncated JSON line): the line's text must END INSIDE a match of the pattern. From a
// pattern's source this builds a regex for exactly the prefixes of its matches, anchored at the end of the
// text: P(x y) = x P(y) | P(x), P(x|y) = P(x) | P(y), P(x{a,b}) = x{0,b-1} P(x), P(char) = char?. Lookarounds
// and word boundaries at the cut cannot be judged and are dropped there; capture groups become plain groups.
// The matcher accepts such a match only when the part that survived holds one of the pattern's required
// literals (its identifying phrase) — see docs for rule authors in README "Writing rules".

type Item =
  | { kind: 'char'; src: string; q: Quant }
  | { kind: 'assert'; src: string }
  | { kind: 'look'; open: string; inner: Item[][] }
  | { kind: 'group'; inner: Item[][]; q: Quant };

interface Quant {
  src: string;
  min: number;
  max: number; // Infinity when unbounded
}

const ONE: Quant = { src: '', min: 1, max: 1 };
// the longest built-in pattern (config-validation-failed, with its field list) is ~1,700 characters
const MAX_SOURCE = 4000;

class Unsupported extends Error {}

function parse(source: string): Item[][] {
  let i = 0;
  const alternation = (): Item[][] => {
    const branches: Item[][] = [sequence()];
    while (source[i] === '|') {
      i++;
      branches.push(sequence());
    }
    return branches;
  };
  const quant = (): Quant => {
    const c = source[i];
    let q: Quant | undefined;
    if (c === '*') q = { src: '*', min: 0, max: Infinity };
    else if (c === '+') q = { src: '+', min: 1, max: Infinity };
    else if (c === '?') q = { src: '?', min: 0, max: 1 };
    else if (c === '{') {
      const m = /^\{(\d+)(,?)(\d*)\}/.exec(source.slice(i));
      if (!m) return ONE;
      const min = Number(m[1]);
      q = { src: m[0], min, max: m[2] ? (m[3] ? Number(m[3]) : Infinity) : min };
      i += m[0].length - 1;
    }
    if (!q) return ONE;
    i++;
    if (source[i] === '?') {
      q.src += '?';
      i++;
    }
    return q;
  };
  const sequence = (): Item[] => {
    const items: Item[] = [];
    while (i < source.length && source[i] !== '|' && source[i] !== ')') {
      const c = source[i]!;
      if (c === '(') {
        i++;
        let open = '(?:';
        let look = false;
        if (source[i] === '?') {
          const rest = source.slice(i, i + 3);
          if (rest.startsWith('?:')) i += 2;
          else if (rest.startsWith('?=') || rest.startsWith('?!')) {
            open = `(${rest.slice(0, 2)}`;
            look = true;
            i += 2;
          } else if (rest === '?<=' || rest === '?<!') {
            open = `(${rest}`;
            look = true;
            i += 3;
          } else if (rest.startsWith('?<')) i = source.indexOf('>', i) + 1;
          else throw new Unsupported('group syntax');
        }
        const inner = alternation();
        if (source[i] !== ')') throw new Unsupported('unbalanced');
        i++;
        if (look) items.push({ kind: 'look', open, inner });
        else items.push({ kind: 'group', inner, q: quant() });
      } else if (c === '[') {
        const start = i;
        i++;
        if (source[i] === '^') i++;
        if (source[i] === ']') i++;
        while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
        i++;
        items.push({ kind: 'char', src: source.slice(start, i), q: quant() });
      } else if (c === '\\') {
        const nx = source[i + 1] ?? '';
        if (/[1-9k]/.test(nx)) throw new Unsupported('backreference');
        let len = 2;
        if (nx === 'x') len = 4;
        else if (nx === 'u') len = source[i + 2] === '{' ? source.indexOf('}', i) + 1 - i : 6;
        else if (nx === 'c') len = 3;
        else if ((nx === 'p' || nx === 'P') && source[i + 2] === '{') len = source.indexOf('}', i) + 1 - i;
        const src = source.slice(i, i + len);
        i += len;
        if (nx === 'b' || nx === 'B') items.push({ kind: 'assert', src });
        else items.push({ kind: 'char', src, q: quant() });
      } else if (c === '^' || c === '$') {
        i++;
        items.push({ kind: 'assert', src: c });
      } else {
        i++;
        items.push({ kind: 'char', src: c, q: quant() });
      }
    }
    return items;
  };
  const r = alternation();
  if (i !== source.length) throw new Unsupported('unbalanced');
  return r;
}

const full = (alts: Item[][]): string => alts.map((seq) => seq.map(fullItem).join('')).join('|');

function fullItem(it: Item): string {
  switch (it.kind) {
    case 'char':
      return it.src + it.q.src;
    case 'assert':
      return it.src;
    case 'look':
      return `${it.open}${full(it.inner)})`;
    case 'group':
      return `(?:${full(it.inner)})${it.q.src}`;
  }
}

/** Does the item's full form hold a quantifier (nesting it in another would backtrack badly)? */
function quantified(alts: Item[][]): boolean {
  return alts.some((seq) => seq.some((it) => (it.kind === 'char' && it.q !== ONE) || (it.kind === 'group' && (it.q !== ONE || quantified(it.inner)))));
}

const partialAlt = (alts: Item[][]): string => (alts.length === 1 ? partialSeq(alts[0]!, 0) : `(?:${alts.map((s) => partialSeq(s, 0)).join('|')})`);

/** Prefixes of the matches of seq[k..]: the whole of seq[k] then a prefix of the rest, or a prefix of seq[k]. */
function partialSeq(seq: Item[], k: number): string {
  if (k >= seq.length) return '';
  const it = seq[k]!;
  const rest = partialSeq(seq, k + 1);
  const head = partialItem(it);
  if (k + 1 >= seq.length) return head;
  return `(?:${fullItem(it)}${rest}|${head})`;
}

function partialItem(it: Item): string {
  switch (it.kind) {
    case 'assert':
      return it.src === '^' ? '^' : '';
    case 'look':
      return '';
    case 'char': {
      const { min, max } = it.q;
      void min;
      if (max === Infinity) return `${it.src}*`;
      return `${it.src}{0,${max}}`;
    }
    case 'group': {
      const { max } = it.q;
      const inner = partialAlt(it.inner);
      if (max === 1) return `(?:${inner})`;
      const f = `(?:${full(it.inner)})`;
      if (max === Infinity) return `${quantified(it.inner) ? `${f}?` : `${f}*`}(?:${inner})`;
      return `${f}{0,${max - 1}}(?:${inner})`;
    }
  }
}

/**
 * A case-insensitive regex matching the texts that END inside a match of `source` (see the header), or
 * undefined when the pattern uses syntax this does not follow (backreferences, unknown group syntax).
 */
/**
 * A branch without what leads it and matches anything (`^`, a lookaround, `.*?`): the partial regex is not
 * anchored at its start, so they change nothing about which texts match, but left in they would make every
 * match start at 0 — and the matcher's check that an identifying literal survived INSIDE the match would then
 * be met by any literal anywhere in the line (`.*?open /dev/kmsg: (no such file…)` on a line ending in
 * `Reconnecting...` that said `no such file` about another socket).
 */
function meaningfulStart(branch: Item[]): Item[] {
  let i = 0;
  const leads = (it: Item) => it.kind === 'assert' || it.kind === 'look' || (it.kind === 'char' && it.src === '.' && it.q.min === 0 && it.q.max === Infinity);
  while (i < branch.length - 1 && leads(branch[i]!)) i++;
  return i ? branch.slice(i) : branch;
}

export function partialPattern(source: string): RegExp | undefined {
  if (source.length > MAX_SOURCE) return undefined;
  try {
    return new RegExp(`(?:${partialAlt(parse(source).map(meaningfulStart))})$`, 'i');
  } catch {
    return undefined;
  }
}

/**
 * Where a line was cut, or -1 when it does not look cut: journalctl/systemctl's `…` (at the end, or the
 * first one inside the text when systemctl ellipsised the middle), `...` at the end, a pager's `>` in the
 * last column. `truncated`: the parser knew it was cut (a JSON line or quoted value ended early).
 */
export function cutAt(text: string, truncated: boolean): number {
  const ell = text.indexOf('\u2026');
  if (ell >= 0) return ell;
  const n = text.length;
  if (n > 3 && text.endsWith('...')) return n - 3;
  // a pager's `>` — not the end of a `<nil>`-like token or of a `key=<` block
  if (n > 1 && text.charCodeAt(n - 1) === 62 /* > */ && !/[\s<=-]/.test(text[n - 2]!) && text.lastIndexOf('<') <= text.lastIndexOf(' ')) return n - 1;
  return truncated ? n : -1;
}
