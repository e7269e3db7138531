// The parser fuzz harness (scripts/fuzz.mjs, `npm run fuzz -- --count 100000` for the full run) at a small
// size: every parser gives a result or an error naming its source, and no planted secret reaches an output.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

describe('fuzz harness', () => {
  it('a small run finds no crash, no hang and no secret', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/fuzz.mjs'), '--count', '350', '--seed', '12', '--report-every', '70'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr + r.stdout).toMatch(/fuzz: \d+ inputs, no crash, no secret/);
    expect(r.status).toBe(0);
  }, 130_000);
});
