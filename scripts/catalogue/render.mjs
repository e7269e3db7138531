// Render a sample message from a harvested format string the way the kubelet prints it (the message after
// the klog header): printf verbs filled with plausible values, structured calls as klog's printS writes
// them — the Go-quoted message, then err="…" first, then key="value" pairs. Shared by the catalogue
// builder and test/catalogue.test.ts, so both judge the same text.

const DEFAULTS = { v: 'example', s: 'example', q: '"example"', d: '42', w: 'example error', t: 'true', f: '1.5', g: '1.5', x: '2a', T: 'string', c: 'c', o: '17', e: '1.5e+00', b: '101', U: 'U+0041', p: '0xc000010000' };

/** Go's %q / strconv.Quote for the characters a sample holds. */
export function goQuote(s) {
  return JSON.stringify(String(s));
}

/** Fill a printf format; `args` replaces the verbs' values in order (a string each, exactly as printed). */
export function renderPrintf(format, args = []) {
  let i = 0;
  return format.replace(/%(?:\[(\d+)\])?([-+# 0]*)(\d+|\*)?(?:\.(\d+|\*))?([a-zA-Z%])/g, (m, idx, _flags, _w, _p, verb) => {
    if (verb === '%') return '%';
    const n = idx ? Number(idx) - 1 : i++;
    // given values are as printed (a %q value carries its quotes: Go quotes a string, not a CgroupName)
    if (args[n] !== undefined) return String(args[n]);
    return DEFAULTS[verb] ?? 'example';
  });
}

/**
 * The message text of one wording as a node prints it. `sample` (from the assignment) may give
 * `args` (printf values), `err` (the error of an ErrorS), `values` (key → value) or the whole `text`.
 */
export function renderSample(w, sample = {}) {
  if (sample.text) return sample.text;
  // `within`: the wording as it reaches the log, inside the error that wraps it (%s marks the place)
  if (sample.within) return sample.within.replace('%s', () => renderSample(w, { ...sample, within: undefined }));
  if (w.style === 'structured') {
    let out = goQuote(w.format);
    if (w.hasErr) out += ` err=${goQuote(sample.err ?? 'example error')}`;
    for (const k of w.keys ?? []) {
      if (k === '?') continue;
      out += ` ${k}=${goQuote(sample.values?.[k] ?? 'example')}`;
    }
    return out;
  }
  return renderPrintf(w.format, sample.args);
}

/** Compress a list of minors ("1.10", "1.11", …) into ranges over the harvested releases. */
export function versionRange(list, all) {
  const idx = list.map((v) => all.indexOf(v)).filter((i) => i >= 0).sort((a, b) => a - b);
  const runs = [];
  for (const i of idx) {
    const last = runs[runs.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  }
  return runs
    .map(([a, b]) => {
      const lo = all[a];
      const hi = all[b + 1];
      if (!hi) return `>=${lo}`;
      if (a === b) return lo;
      return `>=${lo} <${hi}`;
    })
    .join(', ');
}
