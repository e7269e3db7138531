// The yaml package, loaded the first time something is parsed: importing it costs ~45 ms of start-up,
// which a scan of a journal alone (or `rules`, whose built-in YAML is pre-parsed) does not need.

import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');
let lib: Yaml | undefined;

export function yaml(): Yaml {
  return (lib ??= createRequire(import.meta.url)('yaml') as Yaml);
}

/** One YAML error or warning as a problem line of its source: `file:line: message` (no code frame). */
export function yamlProblem(file: string, e: YamlIssue, kind = ''): string {
  const where = e.linePos?.[0] ? `:${e.linePos[0].line}` : '';
  // prettyErrors appends " at line N, column M:" and a code frame: the line is in `where` already
  const what = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').replace(/[:\s]+$/, '');
  return `${file}${where}: ${kind}${what}`;
}

interface YamlIssue {
  message: string;
  linePos?: [{ line: number; col: number }] | [{ line: number; col: number }, { line: number; col: number }];
}

/**
 * Parse YAML text (aliases bounded, duplicate keys rejected); errors name the file and line and say what is
 * wrong. Linear in the text (issue 12): the library's own unique-key check compares every key with every
 * other (40,000 keys took minutes), and a text of stray `]` made it build one error per bracket; a lexer pass
 * stops at the first stray flow end and duplicate keys are found with one set per mapping. Warnings (an unsupported `%YAML 1.3`, an unknown tag) never reach process warnings (stderr): they
 * go to `warnings` as problem lines of the source.
 */
export function parseYamlSafe(text: string, file: string, warnings?: string[]): unknown {
  let doc: ReturnType<Yaml['parseDocument']>;
  try {
    strayFlowEnd(text, file);
    // uniqueKeys off: the library compares every key with every other (duplicateKey below is linear)
    doc = yaml().parseDocument(text, { prettyErrors: true, uniqueKeys: false, logLevel: 'silent' });
  } catch (e) {
    const m = (e as Error).message.split('\n')[0]!;
    throw new Error(m.startsWith(`${file}:`) ? m : `${file}: invalid YAML: ${m}`);
  }
  const err = doc.errors[0];
  if (err) throw new Error(yamlProblem(file, err, 'invalid YAML: '));
  duplicateKey(doc.contents, text, file);
  for (const w of doc.warnings) warnings?.push(yamlProblem(file, w));
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new Error(`${file}: invalid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}

const lineAt = (text: string, offset: number): number => {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
};

/** A `]` or `}` that closes nothing: the first one is the error (the library would report every one). */
function strayFlowEnd(text: string, file: string): void {
  if (!text.includes(']') && !text.includes('}')) return;
  let depth = 0;
  let offset = 0;
  for (const tok of new (yaml().Lexer)().lex(text)) {
    if (tok === '[' || tok === '{') depth++;
    else if (tok === ']' || tok === '}') {
      if (--depth < 0) throw new Error(`${file}:${lineAt(text, offset)}: invalid YAML: unexpected "${tok}" (it closes no flow collection)`);
    }
    // the lexer's own control tokens (document start, scalar, flow end) are not source text
    if (tok !== '\x02' && tok !== '\x1f' && tok !== '\x18') offset += tok.length;
  }
}

/** The first key a mapping holds twice (scalar keys; the library's check is quadratic). */
function duplicateKey(node: unknown, text: string, file: string): void {
  const { isMap, isSeq, isScalar, isPair } = yaml();
  const stack: unknown[] = [node];
  while (stack.length) {
    const n = stack.pop();
    if (isMap(n)) {
      const seen = new Set<string>();
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const k = pair.key;
        const key = isScalar(k) ? `s:${String(k.value)}` : k === null ? 's:null' : undefined;
        if (key !== undefined) {
          if (seen.has(key)) throw new Error(`${file}:${lineAt(text, (isScalar(k) && k.range?.[0]) || 0)}: invalid YAML: Map keys must be unique: "${String(isScalar(k) ? k.value : k).slice(0, 80)}"`);
          seen.add(key);
        } else stack.push(k);
        stack.push(pair.value);
      }
    } else if (isSeq(n)) stack.push(...n.items);
  }
}

/**
 * The line a field of a YAML document is on (`match.setting[0].equals`), or of its nearest parent that is
 * there (a missing field is reported where it belongs); undefined when the text does not parse.
 */
export function lineOfField(text: string, field: string): number | undefined {
  const path: (string | number)[] = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) path.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  const { isMap, isSeq, isPair, isScalar, parseDocument } = yaml();
  const doc = parseDocument(text, { uniqueKeys: false, logLevel: 'silent' });
  if (doc.errors.length) return undefined;
  let node: unknown = doc.contents;
  let offset = (doc.contents as { range?: [number] } | null)?.range?.[0];
  for (const key of path) {
    let next: unknown;
    let at: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
      if (pair) {
        next = pair.value;
        at = (pair.key as { range?: [number] }).range?.[0];
      }
    } else if (isSeq(node) && typeof key === 'number') {
      next = node.items[key];
      at = (next as { range?: [number] } | undefined)?.range?.[0];
    }
    if (at === undefined) break;
    node = next;
    offset = at;
  }
  return offset === undefined ? undefined : lineAt(text, offset);
}
