// systemd unit files as systemd reads them: sections, `Key=value` directives with `\` continuations,
// comments, quoting for Environment=/ExecStart=, EnvironmentFile= syntax, and $VAR / ${VAR} expansion
// that keeps, for every resulting word, the file and line it came from.
//
// It also spots the classic broken unit: a line inside ExecStart= that lacks its trailing `\`. systemd
// then ends ExecStart= there and reads the following lines as directives of their own — e.g.
// `--allow-privileged=true \` becomes the key `--allow-privileged` — and logs
// `kubelet.service:NN: Unknown key '--allow-privileged' in section [Service], ignoring.` The kubelet
// silently runs without every flag after the break.

export interface UnitDirective {
  /** Path on the node. */
  file: string;
  display: string;
  section: string;
  key: string;
  value: string;
  line: number;
  endLine: number;
  /** Physical lines of the directive (for mapping words back to lines). */
  lines: { line: number; text: string }[];
}

export interface UnitProblem {
  kind: 'bogus-directive' | 'missing-equals' | 'env-file-missing' | 'unreadable';
  file: string;
  display: string;
  line: number;
  endLine: number;
  /** The offending text (first physical line). */
  text: string;
  message: string;
  /** The directive that was cut short (the line missing its `\`). */
  cutAfter?: { key: string; line: number; text: string };
  /** Command-line arguments systemd never passes because of the cut. */
  lostArgs?: string[];
}

const KEY = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Parse one unit file (or drop-in) into directives; problems for lines systemd would reject. */
export function parseUnit(text: string, file: string, display: string): { directives: UnitDirective[]; problems: UnitProblem[] } {
  const directives: UnitDirective[] = [];
  const problems: UnitProblem[] = [];
  const phys = text.split('\n').map((t) => t.replace(/\r$/, ''));
  let section = '';
  let i = 0;
  while (i < phys.length) {
    const startIdx = i;
    let t = phys[i]!;
    const trimmed = t.trim();
    i++;
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
      section = trimmed.slice(1, -1);
      continue;
    }
    // gather continuation lines: a trailing backslash joins the next line (comment lines inside are skipped)
    const lines = [{ line: startIdx + 1, text: t }];
    // only the line last joined is looked at: testing the whole joined text made many continuations quadratic
    const parts = [t];
    let last = t;
    while (i < phys.length) {
      const end = last.trimEnd();
      if (!end.endsWith('\\')) break;
      parts[parts.length - 1] = `${end.slice(0, -1)} `;
      const next = phys[i]!;
      i++;
      if (/^\s*[#;]/.test(next)) {
        last = '';
        continue;
      }
      lines.push({ line: i, text: next });
      parts.push(next);
      last = next;
    }
    const joined = parts.join('');
    const endLine = lines[lines.length - 1]!.line;
    const eq = joined.indexOf('=');
    const key = eq >= 0 ? joined.slice(0, eq).trim() : '';
    const prev = directives[directives.length - 1];
    if (eq < 0 || !KEY.test(key)) {
      const looksLikeArg = /^\s*-/.test(joined) || (prev && /^Exec/.test(prev.key));
      const args = splitWords(joined.replace(/\\\s*$/, '')).filter((w) => w.startsWith('-'));
      const cut = prev && /^Exec/.test(prev.key) && prev.section === section && looksLikeArg ? prev : undefined;
      const sysMsg =
        eq < 0 ? `Missing '=', ignoring line.` : `Unknown key '${key}' in section [${section}], ignoring.`;
      problems.push({
        kind: eq < 0 ? 'missing-equals' : 'bogus-directive',
        file,
        display,
        line: startIdx + 1,
        endLine,
        text: t.trim(),
        message: `${display}:${endLine}: systemd reads this as a directive of its own (${sysMsg})${
          cut ? ` because ${cut.key}= ended at line ${cut.endLine}, which has no trailing "\\"` : ''
        }`,
        ...(cut ? { cutAfter: { key: cut.key, line: cut.endLine, text: cut.lines[cut.lines.length - 1]!.text.trim() }, lostArgs: args } : {}),
      });
      continue;
    }
    directives.push({ file, display, section, key, value: joined.slice(eq + 1).trim(), line: startIdx + 1, endLine, lines });
  }
  return { directives, problems };
}

/** Split a command line / assignment list the way systemd does (quotes, backslash escapes). */
export function splitWords(s: string): string[] {
  return splitWordsAt(s).map((w) => w.word);
}

/** Like splitWords, with each word's start offset in `s`. */
export function splitWordsAt(s: string): { word: string; at: number; quoted: boolean }[] {
  const out: { word: string; at: number; quoted: boolean }[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) break;
    const at = i;
    let w = '';
    let quoted = false;
    while (i < s.length && !/\s/.test(s[i]!)) {
      const c = s[i]!;
      if (c === '"' || c === "'") {
        quoted = true;
        const close = s.indexOf(c, i + 1);
        const end = close < 0 ? s.length : close;
        w += s.slice(i + 1, end).replace(/\\(["'\\])/g, '$1');
        i = end + 1;
      } else if (c === '\\' && i + 1 < s.length) {
        w += s[i + 1];
        i += 2;
      } else {
        w += c;
        i++;
      }
    }
    out.push({ word: w, at, quoted });
  }
  return out;
}

export interface EnvValue {
  value: string;
  file: string;
  display: string;
  line: number;
}

/** `Environment=` assignments (`"A=b c" D=e`). */
export function parseEnvironmentDirective(d: UnitDirective): Map<string, EnvValue> {
  const out = new Map<string, EnvValue>();
  for (const w of splitWords(d.value)) {
    const eq = w.indexOf('=');
    if (eq <= 0) continue;
    out.set(w.slice(0, eq), { value: w.slice(eq + 1), file: d.file, display: d.display, line: d.line });
  }
  return out;
}

/** An EnvironmentFile (`KEY=value` lines, `#`/`;` comments, optional quotes, `\` continuation). */
export function parseEnvironmentFile(text: string, file: string, display: string): Map<string, EnvValue> {
  const out = new Map<string, EnvValue>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let part = lines[i]!.replace(/\r$/, '');
    const parts: string[] = [];
    // the last part alone is looked at and cut (re-slicing the joined text made many continuations quadratic)
    while (part.endsWith('\\') && i + 1 < lines.length) {
      parts.push(part.slice(0, -1));
      part = lines[++i]!.replace(/\r$/, '');
    }
    parts.push(part);
    const l = parts.join('');
    const t = l.trim();
    if (t === '' || t.startsWith('#') || t.startsWith(';')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(t);
    if (!m) continue;
    let v = m[2]!.trim();
    if ((v.startsWith('"') && v.endsWith('"') && v.length >= 2) || (v.startsWith("'") && v.endsWith("'") && v.length >= 2)) v = v.slice(1, -1);
    out.set(m[1]!, { value: v, file, display, line: start + 1 });
  }
  return out;
}

export interface Word {
  word: string;
  /** Where the word came from: the ExecStart line, or the line defining the variable it expanded from. */
  display: string;
  file: string;
  line: number;
  via?: string;
}

/**
 * Expand an ExecStart= command line into words with their sources. `$VAR` as a whole word splits the
 * variable's value into words; `${VAR}` substitutes in place (one word), as systemd does.
 */
export function expandCommand(d: UnitDirective, env: Map<string, EnvValue>): Word[] {
  // map offsets of the joined value back to physical lines
  const offsets: { start: number; line: number }[] = [];
  {
    let acc = '';
    const first = d.lines[0]!;
    const eq = first.text.indexOf('=');
    const seg0 = first.text.slice(eq + 1);
    offsets.push({ start: 0, line: first.line });
    acc = seg0;
    for (const l of d.lines.slice(1)) {
      acc = acc.replace(/\\\s*$/, ' ');
      offsets.push({ start: acc.length, line: l.line });
      acc += l.text;
    }
    d = { ...d, value: acc };
  }
  const lineAt = (at: number) => {
    let line = offsets[0]!.line;
    for (const o of offsets) if (o.start <= at) line = o.line;
    return line;
  };
  const out: Word[] = [];
  for (const { word, at, quoted } of splitWordsAt(d.value)) {
    const line = lineAt(at);
    const whole = !quoted ? /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(word) : null;
    if (whole) {
      const v = env.get(whole[1]!);
      if (v) for (const w of splitWords(v.value)) out.push({ word: w, display: v.display, file: v.file, line: v.line, via: whole[1] });
      continue;
    }
    let via: string | undefined;
    let src: EnvValue | undefined;
    const w = word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a: string | undefined, b: string | undefined) => {
      const name = (a ?? b)!;
      const v = env.get(name);
      via = name;
      src = v;
      return v?.value ?? '';
    });
    if (w === '' && word !== '') continue;
    // a word that is entirely one ${VAR} is cited at the variable's definition
    if (src && /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(word)) {
      const s = src as EnvValue;
      out.push({ word: w, display: s.display, file: s.file, line: s.line, via });
    } else out.push({ word: w, display: d.display, file: d.file, line, ...(via ? { via } : {}) });
  }
  return out;
}
