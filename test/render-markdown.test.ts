// Markdown for issues and chats: verdict first, evidence in fenced blocks, fixes as shell blocks.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandLang, fence, mdEscape, renderMarkdown } from '../src/render/markdown.js';
import { cli, scanText, scratchDir } from './helpers.js';
import { JOURNAL_LINE, sampleReport, SWAP_JOURNAL } from './render-sample.js';

describe('markdown', () => {
  it('verdict, findings, evidence blocks and fixes', () => {
    const md = renderMarkdown(sampleReport());
    expect(md.startsWith('## kubelet-doctor: kubelet exits: Swap is on')).toBe(true);
    expect(md).toContain('**Node:** worker\\-1'.replace('\\-', '-'));
    expect(md).toContain('**crash loop:** 3 runs, restart counter 5');
    expect(md).toContain('### 1. ERROR: Swap is on and the kubelet refuses to run with it (`swap-enabled`)');
    // log text is in a fence, verbatim
    expect(md).toContain(`\`\`\`text\n# /var/log/kubelet.log:3 (×7)\n${JOURNAL_LINE}\n`);
    expect(md).toContain('# var/lib/kubelet/config.yaml:12\nfailSwapOn = true: failSwapOn: true');
    // commands as shell blocks, config snippets as YAML, inside the numbered steps
    expect(md).toContain('1. Turn every swap device off now\n\n   ```sh\n   swapoff -a\n   ```');
    expect(md).toContain('   ```yaml\n   failSwapOn: false\n   memorySwap:\n     swapBehavior: NoSwap\n   ```');
    // prose is escaped so markup in messages shows literally
    expect(md).toContain('\\(\\<see\\> \\*this\\* & \\[that\\]\\)');
    // consequences folded under the cause, not as their own section
    expect(md).not.toContain('ERROR: The API server does not know this node');
    expect(md).toMatch(/<details><summary>Consequences of this \(folded\)<\/summary>[\s\S]*node-not-found/);
    expect(md).toMatch(/Skipped rules \(2\)[\s\S]*cni: no CNI config directory under the root: `cni-config-missing`/);
    expect(md).toContain('2 record\\(s\\) looked cut short');
    // every fence closes
    const fences = md.split('\n').filter((l) => /^\s*```/.test(l));
    expect(fences.length % 2).toBe(0);
  });

  it('fences outgrow backticks in the content; helpers', () => {
    expect(fence('a ``` b')).toBe('````\na ``` b\n````');
    expect(fence('plain', 'sh')).toBe('```sh\nplain\n```');
    expect(mdEscape('a_b *c* <d> @e')).toBe('a\\_b \\*c\\* \\<d\\> \\@e');
    expect(commandLang('swapoff -a')).toBe('sh');
    expect(commandLang('systemctl restart kubelet')).toBe('sh');
    expect(commandLang('failSwapOn: false')).toBe('yaml');
    expect(commandLang("enforceNodeAllocatable: [\"pods\"]")).toBe('yaml');
    expect(commandLang('curl -k https://x:6443/healthz')).toBe('sh');
  });

  it('a scanned report and the CLI', async () => {
    const md = renderMarkdown(await scanText(SWAP_JOURNAL));
    expect(md).toMatch(/^## kubelet-doctor: kubelet exits: Swap is on/);
    expect(md).toMatch(/```text\n# .*kubelet\.log:3\n.*running with swap on is not supported/);
    const dir = scratchDir();
    const journal = join(dir, 'kubelet.log');
    writeFileSync(journal, SWAP_JOURNAL);
    const r = cli(['scan', '--journal', journal, '--format', 'markdown']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('```sh\n   swapoff -a\n   ```');
    expect(cli(['scan', '--journal', journal, '--format', 'markdown', '--fail-on', 'never']).code).toBe(0);
  });
});
