// SARIF output: valid against the vendored SARIF 2.1.0 schema, rules from rule metadata, results
// located at the cited journal/config lines, skipped rules as tool notifications, exit codes.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { renderSarif, sourceUri } from '../src/render/sarif.js';
import { builtinRules, cli, ROOT, scanText, scratchDir } from './helpers.js';
import { JOURNAL_LINE, sampleReport, sampleRules, SWAP_JOURNAL } from './render-sample.js';

const schema = JSON.parse(readFileSync(join(ROOT, 'test/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }) // the schema's language pattern is not valid with the u flag;
addFormats(ajv);
const validate = ajv.compile(schema);

function valid(doc: unknown): void {
  const ok = validate(doc);
  expect(ok ? [] : validate.errors!.slice(0, 10).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
}


describe('sarif', () => {
  it('a hand-made report with every citation kind is valid SARIF 2.1.0', () => {
    const doc = JSON.parse(renderSarif(sampleReport(), { rules: sampleRules() }));
    valid(doc);
    expect(doc.version).toBe('2.1.0');
    expect(doc.runs).toHaveLength(1);
    const run = doc.runs[0];
    const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
    for (const id of [...sampleReport().rulesRun, 'cni-config-missing', 'runtime-down']) expect(ids).toContain(id);
    const swapRule = run.tool.driver.rules.find((r: { id: string }) => r.id === 'swap-enabled');
    expect(swapRule.helpUri).toMatch(/^https:\/\/kubernetes.io/);
    expect(swapRule.help.text).toContain('swapoff -a');
    expect(swapRule.help.markdown).toContain('```sh');
    expect(swapRule.defaultConfiguration.level).toBe('error');
    // results follow the report's rank; ruleIndex points at the descriptor
    const res = run.results;
    expect(res.map((r: { ruleId: string }) => r.ruleId)).toEqual(['swap-enabled', 'node-not-found', 'client-cert-expiring', 'noisy-benign', 'pleg-unhealthy']);
    for (const r of res) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    const swap = res[0];
    expect(swap.level).toBe('error');
    const loc = swap.locations[0].physicalLocation;
    expect(loc.artifactLocation.uri).toBe('file:///var/log/kubelet.log');
    expect(loc.region.startLine).toBe(3);
    expect(loc.region.snippet.text).toBe(JOURNAL_LINE);
    expect(JOURNAL_LINE.slice(loc.region.startColumn - 1, loc.region.endColumn - 1)).toMatch(/^running with swap on is not supported/);
    // config file + line, and a file without a line, as related locations
    const rel = swap.relatedLocations.map((l: { physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine?: number; endLine?: number } } }) => l.physicalLocation);
    expect(rel[0].region).toMatchObject({ startLine: 40, endLine: 42 });
    expect(rel[1]).toMatchObject({ artifactLocation: { uri: 'var/lib/kubelet/config.yaml' }, region: { startLine: 12 } });
    // node paths resolve against the capture root (NODEROOT), absolute ones stand alone
    expect(rel[2]).toEqual({ artifactLocation: { uri: 'proc/swaps', uriBaseId: 'NODEROOT' } });
    expect(loc.artifactLocation.uriBaseId).toBeUndefined();
    expect(swap.relatedLocations[1].message.text).toBe('failSwapOn = true: failSwapOn: true');
    // certificate subject cited on the cert file; API object as a logical location
    const cert = res[2];
    expect(cert.locations[0].physicalLocation.artifactLocation.uri).toBe('var/lib/kubelet/pki/kubelet-client-current.pem');
    expect(cert.locations[0].message.text).toContain('CN=system:node:worker-1');
    expect(cert.relatedLocations[0].logicalLocations[0]).toEqual({ fullyQualifiedName: '/api/v1/nodes/worker-1', kind: 'resource' });
    // benign and earlier-run findings are notes (like --fail-on, they do not count)
    expect(res[3].level).toBe('note');
    expect(res[4].level).toBe('note');
    expect(res[4].message.text).toContain('earlier kubelet runs only');
    expect(res[1].properties.explainedBy).toBe('swap-enabled');
    // skipped rules and source problems are tool execution notifications
    const notes = run.invocations[0].toolExecutionNotifications;
    expect(notes).toContainEqual(expect.objectContaining({ level: 'note', associatedRule: expect.objectContaining({ id: 'cni-config-missing' }) }));
    expect(notes).toContainEqual(expect.objectContaining({ level: 'error', associatedRule: expect.objectContaining({ id: 'runtime-down' }) }));
    expect(notes.some((n: { message: { text: string } }) => n.message.text.includes('looked cut short'))).toBe(true);
    expect(run.properties.verdict).toMatch(/^kubelet exits/);
  });

  it('without rule metadata the descriptors come from the findings', () => {
    const doc = JSON.parse(renderSarif(sampleReport()));
    valid(doc);
    const d = doc.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'swap-enabled');
    expect(d.shortDescription.text).toBe('Swap is on and the kubelet refuses to run with it');
  });

  it('source URIs', () => {
    expect(sourceUri('/var/log/kube let.log')).toBe('file:///var/log/kube%20let.log');
    expect(sourceUri('stdin')).toBe('stdin');
    expect(sourceUri('etc/kubernetes/kubelet.conf')).toBe('etc/kubernetes/kubelet.conf');
  });

  it('a report scanned from a journal is valid and points at the journal line', async () => {
    const rules = await builtinRules();
    const report = await scanText(SWAP_JOURNAL);
    const doc = JSON.parse(renderSarif(report, { rules }));
    valid(doc);
    const r = doc.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'swap-enabled');
    expect(r.level).toBe('error');
    const loc = r.locations[0].physicalLocation;
    expect(loc.artifactLocation.uri).toMatch(/^file:\/\/\/.*kubelet\.log$/);
    expect(loc.region.startLine).toBe(3);
    expect(doc.runs[0].tool.driver.rules.length).toBe(report.rulesRun.length + report.skipped.length);
  });

  it('the CLI writes SARIF, applies --fail-on, and --output-file keeps the text view on stdout', () => {
    const dir = scratchDir();
    const journal = join(dir, 'kubelet.log');
    writeFileSync(journal, SWAP_JOURNAL);
    const r = cli(['scan', '--journal', journal, '--format', 'sarif']);
    expect(r.code).toBe(1);
    valid(JSON.parse(r.stdout));
    expect(cli(['scan', '--journal', journal, '--format', 'sarif', '--fail-on', 'never']).code).toBe(0);
    const out = join(dir, 'out.sarif');
    const r2 = cli(['scan', '--journal', journal, '--format', 'sarif', '--output-file', out]);
    expect(r2.code).toBe(1);
    expect(r2.stdout).toMatch(/Verdict:/);
    valid(JSON.parse(readFileSync(out, 'utf8')));
  });

  it('names its uri bases (the capture root, the working directory) and one automation id per node', () => {
    const doc = JSON.parse(renderSarif(sampleReport(), { rules: sampleRules(), root: '/captures/node one', cwd: '/home/me' }));
    valid(doc);
    const run = doc.runs[0];
    expect(run.originalUriBaseIds.NODEROOT.uri).toBe('file:///captures/node%20one/');
    expect(run.originalUriBaseIds.WORKDIR.uri).toBe('file:///home/me/');
    expect(run.automationDetails.id).toBe(`kubelet-doctor/${sampleReport().node!.name}/`);
    const bases = run.results.flatMap((r: { locations: { physicalLocation?: { artifactLocation: { uriBaseId?: string; uri: string } } }[] }) => r.locations.map((l) => l.physicalLocation?.artifactLocation)).filter(Boolean);
    for (const a of bases) expect(a.uri.startsWith('file:') || a.uriBaseId === 'NODEROOT' || a.uriBaseId === 'WORKDIR').toBe(true);
    // a relative journal path resolves against the working directory
    const rep = sampleReport();
    rep.findings[0]!.evidence[0] = { ...rep.findings[0]!.evidence[0]!, source: 'logs/kubelet.log' };
    const d2 = JSON.parse(renderSarif(rep, { cwd: '/home/me' }));
    expect(d2.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'logs/kubelet.log', uriBaseId: 'WORKDIR' });
  });

  it('several nodes: one run per node with its own automation id, one for the comparisons, valid SARIF 2.1.0', async () => {
    const { renderView } = await import('../src/fleet/view.js');
    const a = { ...sampleReport(), node: { name: 'node-a' } };
    const b = { ...sampleReport(), node: { name: 'node-b' } };
    const doc = JSON.parse(
      renderView(
        {
          nodes: [{ name: 'node-a', report: a }, { name: 'node-b', report: b }],
          comparisons: [{ id: 'duplicate-mac', severity: 'error', title: 'Nodes share a MAC address', message: 'm', nodes: ['node-a', 'node-b'], evidence: ['node-a: eth0 52:54:00:00:00:01', 'node-b: eth0 52:54:00:00:00:01'] }],
          couldNotRun: [{ node: 'node-c', reason: 'pod unschedulable' }],
        },
        'sarif',
        { color: false, rules: sampleRules() },
      ),
    );
    valid(doc);
    expect(doc.runs.map((r: { automationDetails: { id: string } }) => r.automationDetails.id)).toEqual(['kubelet-doctor/node-a/', 'kubelet-doctor/node-b/', 'kubelet-doctor/fleet/']);
    expect(doc.runs[2].results[0].ruleId).toBe('duplicate-mac');
    expect(doc.runs[2].invocations[0].toolExecutionNotifications[0].message.text).toMatch(/node-c: could not run/);
  });
});
