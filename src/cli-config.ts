// The config file (.kubelet-doctor.yaml, found upward from the working directory, or --config FILE) and the
// command line's checks of what it is given. Precedence: a flag given on the command line, then the file,
// then the built-in default. The file may set ignore, fail-on, rules (YAML rule directories, relative to the
// file) and format; never code rules: a file found in a directory is not a reason to run code from it.

import { lstatSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { parseYamlSafe } from './yaml.js';

/** A mistake in what the command line or the config file says: one line on stderr, exit 2. */
export class UsageError extends Error {}

export const CONFIG_NAME = '.kubelet-doctor.yaml';

export interface FileConfig {
  path: string;
  ignore?: string[];
  failOn?: string;
  rules?: string[];
  format?: string;
}

const FAIL_ON = ['error', 'warning', 'info', 'never'];

/** The nearest .kubelet-doctor.yaml from `start` upward, or undefined. */
export function findConfig(start = process.cwd()): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const p = join(dir, CONFIG_NAME);
    try {
      if (lstatSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Read a config file. A file found upward (not named by --config) is honoured only when it belongs to this
 * user or root and nobody else may write it: in /tmp another user could plant one that silences rules.
 */
export function loadConfig(path: string, o: { explicit: boolean; formats: readonly string[]; uid?: number }): { config?: FileConfig; warning?: string } {
  if (!o.explicit) {
    const st = lstatSync(path);
    const uid = o.uid ?? process.getuid?.() ?? 0;
    if ((st.uid !== uid && st.uid !== 0) || (st.mode & 0o022) !== 0)
      return { warning: `${path}: not used: it belongs to another user or others may write it (pass --config ${path} to use it anyway)` };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${path}: cannot read the config file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const doc = (parseYamlSafe(text, path) ?? {}) as Record<string, unknown>;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`${path}: the config file must be a mapping (ignore:, fail-on:, rules:, format:)`);
  const config: FileConfig = { path };
  const list = (k: string): string[] | undefined => {
    const v = doc[k];
    if (v === undefined) return undefined;
    if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    throw new UsageError(`${path}: ${k}: a list of strings`);
  };
  for (const k of Object.keys(doc))
    if (!['ignore', 'fail-on', 'failOn', 'rules', 'format'].includes(k)) throw new UsageError(`${path}: unknown key "${k}"${nearestHint(k, ['ignore', 'fail-on', 'rules', 'format'])} (code rules are never loaded from a config file: pass --code-rules)`);
  config.ignore = list('ignore');
  config.rules = list('rules')?.map((d) => resolve(dirname(path), d));
  const failOn = doc['fail-on'] ?? doc.failOn;
  if (failOn !== undefined) {
    if (typeof failOn !== 'string' || !FAIL_ON.includes(failOn)) throw new UsageError(`${path}: fail-on: one of ${FAIL_ON.join(', ')}`);
    config.failOn = failOn;
  }
  if (doc.format !== undefined) {
    if (typeof doc.format !== 'string' || !o.formats.includes(doc.format)) throw new UsageError(`${path}: format: one of ${o.formats.join(', ')}`);
    config.format = doc.format;
  }
  return { config };
}

// moved to src/nearest.ts (rule loading names typos too); these imports keep working
export { distance, nearest } from './nearest.js';
import { nearest } from './nearest.js';

function nearestHint(word: string, known: readonly string[]): string {
  const n = nearest(word, known);
  return n ? ` (did you mean ${n}?)` : '';
}

/** Rule ids to ignore that no loaded rule has: a usage error naming the nearest id. */
export function checkIgnore(ids: readonly string[], known: readonly string[], where: string): void {
  for (const id of ids)
    if (!known.includes(id)) throw new UsageError(`${where}: no rule "${id}"${nearestHint(id, known)} (see kubelet-doctor rules)`);
}

/** --kubelet-version: v1.30, 1.30.2, v1.31.0-rc.1 … */
export function parseKubeletVersion(v: string): string {
  const m = /^v?(\d+)\.(\d+)(\.\d+)?([-+][\w.+-]*)?$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError(`not a kubelet version: "${v}" (expected v1.30 or v1.30.2)`);
  return `v${m[1]}.${m[2]}${m[3] ?? ''}${m[4] ?? ''}`;
}
