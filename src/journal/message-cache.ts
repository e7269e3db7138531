// A bounded memo keyed by message text, for the outcomes the scan computes per message (the matcher's
// verdict, the structured fields, the run tracker's facts). A broken node repeats its messages; but a
// third of a dense journal's messages are seen once (a pod UID, a time in the text), and remembering those
// only churns the cache: every entry survives a young-generation collection, is copied and promoted, and
// the cache's clear-when-full then drops the repeated ones too. So an entry is admitted on a message's
// second sighting: a small table of sketches of recently seen messages is the doorkeeper.

/** Doorkeeper slots (a power of two): a sketch per slot, overwritten on collision. */
const DOOR_BITS = 12;

/**
 * A cheap sketch of a string: its length and a few characters across it. Two messages with the same sketch
 * only mean one is admitted a sighting early (harmless); the cache itself compares whole strings.
 */
function sketch(s: string): number {
  const n = s.length;
  let h = Math.imul(n, 0x9e3779b1);
  if (n > 0) {
    const step = n > 16 ? n >> 4 : 1;
    for (let i = n - 1, k = 0; i >= 0 && k < 16; i -= step, k++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  return h | 1; // never 0: 0 marks an empty slot
}

export class MessageCache<V> {
  private readonly map = new Map<string, V>();
  private readonly door = new Int32Array(1 << DOOR_BITS);

  constructor(
    private readonly entries: number,
    /** longer keys are never remembered (their hashing and their copies cost more than a match) */
    readonly maxChars: number,
  ) {}

  get(key: string): V | undefined {
    return key.length > this.maxChars ? undefined : this.map.get(key);
  }

  /** Remember `value` for `key` if this is its second sighting (or a sketch collision); clears when full. */
  set(key: string, value: V): void {
    if (key.length > this.maxChars) return;
    const h = sketch(key);
    const slot = h & ((1 << DOOR_BITS) - 1);
    if (this.door[slot] !== h) {
      this.door[slot] = h;
      return;
    }
    if (this.map.size >= this.entries) this.map.clear();
    this.map.set(key, value);
  }

  get size(): number {
    return this.map.size;
  }
}
