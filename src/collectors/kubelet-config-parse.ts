// Reading the kubelet's settings from text: a KubeletConfiguration file (YAML or JSON) flattened to field
// paths with their line numbers, drop-ins merged over it, and the command line's flags as pflag reads them.

import type { Node as YamlNode } from 'yaml';
import { parseYamlSafe } from '../yaml.js';
import { yaml } from '../yaml.js';
import { BOOL_FLAGS, flagName, type FieldType } from './kubelet-flags.js';
import type { Setting } from './kubelet-settings.js';
import type { Word } from './unit-file.js';

// ---- config files with line numbers -----------------------------------------------------------------

export function flattenDoc(text: string, file: string, display: string): { value: Record<string, unknown>; fields: Record<string, Setting>; format: 'yaml' | 'json'; warnings: string[] } {
  const warnings: string[] = [];
  const value = parseYamlSafe(text, display, warnings) as Record<string, unknown>;
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${display}: a KubeletConfiguration must be a mapping`);
  const { LineCounter, isMap, isScalar, isSeq, parseDocument } = yaml();
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, logLevel: 'silent' });
  const fields: Record<string, Setting> = {};
  const lines = text.split('\n');
  const walk = (node: unknown, prefix: string) => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const path = prefix ? `${prefix}.${k}` : k;
      const keyNode = pair.key as YamlNode | null;
      const line = keyNode?.range ? lc.linePos(keyNode.range[0]).line : undefined;
      const v = pair.value as YamlNode | null;
      const js = v && typeof (v as { toJSON?: unknown }).toJSON === 'function' ? (v as unknown as { toJSON(): unknown }).toJSON() : isScalar(v) ? v.value : v;
      const lineText = line !== undefined ? lines[line - 1]?.trim() : undefined;
      fields[path] = { value: js, origin: 'config', source: display, line, field: path, ...(lineText ? { text: lineText } : {}) };
      if (isMap(v)) walk(v, path);
      else if (isSeq(v)) {
        /* lists are leaves */
      }
    }
  };
  walk(doc.contents, '');
  void file;
  return { value, fields, format: text.trimStart().startsWith('{') ? 'json' : 'yaml', warnings };
}

export function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = cur && v && typeof cur === 'object' && typeof v === 'object' && !Array.isArray(cur) && !Array.isArray(v) ? deepMerge(cur as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

// ---- flag values ------------------------------------------------------------------------------------

export function convert(raw: string, type: FieldType): unknown {
  switch (type) {
    case 'bool':
      return raw === '' || /^(true|1|t)$/i.test(raw);
    case 'int':
      return Number.parseInt(raw, 10);
    case 'list':
      return raw.split(',').map((s) => s.trim()).filter(Boolean);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const kv of raw.split(',')) {
        const [k, v] = kv.split('=');
        if (k?.trim()) out[k.trim()] = v === undefined ? true : /^(true|false)$/i.test(v.trim()) ? /^true$/i.test(v.trim()) : v.trim();
      }
      return out;
    }
    default:
      return raw;
  }
}

export function parseFlags(words: Word[]): { flags: Record<string, Setting<string>>; repeated: Record<string, Setting<string>[]>; positional: string[] } {
  const flags: Record<string, Setting<string>> = {};
  const all: Record<string, Setting<string>[]> = {};
  const positional: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const f = flagName(w.word);
    if (!f) {
      positional.push(w.word);
      continue;
    }
    let value = f.value;
    if (value === undefined) {
      const next = words[i + 1];
      if (!BOOL_FLAGS.has(f.name) && next && !next.word.startsWith('-')) {
        value = next.word;
        i++;
      } else value = BOOL_FLAGS.has(f.name) ? 'true' : '';
    }
    const s: Setting<string> = { value, origin: 'flag', source: w.display, line: w.line, field: `--${f.name}`, ...(w.via ? { via: w.via } : {}) };
    (all[f.name] ??= []).push(s);
    flags[f.name] = s;
  }
  const repeated = Object.fromEntries(Object.entries(all).filter(([, v]) => v.length > 1));
  return { flags, repeated, positional };
}
