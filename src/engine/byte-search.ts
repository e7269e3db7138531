// Multi-literal search over raw bytes, case-insensitive for ASCII: the byte fast path's prefilter
// (engine/fast-path.ts), and the gram indexing it shares with the matcher's line gate (engine/matcher.ts).

/**
 * The longest ASCII run (≥ 4 bytes) of a literal: without the `u` flag JavaScript's case-insensitive
 * matching never folds a non-ASCII character to an ASCII one, so ASCII bytes can be compared on the raw,
 * undecoded input. Control characters are excluded (the parser rewrites `#011` to a tab).
 */
export function asciiLiteral(lit: string): string | undefined {
  let best = '';
  for (const run of lit.split(/[^\x20-\x7e]+/)) if (run.length > best.length) best = run;
  return best.length >= 4 ? best.toLowerCase() : undefined;
}

const LOWER = new Uint8Array(256);
for (let i = 0; i < 256; i++) LOWER[i] = i >= 65 && i <= 90 ? i + 32 : i;
const TABLE_BITS = 16;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const TABLE_SHIFT = 32 - TABLE_BITS;
export const HASH_MUL = 0x9e3779b1;
const FOLD = 0x20202020; // ASCII letters to lower case; other bytes may collide, which verification sorts out

function gramKey(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24) | FOLD) >>> 0;
}
function gramSlot(key: number): number {
  return Math.imul(key, HASH_MUL) >>> TABLE_SHIFT;
}

/**
 * Multi-literal search over raw bytes, case-insensitive for ASCII: the prefilter of the streaming scan.
 * V8 has no Aho-Corasick, and a regex alternation of many literals tests nearly every position, so this
 * hashes 4-byte grams instead: each literal contributes `stride` consecutive grams (its rarest window,
 * judged on a sample of the input), and the scan tests one position in `stride` — any occurrence of a
 * literal covers one tested position. Candidates are verified byte by byte.
 */
export class LiteralScanner {
  readonly stride: number;
  private readonly table = new Uint16Array(1 << TABLE_BITS);
  /** Per table slot (index − 1): [literal index, gram offset] pairs. */
  private readonly buckets: number[][] = [];
  private readonly lits: Uint8Array[];

  constructor(literals: string[], sample?: Uint8Array) {
    this.lits = literals.map((l) => Buffer.from(l.toLowerCase(), 'latin1'));
    const minLen = Math.min(...this.lits.map((l) => l.length));
    if (!(minLen >= 4)) throw new Error('LiteralScanner needs literals of at least 4 bytes');
    this.stride = Math.max(1, Math.min(4, minLen - 3));
    // gram frequencies in the sample (folded keys, hashed)
    const freq = new Uint32Array(1 << TABLE_BITS);
    if (sample) for (let i = 0; i + 3 < sample.length; i++) freq[gramSlot(gramKey(sample, i))]!++;
    // a small input is scanned in no time whatever the windows: do not spend start-up time choosing them
    const choose = !!sample && sample.length >= 64 * 1024;
    indexGrams(this.lits, this.stride, choose ? freq : undefined, (lit, k) => gramSlot(gramKey(lit, k)), this.table, this.buckets);
  }

  /**
   * Find lines of buf[start, end) holding a literal. Pushes the start offset of each literal found, at
   * most one per line (after a hit the scan resumes at the next line). `end` must be a line boundary.
   */
  scan(buf: Uint8Array, start: number, end: number, out: number[]): void {
    if (this.stride === 4 && LITTLE_ENDIAN && buf.byteOffset % 4 === 0) return this.scanAligned(buf, start, end, out);
    const table = this.table;
    const stride = this.stride;
    const last = end - 4;
    let i = start;
    while (i <= last) {
      const b = table[Math.imul((buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24) | FOLD) >>> 0, HASH_MUL) >>> TABLE_SHIFT]!;
      if (b !== 0) {
        const at = this.verify(buf, i, start, end, b - 1);
        if (at >= 0) {
          out.push(at);
          const nl = indexOfByte(buf, 10, i, end);
          if (nl < 0) return;
          i = nl + 1;
          continue;
        }
      }
      i += stride;
    }
  }

  /** stride 4 on a 4-aligned buffer: one 32-bit load per tested position. */
  private scanAligned(buf: Uint8Array, start: number, end: number, out: number[]): void {
    const table = this.table;
    const words = new Int32Array(buf.buffer, buf.byteOffset, buf.length >> 2);
    let w = (start + 3) >> 2;
    const lastWord = (end - 4) >> 2;
    // the unaligned head (< 4 positions) is tested byte-wise
    for (let i = start; i < w << 2 && i <= end - 4; i++) {
      const b = table[gramSlot(gramKey(buf, i))]!;
      if (b !== 0) {
        const at = this.verify(buf, i, start, end, b - 1);
        if (at >= 0) {
          out.push(at);
          const nl = indexOfByte(buf, 10, i, end);
          if (nl < 0) return;
          w = (nl + 4) >> 2;
          break;
        }
      }
    }
    while (w <= lastWord) {
      const b = table[Math.imul(words[w]! | FOLD, HASH_MUL) >>> TABLE_SHIFT]!;
      if (b !== 0) {
        const i = w << 2;
        const at = this.verify(buf, i, start, end, b - 1);
        if (at >= 0) {
          out.push(at);
          const nl = indexOfByte(buf, 10, i, end);
          if (nl < 0) return;
          w = (nl + 4) >> 2; // the first aligned position after the newline
          continue;
        }
      }
      w++;
    }
  }

  private verify(buf: Uint8Array, i: number, start: number, end: number, bucket: number): number {
    const list = this.buckets[bucket]!;
    for (let j = 0; j < list.length; j += 2) {
      const lit = this.lits[list[j]!]!;
      const p = i - list[j + 1]!;
      if (p < start || p + lit.length > end) continue;
      let k = 0;
      while (k < lit.length && LOWER[buf[p + k]!] === lit[k]) k++;
      if (k === lit.length) return p;
    }
    return -1;
  }
}

function indexOfByte(buf: Uint8Array, byte: number, from: number, end: number): number {
  const i = (buf as Buffer).indexOf(byte, from);
  return i < 0 || i >= end ? -1 : i;
}

/**
 * Index each literal by `stride` consecutive grams: the window whose grams are rarest in `freq` (the
 * sample's gram counts), or the first window without a sample. Fills `table` (slot → bucket number,
 * 1-based; 0 = empty) and `buckets` ([literal index, gram offset] pairs).
 */
export function indexGrams(
  lits: Uint8Array[],
  stride: number,
  freq: Uint32Array | undefined,
  slotOf: (lit: Uint8Array, at: number) => number,
  table: { [slot: number]: number },
  buckets: number[][],
): void {
  lits.forEach((lit, li) => {
    let best = 0;
    let bestCost = Infinity;
    for (let o = 0; freq && o + stride <= lit.length - 3; o++) {
      let cost = 0;
      for (let k = o; k < o + stride; k++) cost += freq[slotOf(lit, k)]!;
      if (cost < bestCost) {
        bestCost = cost;
        best = o;
      }
    }
    for (let k = best; k < best + stride; k++) {
      const slot = slotOf(lit, k);
      let b = table[slot]!;
      if (b === 0) {
        buckets.push([]);
        b = buckets.length;
        table[slot] = b;
      }
      buckets[b - 1]!.push(li, k);
    }
  });
}
