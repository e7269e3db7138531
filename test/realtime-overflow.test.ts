// A 20-digit __REALTIME_TIMESTAMP (past what a Date holds) used to throw in toISOString and void the
// whole journal (exit 0, "no known failure"): the entry keeps its message without a time, the rest reads on.

import { describe, expect, it } from 'vitest';
import { scanText } from './helpers.js';
import { SWAP_JOURNAL } from './render-sample.js';

describe('__REALTIME_TIMESTAMP out of range', () => {
  it('one bad entry does not void the journal', async () => {
    const swap = SWAP_JOURNAL.trimEnd().split('\n').find((l) => /swap/i.test(l))!;
    const msg = swap.slice(swap.indexOf(': ', swap.indexOf('kubelet[')) + 2);
    const entry = (rt: string, m: string) => JSON.stringify({ __REALTIME_TIMESTAMP: rt, _BOOT_ID: 'b1', SYSLOG_IDENTIFIER: 'kubelet', _PID: '7', _SYSTEMD_UNIT: 'kubelet.service', MESSAGE: m });
    const text = [entry('99999999999999999999', 'I1122 00:00:00.000000 7 server.go:1] "starting"'), entry('1763769600000000', msg)].join('\n') + '\n';
    const r = await scanText(text, {}, 'kubelet.json');
    expect(r.findings.map((f) => f.ruleId)).toContain('swap-enabled');
  });
});
