// Seed 001: a line inside the kubelet's ExecStart= lacks its trailing `\`. systemd ends the command
// there and reads the rest as bogus directives (`Unknown key '--allow-privileged' in section [Service]`),
// so every flag after the break is silently dropped.

import { defineRule, type CheckResult, type Citation } from '../src/rules/kit.js';

export default defineRule({
  id: 'unit-exec-start-broken',
  title: "The kubelet unit's ExecStart= is cut short by a missing line continuation",
  severity: 'error',
  category: 'configuration',
  evidence: ['kubeletConfig', 'journal'],
  priority: 16,
  match: {
    journal: [
      // systemd on daemon-reload: `<file>:<line>: Unknown key '<k>' in section [Service], ignoring.`
      // (systemd ≥ 250; older: `Unknown key name '<k>' in section 'Service'`, oldest `Unknown lvalue`)
      {
        pattern: "(?<file>/\\S*kubelet[\\w@.-]*\\.service(?:\\.d/[\\w.@-]+\\.conf)?):(?<line>\\d+): Unknown (?:key|key name|lvalue) '(?<key>-[^']*)' in section \\[?'?Service",
        processes: 'any',
      },
      { pattern: "(?<file>/\\S*kubelet[\\w@.-]*\\.service(?:\\.d/[\\w.@-]+\\.conf)?):(?<line>\\d+): Missing '=', ignoring line", processes: 'any' },
    ],
  },
  message: "systemd ignores '{{key|'a flag line'}}' in {{file|'the kubelet unit'}}:{{line|'?'}}: the line before it lacks its trailing \"\\\", so ExecStart= ends early and the flags after it never reach the kubelet.",
  why:
    'systemd joins a directive\'s lines only while each ends with a backslash. When one line of a multi-line ExecStart= misses it, the command ends there; the following `--flag=value \\` lines become a directive named `--flag` that systemd ignores with a warning at daemon-reload. The kubelet starts anyway, without those flags, so the node runs with defaults nobody chose (log level, QPS, pause image, ...).',
  remediation: {
    summary: 'Add the missing "\\" at the end of the cited line, then reload systemd and restart the kubelet.',
    steps: [
      { text: 'Let systemd show the broken lines', command: 'systemd-analyze verify {{file|/etc/systemd/system/kubelet.service}}' },
      { text: 'Append the backslash to the line that ends ExecStart= too early (check the whole command afterwards)', command: "sed -n '/^ExecStart=/,/^[A-Z]/p' {{file|/etc/systemd/system/kubelet.service}}" },
      { text: 'Reload and restart; confirm every flag is on the command line', command: "systemctl daemon-reload && systemctl restart kubelet && tr '\\0' ' ' < /proc/$(pidof kubelet)/cmdline" },
    ],
  },
  references: ['https://www.freedesktop.org/software/systemd/man/latest/systemd.syntax.html', 'https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#Command%20lines'],
  check(ctx): CheckResult {
    const kc = ctx.evidence.kubeletConfig;
    const broken = (kc?.unitProblems ?? []).filter((p) => p.cutAfter);
    if (!broken.length) {
      if (ctx.hits.count > 0) return { evidence: [] };
      return kc ? undefined : { skip: 'kubelet unit unknown' };
    }
    const p = broken[0]!;
    const lost = broken.flatMap((b) => b.lostArgs ?? []);
    const cites: Citation[] = [
      { kind: 'file', source: p.display, line: p.cutAfter!.line, text: p.cutAfter!.text, field: p.cutAfter!.key, note: `${p.cutAfter!.key}= ends here: no trailing "\\"` },
      ...broken.map((b) => ({ kind: 'file' as const, source: b.display, line: b.line, endLine: b.endLine, text: b.text, note: b.message })),
    ];
    return {
      message: `${p.display}:${p.cutAfter!.line} ends ${p.cutAfter!.key}= without a trailing "\\": systemd drops the next ${lost.length} argument(s) (${lost.join(' ')}) and the kubelet runs without them.`,
      vars: { file: kc!.unit?.files.length ? `/${p.display.replace(/^\//, '')}` : p.display, line: String(p.cutAfter!.line), key: lost[0] ?? '' },
      evidence: cites,
      current: true,
    };
  },
});
