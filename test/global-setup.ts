// Build dist/ once so CLI tests run the real compiled program.
import { execSync } from 'node:child_process';

export default function setup(): void {
  execSync('npx tsc -p tsconfig.json', { cwd: new URL('..', import.meta.url).pathname, stdio: 'inherit' });
}
