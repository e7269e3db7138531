// Shared test helpers: load the rules once, scan text as a journal, run the built CLI.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFixtures, readSpec } from '../src/check.js';
import { loadRules } from '../src/rules/load.js';
import type { Rule } from '../src/rules/model.js';
import { RENDERERS } from '../src/render/index.js';
import { runScan, type ScanOptions } from '../src/scan.js';
import type { Report } from '../src/types.js';

let cached: Promise<Rule[]> | undefined;
export function builtinRules(): Promise<Rule[]> {
  cached ??= loadRules([]).then(({ rules, errors }) => {
    if (errors.length) throw new Error(`rule load errors:\n${errors.join('\n')}`);
    return rules;
  });
  return cached;
}

export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'kubelet-doctor-'));
}

/** Write `text` to a scratch file and scan it as a journal. */
export async function scanText(text: string | Buffer, opts: Partial<ScanOptions> = {}, name = 'kubelet.log'): Promise<Report> {
  const file = join(scratchDir(), name);
  writeFileSync(file, text);
  return runScan({ rules: await builtinRules(), journals: [file], noJournalctl: true, now: new Date('2026-11-22T00:00:00Z'), ...opts });
}

export const ROOT = new URL('..', import.meta.url).pathname;

/**
 * The slow equivalence proofs (fast scan = reference scan, parallel scan = single-threaded scan) run at a
 * smaller size by default, so that `npm test` stays under three minutes on two cores, and at full size
 * with KUBELET_DOCTOR_TEST_FULL=1 (before changing the scanner, the parser or the run tracker).
 */
export const FULL_PROOFS = process.env.KUBELET_DOCTOR_TEST_FULL === '1';

/** `small` by default, `full` with KUBELET_DOCTOR_TEST_FULL=1. */
export function proofSize(small: number, full: number): number {
  return FULL_PROOFS ? full : small;
}

/** Every `step`-th item (all of them with KUBELET_DOCTOR_TEST_FULL=1), starting at `offset`. */
export function proofSample<T>(items: T[], step: number, offset = 0): T[] {
  return FULL_PROOFS ? items : items.filter((_, i) => i % step === offset % step);
}

/** Run the built CLI (bin/kubelet-doctor.js); the suite builds dist/ once in globalSetup. */
export function cli(args: string[], input?: string | Buffer, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/kubelet-doctor.js'), ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: 'true', ...env },
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * What `kubelet-doctor scan --format F` prints (off a terminal, no colour) for each format, from one scan
 * in this process: the CLI's scan action runs runScan and hands the report to the format's renderer, so a
 * test about the report in every format need not start a process per format. Tests that use it compare
 * one format with the built CLI's output, so the two paths cannot drift apart.
 */
export async function scanOutputs(opts: Partial<ScanOptions>, formats: string[]): Promise<Record<string, string>> {
  const rules = await builtinRules();
  const report = await runScan({ rules, noJournalctl: true, inputs: opts.journals?.length ? undefined : [], ...opts });
  const fileOpts = { color: false, rules, root: opts.root, cwd: ROOT };
  return Object.fromEntries(formats.map((f) => [f, f === 'text' ? RENDERERS.text!(report, { color: false }) : RENDERERS[f]!(report, fileOpts)]));
}

/** Every text journal file the fixtures name (export files excluded: they take the reference path). */
export function fixtureJournalFiles(): string[] {
  const out: string[] = [];
  for (const dir of findFixtures([join(ROOT, 'fixtures')])) {
    let spec;
    try {
      spec = readSpec(dir);
    } catch {
      continue;
    }
    for (const j of spec.journals ?? []) for (const f of Array.isArray(j) ? j : [j]) out.push(join(dir, f));
  }
  return [...new Set(out)].filter((f) => {
    try {
      return statSync(f).isFile() && !/\.export$/.test(f);
    } catch {
      return false;
    }
  });
}
