// The byte fast path's skip test for `-o json` lines (engine/line-skip.ts skipJson) looks at the line it is
// given and nothing after it. It searched the rest of the read chunk for a field the line lacked: every
// systemd line of a crash loop (and every line after a PID change) scanned up to 512 KiB, and a 1 GB
// journal of 100,000 kubelet runs took 260 s instead of ~15. Time is the benchmark's; this checks the bound.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Signature, skipJson } from '../src/engine/line-skip.js';

const BOOT = '0123456789abcdef0123456789abcdef';
const entry = (pid: number, ident: string, message: string) => JSON.stringify({ _BOOT_ID: BOOT, _PID: String(pid), SYSLOG_IDENTIFIER: ident, MESSAGE: message });
const sig = { json: true, pid: 4242, pidField: Buffer.from('"_PID":"4242"'), bootField: Buffer.from(`"_BOOT_ID":"${BOOT}"`) } as Signature;

/** Every Buffer.indexOf made during f: the absolute end of the bytes it could search. */
function searchedEnds(f: () => void): number[] {
  const ends: number[] = [];
  const real = Buffer.prototype.indexOf;
  const spy = vi.spyOn(Buffer.prototype, 'indexOf').mockImplementation(function (this: Buffer, ...args: Parameters<Buffer['indexOf']>) {
    ends.push(this.byteOffset + this.length);
    return real.apply(this, args);
  });
  try {
    f();
  } finally {
    spy.mockRestore();
  }
  return ends;
}

describe('skipJson', () => {
  afterEach(() => vi.restoreAllMocks());
  // a systemd line, then many lines of the kubelet whose PID the signature holds
  const kubelet = entry(4242, 'kubelet', 'I1120 03:00:00.000000    4242 kubelet.go:2440] "SyncLoop UPDATE" source="api"');
  const text = `${entry(1, 'systemd', 'kubelet.service: Scheduled restart job, restart counter is at 7.')}\n${`${kubelet}\n`.repeat(2000)}`;
  const buf = Buffer.from(text);
  const nl = buf.indexOf(10);

  it('says no to a line of another process, searching only that line', () => {
    let skip: boolean | undefined;
    const ends = searchedEnds(() => (skip = skipJson(buf, 0, nl, sig)));
    expect(skip).toBe(false);
    expect(ends.length).toBeGreaterThan(0);
    for (const end of ends) expect(end).toBeLessThanOrEqual(buf.byteOffset + nl);
  });

  it('still skips a plain klog line of the signature process', () => {
    const s = nl + 1;
    const e = buf.indexOf(10, s);
    let skip: boolean | undefined;
    const ends = searchedEnds(() => (skip = skipJson(buf, s, e, sig)));
    expect(skip).toBe(true);
    for (const end of ends) expect(end).toBeLessThanOrEqual(buf.byteOffset + e);
  });
});
