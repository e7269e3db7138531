// Build dist/ once so CLI tests run the real compiled program.
import { execSync } from 'node:child_process';

export default function setup(): void {
  const cwd = new URL('..', import.meta.url).pathname;
  execSync('npx tsc -p tsconfig.json', { cwd, stdio: 'inherit' });
  execSync('node scripts/build-rules.mjs', { cwd, stdio: 'inherit' }); // the bundled built-in rules the CLI loads
}
