// Build dist/ once so CLI tests and the parallel scan's worker run the real compiled program — and only
// when a source changed since the last build: every vitest run rebuilding with tsc cost ~10-40 s here.
import { execSync } from 'node:child_process';
import { ensureBuilt } from '../scripts/build-stamp.mjs';

export default function setup(): void {
  const cwd = new URL('..', import.meta.url).pathname;
  ensureBuilt(cwd, (cmd: string) => execSync(cmd, { cwd, stdio: 'inherit' }));
}
