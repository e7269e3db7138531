// "Did you mean": the known name nearest to a word that is not one (an --ignore id, a rule's setting or field).

/** Edit distance (insert, delete, substitute), for "did you mean". */
export function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The known name nearest to `word`, when it is near enough to be a typo (or contains it). */
export function nearest(word: string, known: readonly string[]): string | undefined {
  let best: { id: string; d: number } | undefined;
  for (const id of known) {
    const d = id.includes(word) || word.includes(id) ? Math.abs(id.length - word.length) / 2 : distance(word, id);
    if (!best || d < best.d) best = { id, d };
  }
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? best.id : undefined;
}
