// One CNI network configuration file, checked the way libcni loads it: `.conflist` needs `name`
// and `plugins[]` (each with `type`), `.conf`/`.json` needs `type`; every file should carry
// `cniVersion`. JSON syntax errors are reported at file:line:column.

import type { Citation } from '../types.js';
import { parseJsonAt } from './strict-json.js';

export const CNI_EXTENSIONS = ['.conf', '.conflist', '.json'];

export interface CniFile {
  /** Shown path (relative to --root for a captured tree). */
  path: string;
  /** Path on the node (for commands). */
  nodePath?: string;
  name: string;
  kind: 'conflist' | 'conf';
  /** Parsed and complete enough for libcni to load it. */
  valid: boolean;
  /** JSON syntax error, if any. */
  syntax?: { line: number; column: number; message: string; text: string };
  cniVersion?: string;
  networkName?: string;
  /** Plugin types in order (conflist `plugins[].type`, conf `type`). */
  types: string[];
  /** What is wrong with it (missing keys, bad types), said plainly. */
  problems: string[];
  /** Citation for the problem (syntax error line, or the file). */
  cite: Citation;
}

export function checkCniFile(path: string, text: string): CniFile {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const kind: CniFile['kind'] = name.endsWith('.conflist') ? 'conflist' : 'conf';
  const base: CniFile = { path, name, kind, valid: false, types: [], problems: [], cite: { kind: 'file', source: path, text: name } };
  if (text.trim() === '') {
    base.problems.push('the file is empty');
    base.cite = { kind: 'file', source: path, line: 1, text: '(empty file)' };
    return base;
  }
  const j = parseJsonAt(text);
  if (!j.ok) {
    base.syntax = { line: j.line, column: j.column, message: j.message, text: j.text };
    base.problems.push(`invalid JSON at line ${j.line}, column ${j.column}: ${j.message}`);
    base.cite = { kind: 'file', source: path, line: j.line, text: j.text.trim() || '(end of file)', note: `JSON syntax error, column ${j.column}: ${j.message}` };
    return base;
  }
  const v = j.value;
  const first = (): { line: number; text: string } => ({ line: 1, text: text.split('\n')[0]!.trim() });
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    base.problems.push('not a JSON object');
    base.cite = { kind: 'file', source: path, ...first() };
    return base;
  }
  const o = v as Record<string, unknown>;
  if (typeof o.cniVersion === 'string' && o.cniVersion) base.cniVersion = o.cniVersion;
  else base.problems.push(o.cniVersion === undefined ? 'no "cniVersion"' : '"cniVersion" is not a string');
  if (typeof o.name === 'string') base.networkName = o.name;
  // libcni treats a .conf/.json holding `plugins` as a list too (ConfListFromFile is tried for both in newer versions)
  const isList = kind === 'conflist' || Array.isArray(o.plugins);
  // the line to cite for the first problem that has one: a plugin without a type, a bad cniVersion, the list
  let at: { line: number; text: string } | undefined;
  if (isList) {
    if (typeof o.name !== 'string' || !o.name) base.problems.push('no "name" (a conflist needs one)');
    if (!Array.isArray(o.plugins)) base.problems.push(`no "plugins" list`);
    else if (o.plugins.length === 0) base.problems.push('"plugins" is empty');
    else
      (o.plugins as unknown[]).forEach((p, i) => {
        const t = p && typeof p === 'object' ? (p as Record<string, unknown>).type : undefined;
        if (typeof t === 'string' && t) base.types.push(t);
        else {
          base.problems.push(`plugins[${i}] has no "type"`);
          at ??= j.find(['plugins', i]);
        }
      });
  } else if (typeof o.type === 'string' && o.type) base.types.push(o.type);
  else base.problems.push('no "type"');
  base.valid = base.problems.length === 0;
  if (!base.valid) {
    if (o.cniVersion !== undefined && typeof o.cniVersion !== 'string') at = j.find(['cniVersion']);
    at ??= j.find([base.problems.some((p) => p.includes('cniVersion')) ? 'name' : 'plugins']) ?? first();
    base.cite = { kind: 'file', source: path, line: at.line, text: at.text, note: base.problems.join('; ') };
  } else {
    const cv = j.find(['cniVersion']);
    base.cite = { kind: 'file', source: path, line: cv?.line, text: cv?.text ?? name, note: `network ${base.networkName ?? '?'}: ${base.types.join(', ')}` };
  }
  return base;
}
