// journalctl's entry formats read entry by entry: -o json-pretty (one JSON object over several lines) and
// -o verbose (a header with time and cursor, then indented FIELD=value lines). Real output of both is in
// fixtures/journal/{node-role-label-by-kubelet-v1-27,seed-004-x509-expired,seed-003-pleg-modern}; here the
// edges: detection, multi-line values, binary fields, broken and stray input.

import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Entry, type EntryError, entryFormat, readEntries } from '../src/journal/entries.js';
import { scanText } from './helpers.js';

async function entries(format: 'json-pretty' | 'verbose', text: string): Promise<(Entry | EntryError)[]> {
  const out: (Entry | EntryError)[] = [];
  for await (const e of readEntries(format, Readable.from([Buffer.from(text)]))) out.push(e);
  return out;
}

const HEADER = 'Thu 2025-11-20 03:00:00.130852 UTC [s=f602477dc0314e29b210a8d7522421ae;i=2;b=b0a1c2d3e4f5061728394a5b6c7d8e9f;m=141ddba88e;t=643fde4876b24;x=db53aa00eb4935ff]';
const VERBOSE = [
  HEADER,
  '    _PID=1234',
  '    SYSLOG_IDENTIFIER=kubelet',
  '    _HOSTNAME=node-a',
  '    MESSAGE=E1120 03:00:00.130852    1234 run.go:74] multi',
  '            line two',
  '            \tline three',
  '    _SYSTEMD_UNIT=kubelet.service',
].join('\n');

describe('entry formats', () => {
  it('are told from line formats by their first bytes', () => {
    expect(entryFormat('{\n\t"_HOSTNAME" : "node-a",\n')).toBe('json-pretty');
    expect(entryFormat(`${HEADER}\n    _PID=1\n`)).toBe('verbose');
    expect(entryFormat('__CURSOR=s=1\n')).toBe('export');
    expect(entryFormat('{"__CURSOR":"s=1","MESSAGE":"x"}\n')).toBeUndefined();
    expect(entryFormat('Nov 20 03:00:00.130852 node-a kubelet[1234]: I1120 x\n')).toBeUndefined();
    expect(entryFormat('2025-11-20T03:00:00.130852+0000 node-a kubelet[1234]: I1120 x\n')).toBeUndefined();
  });

  it('verbose: fields, a multi-line MESSAGE under its column, the time from the cursor, the MESSAGE line cited', async () => {
    const [e] = (await entries('verbose', VERBOSE)) as Entry[];
    expect(e!.fields.MESSAGE).toBe('E1120 03:00:00.130852    1234 run.go:74] multi\nline two\n\tline three');
    expect(e!.fields.__REALTIME_TIMESTAMP).toBe(String(0x643fde4876b24));
    expect(e!.fields._BOOT_ID).toBe('b0a1c2d3e4f5061728394a5b6c7d8e9f');
    expect([e!.line, e!.endLine]).toEqual([5, 8]);
  });

  it('verbose: a field journalctl shows as blob data is missing, and the record says it was cut short', async () => {
    const text = VERBOSE.replace(/    MESSAGE=[^]*?\n    _SYSTEMD_UNIT/, '    MESSAGE=[49B blob data]\n    _SYSTEMD_UNIT');
    const [e] = (await entries('verbose', text)) as Entry[];
    expect(e!.fields.MESSAGE).toBeNull();
    const r = await scanText(`${text}\n`);
    expect(r.sources[0]!.format).toBe('verbose');
    expect(r.sources[0]!.problems.join('\n')).toMatch(/1 record\(s\) looked cut short/);
  });

  it('json-pretty: an object per entry; a broken one and a cut-off one are named by line, the rest still read', async () => {
    const ok = ['{', '\t"_PID" : "1234",', '\t"MESSAGE" : "I1120 03:00:00.1 1234 a.go:1] \\"x\\"",', '\t"__REALTIME_TIMESTAMP" : "1763607600130852"', '}'];
    const broken = ['{', '\t"_PID" : "1234",,', '}'];
    const out = await entries('json-pretty', [...ok, ...broken, 'garbage', 'more garbage', ...ok, '{', '\t"_PID" : "1"'].join('\n'));
    expect(out.map((e) => ('error' in e ? e.error.replace(/: .*/, '') : `entry ${e.line}-${e.endLine}`))).toEqual([
      'entry 3-5',
      'the entry at line 6 is not valid JSON',
      'lines 9–10 are not journal entries (skipped)',
      'entry 13-15',
      'the entry at line 16 is cut off (no closing brace)',
    ]);
  });

  it('never throw on random or mutated input', async () => {
    const real = [VERBOSE, '{\n\t"_PID" : "1234",\n\t"MESSAGE" : "x"\n}'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...real), fc.nat(300), fc.string({ maxLength: 40 }), fc.constantFrom<'json-pretty' | 'verbose'>('json-pretty', 'verbose'), async (base, at, ins, format) => {
        const out = await entries(format, base.slice(0, at) + ins + base.slice(at));
        for (const e of out) expect(typeof ('error' in e ? e.error : e.fields)).not.toBe('undefined');
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});
