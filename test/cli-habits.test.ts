// kubectl's and CI's habits: journal files as arguments, -o as the format and --output-file, the config file
// and its precedence, unknown ids named with the nearest one, KUBECONFIG's paths merged as kubectl merges
// them, in-cluster configuration, --help examples, completion scripts, the man page, version; and why a
// capture's binary journal was not read.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../src/kube-config.js';
import { findConfig, loadConfig, nearest } from '../src/cli-config.js';
import { cli, ROOT, scratchDir } from './helpers.js';

const SEED0 = join(ROOT, 'fixtures/journal/seed-000-cgroup-missing/kubelet.short-precise.log');

describe('scan on the command line', () => {
  it('takes journal files as arguments and -o as the format', () => {
    const a = cli(['scan', SEED0, '-o', 'json', '--now', '2021-02-14T08:00:00Z']);
    const b = cli(['scan', '--journal', SEED0, '--format', 'json', '--now', '2021-02-14T08:00:00Z']);
    expect(a.code).toBe(1);
    expect(JSON.parse(a.stdout).findings[0].ruleId).toBe('cgroup-missing-paths');
    expect(JSON.parse(a.stdout).findings).toEqual(JSON.parse(b.stdout).findings);
    expect(cli(['scan', SEED0, '-o', 'yaml']).stdout).toMatch(/^version: 1\ntool:\n {2}name: kubelet-doctor/);
  });

  it('--output-file gets the format while stdout keeps the text; a bare word for -o is no format', () => {
    const dir = scratchDir();
    const out = join(dir, 'r.json');
    const r = cli(['scan', SEED0, '-o', 'json', '--output-file', out]);
    expect(r.stdout).toMatch(/Verdict:/);
    expect(JSON.parse(readFileSync(out, 'utf8')).version).toBe(1);
    const bad = cli(['scan', SEED0, '-o', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/-o\/--output: not a format: "xml".*--output-file/);
    // an older command line: --output FILE still writes the file, with a note
    const old = cli(['scan', SEED0, '--format', 'json', '--output', join(dir, 'old.json')]);
    expect(old.stderr).toMatch(/taken as --output-file/);
    expect(JSON.parse(readFileSync(join(dir, 'old.json'), 'utf8')).version).toBe(1);
  });

  it('an unknown --ignore id or kubelet version is a usage error naming the nearest id', () => {
    const r = cli(['scan', SEED0, '--ignore', 'cgroup-missing-path']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no rule "cgroup-missing-path" \(did you mean cgroup-missing-paths\?\)/);
    const v = cli(['scan', SEED0, '--kubelet-version', 'one.thirty']);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/not a kubelet version/);
    expect(cli(['explain', 'swap-enable']).stderr).toMatch(/did you mean swap-enabled\?/);
    expect(nearest('zzzzzzzz-qqqq', ['swap-enabled'])).toBeUndefined();
  });
});

describe('the config file', () => {
  it('is found upward and read; flags given on the command line win over it', () => {
    const dir = scratchDir();
    const sub = join(dir, 'a/b');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(dir, '.kubelet-doctor.yaml'), 'ignore: [cgroup-missing-paths]\nfail-on: never\nformat: json\n');
    chmodSync(join(dir, '.kubelet-doctor.yaml'), 0o644);
    expect(findConfig(sub)).toBe(join(dir, '.kubelet-doctor.yaml'));
    const run = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/kubelet-doctor.js'), 'scan', SEED0, ...args], { cwd: sub, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1' } });
    const r = run([]);
    expect(r.status).toBe(0); // fail-on: never
    const rep = JSON.parse(r.stdout); // format: json
    expect(rep.findings.map((f: { ruleId: string }) => f.ruleId)).not.toContain('cgroup-missing-paths');
    const f = run(['--fail-on', 'warning', '-o', 'text']);
    expect(f.stdout).toMatch(/Verdict:/);
    expect(f.status).toBe(1);
  });

  it('names the file and the nearest key when it is wrong, and never loads code rules from it', () => {
    const dir = scratchDir();
    const p = join(dir, 'c.yaml');
    writeFileSync(p, 'ignor: [x]\n');
    expect(() => loadConfig(p, { explicit: true, formats: ['text'] })).toThrow(/c\.yaml: unknown key "ignor" \(did you mean ignore\?\)/);
    writeFileSync(p, 'code-rules: [./evil]\n');
    expect(() => loadConfig(p, { explicit: true, formats: ['text'] })).toThrow(/never loaded from a config file/);
    const r = cli(['scan', SEED0, '--config', p]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(p);
  });

  it('a file found upward that others may write is not used (planted in a shared directory)', () => {
    const dir = scratchDir();
    const p = join(dir, '.kubelet-doctor.yaml');
    writeFileSync(p, 'fail-on: never\n');
    chmodSync(p, 0o666);
    expect(loadConfig(p, { explicit: false, formats: ['text'] }).warning).toMatch(/not used/);
    expect(loadConfig(p, { explicit: true, formats: ['text'] }).config?.failOn).toBe('never');
  });
});

describe('kubeconfig as kubectl reads it', () => {
  const write = (dir: string, name: string, o: { current?: string; cluster: string; server: string; ctx: string }) => {
    const p = join(dir, name);
    writeFileSync(
      p,
      `apiVersion: v1\nkind: Config\n${o.current ? `current-context: ${o.current}\n` : ''}clusters:\n- name: ${o.cluster}\n  cluster: { server: "${o.server}" }\nusers:\n- name: u\n  user: { token: t }\ncontexts:\n- name: ${o.ctx}\n  context: { cluster: ${o.cluster}, user: u }\n`,
    );
    return p;
  };

  it('KUBECONFIG\'s files are merged, the first one to set a value wins; missing files are skipped; --context picks one', async () => {
    const dir = scratchDir();
    const a = write(dir, 'a', { current: 'one', cluster: 'c', server: 'https://127.0.0.1:1111', ctx: 'one' });
    const b = write(dir, 'b', { current: 'two', cluster: 'c', server: 'https://127.0.0.1:2222', ctx: 'two' });
    const env = { KUBECONFIG: [a, join(dir, 'missing'), b].join(':') };
    const kc = await loadKubeConfig({ env });
    expect(kc.currentContext).toBe('one');
    expect(kc.getCurrentCluster()!.server).toBe('https://127.0.0.1:1111');
    expect(kc.contexts.map((c) => c.name).sort()).toEqual(['one', 'two']);
    const two = await loadKubeConfig({ env, context: 'two' });
    expect(two.getCurrentCluster()!.server).toBe('https://127.0.0.1:1111'); // cluster "c": the first file's
    await expect(loadKubeConfig({ env, context: 'three' })).rejects.toThrow(/no context "three".*one, two/);
    await expect(loadKubeConfig({ env: { KUBECONFIG: join(dir, 'nope') } })).rejects.toThrow(/none of the files in KUBECONFIG exists/);
  });

  it('in a pod: the service account and KUBERNETES_SERVICE_HOST', async () => {
    const sa = scratchDir();
    const d = join(sa, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'token'), 'not-a-real-token');
    writeFileSync(join(d, 'namespace'), 'kube-system');
    const kc = await loadKubeConfig({ env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '6443' }, home: scratchDir(), serviceAccountRoot: sa });
    expect(kc.getCurrentCluster()!.server).toBe('https://127.0.0.1:6443');
    await expect(loadKubeConfig({ env: {}, home: scratchDir(), serviceAccountRoot: sa })).rejects.toThrow(/no kubeconfig/);
  });
});

describe('help, completion, man page, version', () => {
  it('every command\'s --help has examples and exit codes', () => {
    for (const c of ['scan', 'collect', 'fleet', 'check', 'rules', 'explain', 'completion', 'version']) {
      const r = cli([c, '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toMatch(/Examples:\n {2}\$ /);
      expect(r.stdout, c).toMatch(/Exit codes:/);
    }
  });

  it('completion scripts name the commands and the format choices; bash parses its own', () => {
    const bash = cli(['completion', 'bash']).stdout;
    expect(bash).toMatch(/compgen -W "scan collect fleet version completion check rules explain/);
    expect(bash).toContain('text json yaml sarif junit markdown');
    expect(spawnSync('bash', ['-n'], { input: bash }).status).toBe(0);
    expect(cli(['completion', 'zsh']).stdout).toMatch(/^#compdef kubelet-doctor/);
    expect(cli(['completion', 'fish']).stdout).toMatch(/complete -c kubelet-doctor -n '__fish_seen_subcommand_from scan' -l output-file/);
    expect(cli(['completion', 'tcsh']).code).toBe(2);
  });

  it('the man page is up to date with the program (npm run man)', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/man.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const man = readFileSync(join(ROOT, 'docs/kubelet-doctor.1'), 'utf8');
    expect(man).toMatch(/^\.TH KUBELET-DOCTOR 1 [^]*\.SH EXIT STATUS/);
    expect(man).toContain('\\-\\-output\\-file');
  });

  it('version says the version, and -o json what it runs on', () => {
    const v = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    expect(cli(['version']).stdout).toMatch(new RegExp(`^kubelet-doctor ${v.replace(/\./g, '\\.')} `));
    expect(JSON.parse(cli(['version', '-o', 'json']).stdout)).toMatchObject({ kubeletDoctor: v, node: process.version });
  });
});

it('a capture\'s binary journal is named in the reason the journal rules were skipped', () => {
  const root = scratchDir();
  mkdirSync(join(root, 'var/log/journal/0123456789abcdef'), { recursive: true });
  writeFileSync(join(root, 'var/log/journal/0123456789abcdef/system.journal'), 'LPKSHHRH');
  const r = cli(['scan', '--root', root, '-o', 'json', '--fail-on', 'never']);
  const reasons = JSON.parse(r.stdout).skipped.map((s: { reason: string }) => s.reason);
  expect(reasons.find((x: string) => x.startsWith('journal:'))).toMatch(/holds 1 binary \.journal file.*journalctl -D .*\/var\/log\/journal -u kubelet -o export \| kubelet-doctor scan --root/);
});
