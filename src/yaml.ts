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
 * wrong. Warnings (an unsupported `%YAML 1.3`, an unknown tag) never reach process warnings (stderr): they
 * go to `warnings` as problem lines of the source.
 */
export function parseYamlSafe(text: string, file: string, warnings?: string[]): unknown {
  let doc: ReturnType<Yaml['parseDocument']>;
  try {
    doc = yaml().parseDocument(text, { prettyErrors: true, uniqueKeys: true, logLevel: 'silent' });
  } catch (e) {
    throw new Error(`${file}: invalid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const err = doc.errors[0];
  if (err) throw new Error(yamlProblem(file, err, 'invalid YAML: '));
  for (const w of doc.warnings) warnings?.push(yamlProblem(file, w));
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new Error(`${file}: invalid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}
