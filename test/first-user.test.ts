// What a first-time user trips over (issue 12): missing or broken input is said, never a pass; a config file
// that does not parse is the cause, never evaluated as defaults; YAML warnings are problem lines of their source.

import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScan } from '../src/scan.js';
import { builtinRules, cli, ROOT, scanOutputs, scratchDir } from './helpers.js';

const HEALTHY = join(ROOT, 'fixtures/nodes/healthy-kubeadm-v1.30');
const NOW = new Date('2026-06-01T00:00:00Z');

/** A copy of the healthy kubeadm node with some files replaced. */
function nodeWith(files: Record<string, string>): string {
  const root = join(scratchDir(), 'node');
  cpSync(HEALTHY, root, { recursive: true, verbatimSymlinks: true });
  for (const [p, text] of Object.entries(files)) writeFileSync(join(root, p), text);
  return root;
}

const scanRoot = async (root: string) => runScan({ rules: await builtinRules(), root, inputs: [], noJournalctl: true, useApi: false, now: NOW });

describe('a KubeletConfiguration that does not parse', () => {
  const config = readFileSync(join(HEALTHY, 'var/lib/kubelet/config.yaml'), 'utf8');
  // a stray indented key after a scalar: not YAML
  const broken = `${config.trimEnd()}\n  evictionHard: [memory.available\n`;

  it('is the cause (file and line cited), and no rule is evaluated on defaults substituted for it', async () => {
    const r = await scanRoot(nodeWith({ 'var/lib/kubelet/config.yaml': broken }));
    const f = r.findings.find((x) => x.ruleId === 'config-file-invalid');
    expect(f, JSON.stringify(r.findings.map((x) => x.ruleId))).toBeDefined();
    expect(f!.current).toBe(true);
    expect(f!.evidence[0]).toMatchObject({ source: 'var/lib/kubelet/config.yaml' });
    expect(f!.evidence[0]!.line).toBeGreaterThan(0);
    expect(r.verdict).toBe(f!.title);
    // the healthy node's containerd says SystemdCgroup = true; the kubelet default cgroupfs must not be compared with it
    expect(r.findings.map((x) => x.ruleId)).toEqual(['config-file-invalid']);
    const skipped = new Map(r.skipped.map((s) => [s.ruleId, s.reason]));
    for (const id of ['cgroup-driver-mismatch', 'anonymous-auth-enabled', 'read-only-port-open', 'cri-endpoint-unreachable'])
      expect(skipped.get(id), id).toMatch(/KubeletConfiguration var\/lib\/kubelet\/config\.yaml:\d+ does not parse/);
  });

  it('a --config file that does not exist is the cause too, and nothing is compared on defaults', async () => {
    const root = nodeWith({});
    rmSync(join(root, 'var/lib/kubelet/config.yaml'));
    const r = await scanRoot(root);
    expect(r.findings.map((x) => x.ruleId)).toEqual(['config-file-missing']);
    expect(r.findings[0]!.evidence.map((c) => c.source)).toEqual(['usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf', 'var/lib/kubelet/config.yaml']);
    expect(r.skipped.find((s) => s.ruleId === 'cgroup-driver-mismatch')?.reason).toMatch(/config\.yaml does not exist/);
  });

  it('a healthy config gives no such finding', async () => {
    const r = await scanRoot(nodeWith({}));
    expect(r.findings.map((x) => x.ruleId)).toEqual([]);
  });
});

describe('YAML warnings', () => {
  it('are problem lines of their source (file:line), never a Node warning on stderr', () => {
    const config = readFileSync(join(HEALTHY, 'var/lib/kubelet/config.yaml'), 'utf8');
    const root = nodeWith({ 'var/lib/kubelet/config.yaml': `%YAML 1.3\n---\n${config}` });
    const r = cli(['scan', '--root', root, '--now', NOW.toISOString(), '--format', 'json']);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { sources: { name: string; problems: string[] }[]; findings: unknown[] };
    const src = report.sources.find((s) => s.name === 'var/lib/kubelet/config.yaml');
    expect(src?.problems).toEqual(['var/lib/kubelet/config.yaml:1: Unsupported YAML version 1.3']);
    expect(report.findings).toEqual([]);
  });
});

describe('a journal with no log records', () => {
  it.each([
    ['empty', ''],
    ['only -- No entries --', '-- No entries --\n'],
  ])('%s: the verdict says so in every format', async (_what, text) => {
    const dir = scratchDir();
    const file = join(dir, 'kubelet.log');
    writeFileSync(file, text);
    // an empty capture as the node: the verdict must not depend on whether this machine looks like a node
    const root = scratchDir();
    const out = await scanOutputs({ journals: [file], root }, ['text', 'json', 'markdown', 'sarif', 'junit']);
    expect(cli(['scan', '--journal', file, '--root', root, '--format', 'text', '--no-color']).stdout).toBe(out.text);
    for (const [format, stdout] of Object.entries(out)) {
      expect(stdout, format).toMatch(/Nothing to diagnose: the journal \\?\(.*kubelet\.log\\?\) holds no log records/);
      expect(stdout, format).not.toMatch(/No known failure signature (?:was )?found/);
    }
  });

  it('beside a node capture: node state was read, the journal was not', () => {
    const file = join(scratchDir(), 'kubelet.log');
    writeFileSync(file, '-- No entries --\n');
    const r = cli(['scan', '--journal', file, '--root', HEALTHY, '--now', NOW.toISOString(), '--format', 'json']);
    expect(JSON.parse(r.stdout).verdict).toMatch(/^No known failure signature found in the node state; the journal \(.*\) holds no log records/);
  });
});

describe('skipped rules', () => {
  it('each reason is printed once in the human formats, however many kinds each rule lacked', async () => {
    const file = join(scratchDir(), 'kubelet.log');
    writeFileSync(file, '');
    // no node state here (a scratch root with nothing in it) and no records: two long reasons, rules lacking one or both
    const root = scratchDir();
    const outs = await scanOutputs({ journals: [file], root }, ['text', 'markdown', 'json']);
    expect(cli(['scan', '--journal', file, '--root', root, '--format', 'text']).stdout).toBe(outs.text);
    for (const format of ['text', 'markdown']) {
      const lines = outs[format]!.split('\n').filter((l) => /^\s*- /.test(l));
      const reasons = lines.map((l) => l.replace(/^\s*- /, '').replace(/: [^:]*$/, ''));
      expect(reasons.length, format).toBeGreaterThan(1);
      // no reason line holds another's text: the combinations are not printed
      for (const r of reasons) expect(r, format).not.toMatch(/; journal: |; node state: |; cgroups: |; system: /);
      expect(new Set(reasons).size, format).toBe(reasons.length);
    }
    const json = JSON.parse(outs.json!) as { skipped: { ruleId: string; reason: string; reasons?: string[] }[] };
    const both = json.skipped.find((s) => s.reasons);
    expect(both?.reason).toBe(both?.reasons?.join('; '));
  });
});

describe('rules', () => {
  it('lines up its columns, whatever the widest id, severity or category', () => {
    const out = cli(['rules']).stdout.trimEnd().split('\n');
    const starts = (l: string) => [...l.matchAll(/ {2,}(\S)/g)].map((m) => m.index! + m[0].length - 1).slice(0, 3);
    const first = starts(out[0]!);
    expect(first).toHaveLength(3);
    for (const l of out) expect(starts(l), l).toEqual(first);
  });
});

describe('an empty --root capture', () => {
  it('produces no finding (no cni-config-missing for a tree with nothing in it): every rule is skipped, and the verdict says so', async () => {
    const r = await scanRoot(scratchDir());
    expect(r.findings).toEqual([]);
    expect(r.rulesRun).toEqual([]);
    expect(r.skipped.find((s) => s.ruleId === 'cni-config-missing')?.reason).toMatch(/nothing of a node is there/);
    expect(r.verdict).toMatch(/^Nothing to diagnose: every rule was skipped/);
  });

  it('a node tree whose CNI dir is missing still gets cni-config-missing', async () => {
    const root = nodeWith({});
    rmSync(join(root, 'etc/cni'), { recursive: true });
    const r = await scanRoot(root);
    expect(r.findings.map((f) => f.ruleId)).toContain('cni-config-missing');
  });
});

describe('a journal from another host paired with --root', () => {
  const problemsOf = (journal: string) => {
    const r = cli(['scan', '--journal', join(ROOT, 'fixtures/journal', journal), '--root', HEALTHY, '--now', NOW.toISOString(), '--format', 'json', '--fail-on', 'never']);
    return (JSON.parse(r.stdout) as { sources: { problems: string[] }[] }).sources.flatMap((s) => s.problems);
  };
  it('draws a warning naming both host names', () => {
    expect(problemsOf('seed-000-cgroup-missing/kubelet.short-precise.log')).toContainEqual(expect.stringMatching(/journal is from k8s-master, but this capture's \/etc\/hostname is worker-1/));
  });
  it('the same host draws none', () => {
    expect(problemsOf('healthy-kubeadm-v1.30-containerd/kubelet.short-precise.log').filter((p) => /capture's \/etc\/hostname/.test(p))).toEqual([]);
  });
});

describe('explain and docs/rules.md', () => {
  it('show each placeholder as its default (or <name>), never the raw template syntax', async () => {
    const { renderRulesDoc } = await import('../src/render/rules-doc.js');
    const { showTemplate } = await import('../src/rules/model.js');
    expect(renderRulesDoc(await builtinRules())).not.toContain('{{');
    expect(showTemplate("crictl --runtime-endpoint {{suggest|endpoint|'unix:///run/containerd/containerd.sock'}} version")).toBe('crictl --runtime-endpoint unix:///run/containerd/containerd.sock version');
    expect(showTemplate('ls {{path|/var/lib/kubelet/config.yaml}} {{path}}')).toBe('ls /var/lib/kubelet/config.yaml <path>');
    const explained = cli(['explain', 'cri-endpoint-unreachable']).stdout;
    expect(explained).toContain('crictl --runtime-endpoint unix:///run/containerd/containerd.sock version');
    expect(explained).not.toContain('{{');
  });
});

describe('messages cut mid-phrase', () => {
  it('end in an ellipsis, never "no such file ." as if complete', async () => {
    const { scanText } = await import('./helpers.js');
    const r = await scanText(
      [
        // journal lines cut by a pager or a paste: the capture stops mid-phrase, inside the quoted error
        'Nov 20 10:00:01 worker-1 kubelet[701]: E1120 10:00:01.000000     701 run.go:74] "command failed" err="failed to run Kubelet: validate service connection: validate CRI v1 runtime API for endpoint \\"unix:///run/containerd/containerd.sock\\": rpc error: code = Unavailable desc = connection error: desc = \\"transport: Error while dialing: dial unix /run/containerd/containerd.sock: connect: no such file ',
        'Nov 20 10:00:05 worker-1 kubelet[702]: E1120 10:00:05.000000     702 run.go:74] "command failed" err="failed to load kubelet config file, path: /var/lib/kubelet/config.yaml, error: failed to load Kubelet config file /var/lib/kubelet/config.yaml, error failed to decode: yaml: line 3: error parsing ',
      ].join('\n'),
      { nodeState: false },
    );
    expect(r.findings.length).toBeGreaterThan(0);
    for (const f of r.findings) {
      expect(f.message, f.ruleId).not.toMatch(/\s\.(\s|$)/);
      expect(f.message, f.ruleId).not.toMatch(/…\./);
    }
    expect(r.findings.find((f) => f.ruleId === 'cri-endpoint-unreachable')?.message).toMatch(/no such file…$/);
    expect(r.findings.find((f) => f.ruleId === 'config-file-invalid')?.message).toMatch(/error parsing…$/);
  });

  it('values in commands are left as they are', async () => {
    const { fillTemplate, markCut, tidyProse } = await import('../src/rules/model.js');
    expect(markCut('open /x: no such file ')).toBe('open /x: no such file…');
    expect(markCut('desc = "transport: dial')).toBe('desc = "transport: dial…');
    expect(markCut('desc = "complete"')).toBe('desc = "complete"');
    expect(tidyProse('It failed: parsing .')).toBe('It failed: parsing…');
    expect(fillTemplate('ls {{p}}', { p: 'a b ' })).toBe('ls a b');
    expect(fillTemplate('Cause: {{p}}.', { p: 'no such file ' }, true)).toBe('Cause: no such file…');
  });
});

describe('installing it', () => {
  it('npm pack builds dist/ first (prepack) and ships it with the launcher and the rules', async () => {
    const { spawnSync } = await import('node:child_process');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; files: string[]; bin: Record<string, string> };
    // a clean clone has no dist/: packing must build it
    expect(pkg.scripts.prepack).toMatch(/npm run build/);
    expect(pkg.bin['kubelet-doctor']).toBe('bin/kubelet-doctor.js');
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const f of ['bin/kubelet-doctor.js', 'dist/src/cli.js', 'dist/rules/index.js', 'README.md']) expect(files).toContain(f);
  });

  it('the README says how to put kubelet-doctor on PATH', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(/npm install -g \./);
    expect(readme).toMatch(/npm link/);
    expect(readme).toMatch(/kubelet-doctor-linux-x64/);
  });
});

describe('a --node that cannot be read', () => {
  it('is a problem of that input in every format, not only a skipped rule', async () => {
    const missing = join(scratchDir(), 'node.yaml');
    // the text from the built CLI; the other formats rendered in this process from one scan (the CLI's --root
    // scan without a journal names why none was read, which a scan given no inputs here does not: not compared)
    const out = await scanOutputs({ root: HEALTHY, nodeFile: missing, now: NOW }, ['json', 'markdown', 'sarif', 'junit']);
    out.text = cli(['scan', '--root', HEALTHY, '--node', missing, '--now', NOW.toISOString(), '--format', 'text', '--fail-on', 'never']).stdout;
    for (const [format, stdout] of Object.entries(out)) expect(stdout, format).toMatch(/cannot read --node .*node\.yaml/);
  });
});
