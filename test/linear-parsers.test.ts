// Parsers of node files stay linear under the 4 MiB read cap (issue 12): time at n and at 4n is compared as a
// ratio (linear ~4×, quadratic ~16×), never against a clock, so a loaded machine does not make them flaky.

import { describe, expect, it } from 'vitest';
import { parsePem } from '../src/collectors/cert-info.js';
import { parseEnvironmentFile, parseUnit } from '../src/collectors/unit-file.js';
import { parseYamlSafe } from '../src/yaml.js';
import { proofSize } from './helpers.js';

/** Best of five: the run least disturbed by the machine's other work. */
function best(f: () => unknown): number {
  let t = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    try {
      f();
    } catch {
      /* errors are what some of these inputs should give */
    }
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}
function expectLinear(make: (n: number) => () => unknown, n: number): void {
  best(make(n)); // warm up (JIT, lazy imports)
  // a floor of 20 ms: a shorter time is mostly noise (a collection, a neighbour's burst). A second attempt
  // only when the first looks superlinear: on a loaded machine one burst can land on the 4n runs, while a
  // quadratic parser gives ~16x every time.
  let seen = '';
  let ratio = Infinity;
  for (let attempt = 0; attempt < 2 && ratio >= 9; attempt++) {
    const a = best(make(n));
    const b = best(make(4 * n));
    ratio = Math.min(ratio, b / Math.max(a, 20));
    seen += `${seen ? '; ' : ''}n=${n}: ${a.toFixed(1)} ms, 4n: ${b.toFixed(1)} ms`;
  }
  expect(ratio, seen).toBeLessThan(9);
}

describe('linear parsers', () => {
  it('YAML with many keys (the duplicate-key check)', () => {
    // the library's pairwise check only dominates past ~10,000 keys, which take seconds: full size with KUBELET_DOCTOR_TEST_FULL=1
    expectLinear((n) => () => parseYamlSafe(Array.from({ length: n }, (_, i) => `k${i}: ${i}`).join('\n'), 'big.yaml'), proofSize(1000, 10_000));
    expect(() => parseYamlSafe('a: 1\nb:\n  c: 1\n  c: 2\n', 'dup.yaml')).toThrow(/dup\.yaml:4: invalid YAML: Map keys must be unique: "c"/);
  });

  it('YAML of stray ] (one error, not one per bracket)', () => {
    expectLinear((n) => () => parseYamlSafe(`a: 1\n${']'.repeat(n)}`, 'b.yaml'), 50_000);
    expect(() => parseYamlSafe('a: [1, 2]\n]\n', 'b.yaml')).toThrow(/b\.yaml:2: invalid YAML: unexpected "\]" \(it closes no flow collection\)/);
    expect(parseYamlSafe('a: "]"\nb: x]y\nc: [1, {d: 2}]\n', 'ok.yaml')).toEqual({ a: ']', b: 'x]y', c: [1, { d: 2 }] });
  });

  it('PEM text of unterminated BEGIN lines (also as a kubeconfig client-certificate-data)', () => {
    expectLinear((n) => () => parsePem('-----BEGIN CERTIFICATE-----\n'.repeat(n), 'c.pem'), 20_000);
    // the input is built outside the timed call: building it (and collecting what that leaves) was half the time measured
    expectLinear((n) => {
      const text = Array.from({ length: n }, (_, i) => `-----BEGIN L${i}-----\n`).join('');
      return () => parsePem(text, 'c.pem');
    }, 50_000);
    expect(parsePem('-----BEGIN CERTIFICATE-----\n'.repeat(3), 'c.pem').problems).toEqual(['c.pem: no PEM block (-----BEGIN ...-----) found']);
  });

  it('unit files and environment files with many continuation lines', () => {
    expectLinear((n) => () => parseUnit(`[Service]\nExecStart=/usr/bin/kubelet \\\n${'  --v=2 \\\n'.repeat(n)}  --v=3\n`, 'u', 'u'), 80_000);
    expectLinear((n) => () => parseEnvironmentFile(`KUBELET_ARGS=--a \\\n${'--v=2 \\\n'.repeat(n)}--v=3\n`, 'e', 'e'), 80_000);
    const u = parseUnit('[Service]\nExecStart=/usr/bin/kubelet \\\n  --v=2 \\\n  --fail-swap-on=false\n', 'u', 'u');
    expect(u.directives[0]).toMatchObject({ key: 'ExecStart', value: '/usr/bin/kubelet    --v=2    --fail-swap-on=false', line: 2, endLine: 4 });
  });
});
