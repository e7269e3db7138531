// klog prints a multi-line value as a block (`err=<`, tab-indented lines, ` >`); kubelets since v1.26 print
// startup errors that way ("command failed" err=<). The parser folds the block into the record that opened
// it; the engine matches that record once more with the block's text, however the block ends.

import { describe, expect, it } from 'vitest';
import { scanText } from './helpers.js';

const P = 'Nov 14 11:00:00.%s worker-22 kubelet[4433]:';
const at = (frac: string) => P.replace('%s', frac);
const OPEN = `${at('130852')} E1114 11:00:00.130852    4433 run.go:74] "command failed" err=<`;
const L1 = `${at('130861')} \tfailed to validate kubelet flags: unknown 'kubernetes.io' or 'k8s.io' labels specified with --node-labels: [node-role.kubernetes.io/worker]`;
const L2 = `${at('130870')} \t--node-labels in the 'kubernetes.io' namespace must begin with an allowed prefix (kubelet.kubernetes.io, node.kubernetes.io)`;
const CLOSE = `${at('130879')}  >`;
const NEXT = `${at('230000')} I1114 11:00:00.230000    4433 server.go:487] "Kubelet version" kubeletVersion="v1.27.6"`;

async function labelsFinding(lines: string[]) {
  const r = await scanText(`${lines.join('\n')}\n`);
  return r.findings.find((f) => f.ruleId === 'node-labels-invalid');
}

describe('klog block values are matched', () => {
  it('a closed block: the record is cited over the block lines, captures come from inside the block', async () => {
    const f = await labelsFinding([OPEN, L1, L2, CLOSE, NEXT]);
    expect(f).toBeDefined();
    expect(f!.count).toBe(1);
    expect(f!.message).toContain('node-role.kubernetes.io/worker');
    const c = f!.evidence.find((e) => e.kind === 'journal')!;
    expect([c.line, c.endLine]).toEqual([1, 4]);
    expect(c.text).toContain('"command failed" err=< failed to validate kubelet flags');
  });

  it('a block cut off by the next record, or by the end of the input, is matched too', async () => {
    expect(await labelsFinding([OPEN, L1, L2, NEXT])).toBeDefined();
    expect(await labelsFinding([OPEN, L1, L2])).toBeDefined();
  });

  it('without the block lines there is nothing to match', async () => {
    expect(await labelsFinding([OPEN, CLOSE, NEXT])).toBeUndefined();
  });

  it('the same in `-o cat` output', async () => {
    const cat = (l: string) => l.slice(at('000000').length + 1);
    expect(await labelsFinding([OPEN, L1, L2, CLOSE].map(cat))).toBeDefined();
  });
});
