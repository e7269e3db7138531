// Code is loaded only from a directory named for it (--code-rules), never from a YAML --rules directory
// (not even by `rules` or `explain`), never from inside the captured tree being scanned, and never when
// someone else could have written it.

import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../src/rules/load.js';
import { cli, scratchDir } from './helpers.js';

/** A code rule whose import leaves a mark beside it. */
function codeRule(dir: string, id = 'my-code-rule'): string {
  mkdirSync(dir, { recursive: true });
  const mark = join(dir, `${id}.IMPORTED`);
  writeFileSync(
    join(dir, `${id}.mjs`),
    `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(mark)}, 'x');\n` +
      `export default { id: '${id}', title: 'T', severity: 'info', category: 'c', evidence: ['journal'], message: 'm', why: 'w',\n` +
      `  remediation: { summary: 's', steps: [{ text: 't', command: 'true' }] }, references: ['https://kubernetes.io/'], check() { return undefined; } };\n`,
  );
  chmodSync(join(dir, `${id}.mjs`), 0o644);
  return mark;
}

describe('code rules', () => {
  it('a .mjs in a --rules directory is never imported, by rules, explain or scan; the reason is said', () => {
    const dir = join(scratchDir(), 'rules');
    const empty = join(scratchDir(), 'empty.log');
    writeFileSync(empty, '');
    const mark = codeRule(dir);
    for (const args of [['rules', '--rules', dir], ['explain', 'swap-enabled', '--rules', dir], ['scan', '--rules', dir, '--journal', empty]]) {
      const r = cli(args);
      expect(r.stderr).toMatch(/my-code-rule\.mjs: not loaded: --rules reads YAML rules only; code rules load only from a --code-rules directory/);
    }
    expect(existsSync(mark)).toBe(false);
  });

  it('--code-rules DIR loads it', async () => {
    const dir = join(scratchDir(), 'code');
    const mark = codeRule(dir);
    const { rules, errors } = await loadRules([], { builtins: false, codeDirs: [dir] });
    expect(errors).toEqual([]);
    expect(rules.map((r) => r.id)).toEqual(['my-code-rule']);
    expect(existsSync(mark)).toBe(true);
  });

  it('never from inside the --root capture, nor a file or directory others can write', async () => {
    const root = scratchDir();
    const inCapture = join(root, 'var/lib/rules');
    const mark = codeRule(inCapture);
    const a = await loadRules([], { builtins: false, codeDirs: [inCapture], root });
    expect(a.errors.join()).toMatch(/inside the captured tree .*: code is never loaded from a capture/);
    const open = join(scratchDir(), 'open');
    const mark2 = codeRule(open);
    chmodSync(join(open, 'my-code-rule.mjs'), 0o666);
    const b = await loadRules([], { builtins: false, codeDirs: [open] });
    expect(b.errors.join()).toMatch(/my-code-rule\.mjs: not loaded: writable by group or others/);
    chmodSync(join(open, 'my-code-rule.mjs'), 0o644);
    chmodSync(open, 0o777);
    const c = await loadRules([], { builtins: false, codeDirs: [open] });
    expect(c.errors.join()).toMatch(/--code-rules .*: writable by group or others/);
    expect(existsSync(mark) || existsSync(mark2)).toBe(false);
  });
});
