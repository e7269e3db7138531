// The yaml package, loaded the first time something is parsed: importing it costs ~45 ms of start-up,
// which a scan of a journal alone (or `rules`, whose built-in YAML is pre-parsed) does not need.

import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');
let lib: Yaml | undefined;

export function yaml(): Yaml {
  return (lib ??= createRequire(import.meta.url)('yaml') as Yaml);
}

/** Parse YAML text (aliases bounded, duplicate keys rejected); errors name the file and say what is wrong. */
export function parseYamlSafe(text: string, file: string): unknown {
  try {
    return yaml().parse(text, { maxAliasCount: 100, prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    throw new Error(`${file}: invalid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}
