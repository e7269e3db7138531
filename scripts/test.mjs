#!/usr/bin/env node
// `npm test`: run vitest and end with the plain closing line CI reads ("N passed, N failed").
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const report = '.vitest-report.json';
rmSync(report, { force: true });
const args = ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];
// vitest's own launcher, without npx resolving it first (a second or more of start-up on a busy machine)
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const r = spawnSync(process.execPath, [vitest, ...args], { stdio: 'inherit' });
let line = 'vitest produced no report: 0 passed, 1 failed';
if (existsSync(report)) {
  const j = JSON.parse(readFileSync(report, 'utf8'));
  line = `${j.numPassedTests} passed, ${j.numFailedTests} failed${j.numPendingTests || j.numTodoTests ? `, ${j.numPendingTests + j.numTodoTests} skipped` : ''}`;
  if (j.numTotalTests === 0) line = '0 passed, 1 failed (no tests ran)';
}
console.log(line);
process.exit(r.status ?? 1);
