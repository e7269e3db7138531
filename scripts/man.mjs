#!/usr/bin/env node
// `npm run man`: docs/kubelet-doctor.1, the man page, from the commander program itself (options,
// descriptions, examples, exit codes, environment), so it cannot drift from --help.
// Usage: node scripts/man.mjs [--check]   (--check: exit 1 when docs/kubelet-doctor.1 is out of date)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '../dist/src/cli.js';
import { manPage } from '../dist/src/cli-help.js';
import { TOOL_VERSION } from '../dist/src/version.js';

const out = join(new URL('..', import.meta.url).pathname, 'docs', 'kubelet-doctor.1');
// no date: the page changes only when the program does (the version is in the footer)
const text = manPage(buildProgram(), { version: TOOL_VERSION, date: '' });
if (process.argv.includes('--check')) {
  let old = '';
  try {
    old = readFileSync(out, 'utf8');
  } catch {
    /* missing */
  }
  if (old !== text) {
    process.stderr.write(`${out} is out of date: run npm run man\n`);
    process.exit(1);
  }
} else writeFileSync(out, text);
