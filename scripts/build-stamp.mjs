#!/usr/bin/env node
// Whether dist/ is the build of the sources as they are: a fingerprint of every input of `npm run build`
// (path, size and mtime of src/, rules/, the build scripts, tsconfig.json, package.json) is written to
// dist/.build-stamp after a build. The test suite builds only when it differs (test/global-setup.ts).
//   node scripts/build-stamp.mjs --write     (after a build: record the sources it was built from)
//   node scripts/build-stamp.mjs             (exit 0 when dist/ is up to date, 1 when not)
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const INPUTS = ['src', 'rules', 'scripts/build-rules.mjs', 'tsconfig.json', 'package.json'];

function walk(root, rel, out) {
  const p = join(root, rel);
  let st;
  try {
    st = statSync(p);
  } catch {
    return;
  }
  if (st.isDirectory()) for (const e of readdirSync(p).sort()) walk(root, join(rel, e), out);
  else out.push(`${rel}\t${st.size}\t${st.mtimeMs}`);
}

/** The fingerprint of the build's inputs under `root`. */
export function sourceFingerprint(root) {
  const lines = [];
  for (const i of INPUTS) walk(root, i, lines);
  return createHash('sha1').update(lines.join('\n')).digest('hex');
}

const stampFile = (root) => join(root, 'dist', '.build-stamp');

export function isBuilt(root, fingerprint = sourceFingerprint(root)) {
  return existsSync(stampFile(root)) && existsSync(join(root, 'dist/rules/index.js')) && readFileSync(stampFile(root), 'utf8').trim() === fingerprint;
}

export function writeStamp(root, fingerprint = sourceFingerprint(root)) {
  writeFileSync(stampFile(root), `${fingerprint}\n`);
}

/** Build dist/ (tsc, then the rules bundle) unless it is the build of the current sources; `run` runs a shell command. */
export function ensureBuilt(root, run) {
  // taken before building: a file edited while tsc runs makes the next check build again
  const fp = sourceFingerprint(root);
  if (isBuilt(root, fp)) return false;
  run(`"${process.execPath}" node_modules/typescript/bin/tsc -p tsconfig.json`); // not through npx: seconds of start-up saved
  run('node scripts/build-rules.mjs');
  writeStamp(root, fp);
  return true;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const root = new URL('..', import.meta.url).pathname;
  if (process.argv.includes('--write')) writeStamp(root);
  else process.exit(isBuilt(root) ? 0 : 1);
}
