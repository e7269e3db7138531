#!/usr/bin/env node
// `npm test`: run vitest and end with the plain closing line CI reads ("N passed, N failed").
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const report = '.vitest-report.json';
rmSync(report, { force: true });
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];
const r = spawnSync('npx', args, { stdio: 'inherit' });
let line = 'vitest produced no report: 0 passed, 1 failed';
if (existsSync(report)) {
  const j = JSON.parse(readFileSync(report, 'utf8'));
  line = `${j.numPassedTests} passed, ${j.numFailedTests} failed${j.numPendingTests || j.numTodoTests ? `, ${j.numPendingTests + j.numTodoTests} skipped` : ''}`;
  if (j.numTotalTests === 0) line = '0 passed, 1 failed (no tests ran)';
}
console.log(line);
process.exit(r.status ?? 1);
