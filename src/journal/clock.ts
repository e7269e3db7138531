// Clock text of journal and klog timestamps → milliseconds (by hand: it runs on every examined line).

/** `hh:mm:ss[.fraction]` → ms into the day (by hand: it runs on every examined line); NaN when malformed. */
export function clockMs(clock: string): number {
  const h = two(clock, 0);
  const m = two(clock, 3);
  const s = two(clock, 6);
  let ms = 0;
  if (clock.length > 9) {
    // the first three fraction digits, padded (`.5` is 500 ms); any other character makes it NaN
    if (clock.charCodeAt(8) !== 46) return NaN;
    for (let i = 9; i < 12; i++) {
      const d = i < clock.length ? clock.charCodeAt(i) - 48 : 0;
      if (d < 0 || d > 9) return NaN;
      ms = ms * 10 + d;
    }
    for (let i = 12; i < clock.length; i++) {
      const d = clock.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return NaN;
    }
  } else if (clock.length === 9) return NaN;
  return ((h * 60 + m) * 60 + s) * 1000 + ms;
}

function two(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

