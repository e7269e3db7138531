// The kubelet config file (--config, or a --config-dir drop-in) does not parse: the kubelet exits at start-up.
// Said by the kubelet itself in the journal (F15, every era), or found on the node: the file exists but is not
// valid YAML/JSON (file and line cited). Its settings are then unknown, and rules that compare settings skip.

import { defineRule, type CheckResult } from '../src/rules/kit.js';

export default defineRule({
  id: 'config-file-invalid',
  title: 'The kubelet config file cannot be parsed',
  severity: 'error',
  category: 'configuration',
  evidence: ['journal', 'kubeletConfig'],
  fatal: true,
  priority: 6,
  match: {
    journal: [
      // F15: `failed to load Kubelet config file X, error <decode error>` (configfiles + kubelet codec) inside every era's
      // wrapper (<=v1.21 F line; v1.21-v1.23 `"Failed to load kubelet config file" err=…`; v1.24+ `"command failed" err=…`).
      // Decode errors: YAML syntax (`error converting YAML to JSON: yaml: line N: …`), wrong types
      // (`json: cannot unmarshal string into Go struct field KubeletConfiguration.maxPods of type int32`), strict decoding
      // (`strict decoding error: unknown field "…"`), an empty file (`kubelet config file "X" was empty`), a missing kind/apiVersion.
      // The codec's own prefixes changed (`failed to decode, error: …` older, `failed to decode: …` / `failed lenient decoding: …` newer).
      // A missing file is config-file-missing.
      { pattern: 'failed to load Kubelet config file (?<path>[^\\s,]+),? error:? (?!failed to read kubelet config file "[^"]*", error: open [^:]*: no such)(?=(?:.*?cannot unmarshal (?<got>\\w+) into Go (?:struct field (?:KubeletConfiguration\\.)?(?<field>[\\w.]+) of type (?<want>[\\w.\\[\\]]+)|value of type (?<want2>[\\w.\\[\\]]+)))?)(?=(?:.*?yaml: line (?<yamlLine>\\d+))?)(?<detail>.+?)(?:, path: \\S+)?"?(?: path="[^"]*")?$' },
    ],
  },
  message: 'The kubelet exits because it cannot parse its config file {{path}}: {{detail}}.',
  why: 'The kubelet decodes the file as a KubeletConfiguration (kubelet.config.k8s.io/v1beta1). A YAML syntax error (usually indentation or a tab), a value of the wrong type (a quoted number, a bare duration, a list where a map is expected), an unknown field name with strict decoding, an empty file or a missing apiVersion/kind stops the kubelet before it does anything else.',
  remediation: {
    summary: 'Fix {{path}} so it is valid YAML with the right field types, then restart the kubelet.',
    steps: [
      {
        text: 'Show the file around the reported line and check it parses',
        command: "cat -A -n {{path}} | sed -n '1,60p'\npython3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' {{path}}"
      },
      {
        text: 'Compare the field types with the KubeletConfiguration reference (e.g. maxPods is an integer, durations are strings like "2m0s")',
        command: "grep -n -i '{{field|'apiVersion'}}' {{path}}"
      },
      {
        text: 'Restart the kubelet after fixing',
        command: 'systemctl restart kubelet'
      }
    ]
  },
  references: ['https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/', 'https://kubernetes.io/docs/tasks/administer-cluster/kubelet-config-file/'],
  check(ctx): CheckResult {
    if (ctx.hits.count > 0) return { evidence: [] };
    const bad = ctx.evidence.kubeletConfig?.configInvalid;
    if (!bad || bad.kind !== 'invalid') return undefined;
    const detail = bad.message.replace(/^invalid YAML: /, '').replace(/[.\s]+$/, '');
    return {
      evidence: [{ kind: 'file', source: bad.source, ...(bad.line !== undefined ? { line: bad.line } : {}), text: bad.text ?? bad.message, note: bad.message }],
      current: true,
      vars: { path: bad.path, detail, ...(bad.line !== undefined ? { yamlLine: String(bad.line) } : {}) },
      message: `The kubelet cannot start: its config file ${bad.path} does not parse (${bad.line !== undefined ? `line ${bad.line}: ` : ''}${detail}). The kubelet exits at start-up until it is fixed; until then its settings are unknown, so the rules that compare them are skipped.`,
    };
  },
});
