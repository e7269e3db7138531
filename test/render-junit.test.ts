// JUnit output parsed back with a strict little XML reader: one testcase per rule that ran or was
// skipped, failures carry the message, evidence and fix, counts add up, odd characters stay legal.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderJunit, xmlEscape } from '../src/render/junit.js';
import { builtinRules, cli, scanText, scratchDir } from './helpers.js';
import { JOURNAL_LINE, sampleReport, sampleRules, SWAP_JOURNAL } from './render-sample.js';

interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

const ENT: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function unent(s: string, where: number): string {
  return s.replace(/&([^;]*);?/g, (m, name: string) => {
    if (!m.endsWith(';')) throw new Error(`bare & near ${where}`);
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    if (!(name in ENT)) throw new Error(`unknown entity &${name}; near ${where}`);
    return ENT[name]!;
  });
}

/** A strict parser for the XML subset JUnit uses (declaration, elements, attributes, text). */
export function parseXml(xml: string): El {
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(xml)) throw new Error('character not allowed in XML 1.0');
  let i = 0;
  const decl = /^<\?xml[^?]*\?>\s*/.exec(xml);
  if (!decl) throw new Error('no XML declaration');
  i = decl[0].length;
  const root: El = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: El[] = [root];
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (text.includes('>')) throw new Error(`stray > at ${i}`);
    stack[stack.length - 1]!.text += unent(text, i);
    if (lt < 0) break;
    if (xml.startsWith('</', lt)) {
      const m = /^<\/([\w.:-]+)\s*>/.exec(xml.slice(lt));
      if (!m) throw new Error(`bad end tag at ${lt}`);
      const el = stack.pop()!;
      if (el.name !== m[1]) throw new Error(`</${m[1]}> closes <${el.name}> at ${lt}`);
      i = lt + m[0].length;
      continue;
    }
    const m = /^<([\w.:-]+)((?:\s+[\w.:-]+="[^"<]*")*)\s*(\/?)>/.exec(xml.slice(lt));
    if (!m) throw new Error(`bad start tag at ${lt}: ${xml.slice(lt, lt + 60)}`);
    const attrs: Record<string, string> = {};
    for (const a of m[2]!.matchAll(/([\w.:-]+)="([^"]*)"/g)) {
      if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`);
      attrs[a[1]!] = unent(a[2]!, lt);
    }
    const el: El = { name: m[1]!, attrs, children: [], text: '' };
    stack[stack.length - 1]!.children.push(el);
    if (!m[3]) stack.push(el);
    i = lt + m[0].length;
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root.children.length !== 1 || root.text.trim()) throw new Error('one root element expected');
  return root.children[0]!;
}

const kids = (e: El, name: string) => e.children.filter((c) => c.name === name);

describe('junit', () => {
  it('one testcase per rule; failures, skips, errors and counts agree', () => {
    const doc = parseXml(renderJunit(sampleReport(), { rules: sampleRules() }));
    expect(doc.name).toBe('testsuites');
    const [suite] = kids(doc, 'testsuite');
    const cases = kids(suite!, 'testcase');
    const names = cases.map((c) => c.attrs.name);
    expect(names.sort()).toEqual([...sampleReport().rulesRun, 'cni-config-missing', 'runtime-down'].sort());
    const failed = cases.filter((c) => kids(c, 'failure').length);
    const skipped = cases.filter((c) => kids(c, 'skipped').length);
    const errored = cases.filter((c) => kids(c, 'error').length);
    // current, non-benign findings fail; the benign one and the earlier-run one pass with a note
    expect(failed.map((c) => c.attrs.name).sort()).toEqual(['client-cert-expiring', 'node-not-found', 'swap-enabled']);
    expect(skipped.map((c) => c.attrs.name)).toEqual(['cni-config-missing']);
    expect(errored.map((c) => c.attrs.name)).toEqual(['runtime-down']);
    for (const e of [doc, suite!]) {
      expect(Number(e.attrs.tests)).toBe(cases.length);
      expect(Number(e.attrs.failures)).toBe(3);
      expect(Number(e.attrs.skipped)).toBe(1);
      expect(Number(e.attrs.errors)).toBe(1);
    }
    const swap = cases.find((c) => c.attrs.name === 'swap-enabled')!;
    expect(swap.attrs.classname).toBe('kubelet-doctor.resources');
    const failure = kids(swap, 'failure')[0]!;
    expect(failure.attrs.type).toBe('error');
    expect(failure.attrs.message).toContain('(<see> *this* & [that])');
    expect(failure.text).toContain(`/var/log/kubelet.log:3  ${JOURNAL_LINE}`);
    expect(failure.text).toContain('var/lib/kubelet/config.yaml:12  failSwapOn = true: failSwapOn: true');
    expect(failure.text).toContain('swapoff -a');
    expect(failure.text).toContain('\\x1b[31mred'); // an ESC in a log line is not legal XML: shown escaped
    expect(kids(cases.find((c) => c.attrs.name === 'cni-config-missing')!, 'skipped')[0]!.attrs.message).toBe('cni: no CNI config directory under the root');
    expect(kids(cases.find((c) => c.attrs.name === 'pleg-unhealthy')!, 'system-out')[0]!.text).toMatch(/^seen only in earlier kubelet runs/);
    expect(kids(cases.find((c) => c.attrs.name === 'healthy-rule')!, 'failure')).toHaveLength(0);
    const props = Object.fromEntries(kids(kids(suite!, 'properties')[0]!, 'property').map((p) => [p.attrs.name, p.attrs.value]));
    expect(props).toMatchObject({ verdict: sampleReport().verdict, 'node.name': 'worker-1', 'kubelet.version': 'v1.29.3', 'kubelet.runs': '3' });
  });

  it('escapes markup and drops characters XML cannot hold', () => {
    expect(xmlEscape(`a<b>&"c'\u0007\uD800`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;\\x07\uFFFD');
  });

  it('a report scanned from a journal parses back', async () => {
    const report = await scanText(SWAP_JOURNAL);
    const doc = parseXml(renderJunit(report, { rules: await builtinRules() }));
    const suite = kids(doc, 'testsuite')[0]!;
    const cases = kids(suite, 'testcase');
    expect(cases.length).toBe(report.rulesRun.length + report.skipped.length);
    const swap = cases.find((c) => c.attrs.name === 'swap-enabled')!;
    expect(kids(swap, 'failure')[0]!.text).toMatch(/kubelet\.log:3 .*running with swap on is not supported/);
    expect(Number(suite.attrs.skipped) + Number(suite.attrs.errors)).toBe(report.skipped.length);
  });

  it('the CLI: --format junit with the same exit code as any other format', () => {
    const dir = scratchDir();
    const journal = join(dir, 'kubelet.log');
    writeFileSync(journal, SWAP_JOURNAL);
    const r = cli(['scan', '--journal', journal, '--format', 'junit']);
    expect(r.code).toBe(1);
    expect(parseXml(r.stdout).name).toBe('testsuites');
    expect(cli(['scan', '--journal', journal, '--format', 'junit', '--fail-on', 'never']).code).toBe(0);
    // failures are the current, non-benign findings, whatever other rules the node state fires
    const report = JSON.parse(cli(['scan', '--journal', journal, '--format', 'json']).stdout);
    const failing = new Set(report.findings.filter((f: { current: boolean; benign: boolean }) => f.current && !f.benign).map((f: { ruleId: string }) => f.ruleId));
    expect(Number(parseXml(r.stdout).attrs.failures)).toBe(failing.size);
  });
});
