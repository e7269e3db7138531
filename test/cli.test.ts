// The CLI as a user meets it: stdin piping, exit codes and --fail-on, the JSON schema, rules/explain,
// colour control, usage errors.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOOL_VERSION } from '../src/version.js';
import { cli, ROOT } from './helpers.js';

const SEED0 = join(ROOT, 'fixtures/journal/seed-000-cgroup-missing/kubelet.short-precise.log');
const seed0 = readFileSync(SEED0, 'utf8');
const BENIGN_ONLY = [
  'Nov 20 03:00:01.123456 node-a kubelet[1234]: I1120 03:00:01.123456    1234 server.go:487] "Kubelet version" kubeletVersion="v1.31.2"',
  'Nov 20 03:00:01.223456 node-a kubelet[1234]: I1120 03:00:01.223456    1234 kubelet_node_status.go:76] "Attempting to register node" node="node-a"',
  'Nov 20 03:00:01.323456 node-a kubelet[1234]: I1120 03:00:01.323456    1234 kubelet_node_status.go:79] "Successfully registered node" node="node-a"',
].join('\n');

describe('cli', () => {
  it('reads a piped journal, names the failure, exits 1', () => {
    const r = cli(['scan'], seed0);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Verdict: kubelet exits: A reserved cgroup is missing/);
    expect(r.stdout).toMatch(/\[cgroup-missing-paths\]/);
    expect(r.stdout).toMatch(/stdin:\d+/); // citations name the source and line
    expect(r.stdout).not.toMatch(/\x1b\[/); // NO_COLOR
  });

  it('--fail-on decides the exit code in every format', () => {
    for (const format of ['text', 'json']) {
      expect(cli(['scan', '--format', format, '--journal', SEED0]).code).toBe(1);
      expect(cli(['scan', '--format', format, '--fail-on', 'never', '--journal', SEED0]).code).toBe(0);
    }
    const clean = cli(['scan', '--fail-on', 'info'], BENIGN_ONLY);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/No known failure signature found/);
  });

  it('JSON follows the documented schema, findings in rank order', () => {
    const r = cli(['scan', '--format', 'json', '--journal', SEED0]);
    const j = JSON.parse(r.stdout);
    expect(j.version).toBe(1);
    expect(j.tool).toEqual({ name: 'kubelet-doctor', version: TOOL_VERSION });
    for (const k of ['sources', 'runs', 'findings', 'skipped', 'rulesRun']) expect(Array.isArray(j[k])).toBe(true);
    expect(j.stats).toBeUndefined();
    const f = j.findings[0];
    expect(Object.keys(f)).toEqual(
      expect.arrayContaining(['ruleId', 'severity', 'title', 'message', 'evidence', 'remediation', 'references', 'explains', 'current', 'causedExit', 'runs', 'count']),
    );
    expect(f.ruleId).toBe('cgroup-missing-paths');
    expect(f.causedExit).toBe(true);
    expect(f.evidence[0]).toMatchObject({ kind: 'journal', source: SEED0 });
    expect(typeof f.evidence[0].line).toBe('number');
    expect(f.remediation.steps.some((s: { command?: string }) => s.command?.includes('mkdir -p'))).toBe(true);
    expect(j.runs.length).toBe(3);
    expect(j.crashLoop.runs).toBe(3);
    expect(j.sources[0]).toMatchObject({ name: SEED0, kind: 'journal', format: 'short-precise' });
  });

  it('--ignore silences a rule', () => {
    const r = cli(['scan', '--format', 'json', '--ignore', 'cgroup-missing-paths', '--journal', SEED0]);
    const j = JSON.parse(r.stdout);
    expect(j.findings.map((f: { ruleId: string }) => f.ruleId)).not.toContain('cgroup-missing-paths');
  });

  it('--stats reports lines/s on stderr', () => {
    const r = cli(['scan', '--stats', '--journal', SEED0]);
    expect(r.stderr).toMatch(/stats: \d+ lines, .* lines\/s/);
  });

  it('rules lists every rule; explain prints one with its fix; unknown ids exit 2', () => {
    const list = cli(['rules']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^cgroup-missing-paths\s+error/m);
    const ex = cli(['explain', 'cgroup-missing-paths']);
    expect(ex.code).toBe(0);
    expect(ex.stdout).toMatch(/Fix: /);
    expect(ex.stdout).toMatch(/https:\/\/kubernetes\.io\//);
    expect(ex.stdout).toMatch(/Journal signatures:/);
    expect(cli(['explain', 'no-such-rule']).code).toBe(2);
  });

  it('usage errors exit 2', () => {
    expect(cli(['scan', '--format', 'xml']).code).toBe(2);
    expect(cli(['scan', '--fail-on', 'sometimes']).code).toBe(2);
    expect(cli(['frobnicate', '--nope']).code).toBe(2);
  });

  it('a missing journal file is exit 2 with the reason, never a scan of the rest (issue 12: missing input is not a pass)', () => {
    const r = cli(['scan', '--journal', 'does/not/exist.log', '--journal', SEED0]);
    expect(r.stderr).toMatch(/--journal does\/not\/exist\.log: no such file/i);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });

  it('says why a journalctl run gave nothing', async () => {
    const { journalctlInput } = await import('../src/journal/read.js');
    const input = journalctlInput({ since: '1 hour ago' });
    expect(input.note).toBe('ran: journalctl -u kubelet -o json --all --no-pager --since 1 hour ago');
    expect(input.diagnostics!(true)).toMatch(/journalctl returned no entries for unit kubelet since 1 hour ago/);
    expect(input.diagnostics!(false)).toBeUndefined();
  });

  it('package.json version matches the tool version', () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version).toBe(TOOL_VERSION);
  });
});
