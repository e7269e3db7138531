// The container runtime's own config does not load, so the runtime refuses to start: a TOML syntax error, a
// table defined twice (a second `[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]`
// appended to set SystemdCgroup), an import that is missing or a malformed import glob (containerd), or a
// daemon.json that is not JSON (Docker). Said by containerd or dockerd on stderr, or found on the node (file and line).
// Its socket then never appears, so the kubelet cannot reach its CRI endpoint: that finding is folded under this one.

import { defineRule, type Citation } from '../src/rules/kit.js';

export default defineRule({
  id: 'runtime-config-invalid',
  title: "The container runtime's config file does not load",
  severity: 'error',
  category: 'runtime',
  evidence: ['journal', 'runtime'],
  priority: 8,
  match: {
    journal: [
      // containerd <= 1.7 (services/server/config LoadConfig, go-toml v1): `containerd: failed to load TOML: %s: %w`
      // with go-toml's `(row, col): message`, e.g. `(46, 12): duplicated tables`
      { pattern: '(?:^|containerd: )failed to load TOML: (?<file>/[^\\s:]+): \\((?<row>\\d+), (?<col>\\d+)\\): (?<err>[^\\n"]{1,200})', processes: 'any' },
      // containerd 2.x (go-toml v2): `failed to unmarshal TOML at row %d column %d: %w` (a decode error with a
      // position: go-toml >= 2.3 reports duplicate tables so), else `failed to unmarshal TOML: %w`
      // (`toml: table options already exists` from go-toml 2.2)
      { pattern: '(?:^|containerd: )failed to unmarshal TOML(?: at row (?<row>\\d+) column (?<col>\\d+))?: (?<err>toml: [^\\n"]{1,200})', processes: 'any' },
      // dockerd (cmd/dockerd: `unable to configure the Docker daemon with file %s: %v`, printed on stderr before it
      // exits): daemon.json is not JSON (encoding/json's `invalid character '}' looking for beginning of object key
      // string`, `unexpected end of JSON input`) or holds a directive dockerd refuses
      { pattern: 'unable to configure the Docker daemon with file (?<file>/[^\\s:]+): (?<err>[^\\n"]{1,200})', processes: 'any' },
    ],
  },
  message: "The container runtime refuses to start: its config {{file|'config.toml'}} does not load ({{err|'see the cited line'}}).",
  why:
    "containerd and CRI-O read their whole TOML config (and containerd every file it imports) before they start; a syntax error, a table or key defined twice, an import that cannot be opened or a malformed import glob stops them, and Docker stops on a daemon.json that is not JSON. The runtime then never creates its socket, so the kubelet cannot reach its CRI endpoint, runs no pod, and the node goes NotReady. A config edited while the runtime runs takes effect — and fails — only at the next restart or reboot.",
  remediation: {
    summary: 'Fix the cited line of {{file|the config}} (a duplicated table: move its keys into the first one and delete the second header), check that the runtime loads it, then restart the runtime.',
    steps: [
      { text: 'Back up the file and show the cited lines and every table header (a header listed twice is the duplicate)', command: "cp -a {{file|'/etc/containerd/config.toml'}} {{file|'/etc/containerd/config.toml'}}.bak.$(date +%s)\ngrep -n '^\\s*\\[' {{file|'/etc/containerd/config.toml'}}" },
      { text: 'Edit the file: merge the keys of the second copy of the table into the first and delete the second header (for an import, make the path exist or fix the pattern)' },
      {
        text: 'Check that the runtime now loads its config (read-only: each prints the config or the same error)',
        command: 'containerd config dump >/dev/null && echo containerd config OK   # containerd: config.toml and its imports\npython3 -m json.tool /etc/docker/daemon.json >/dev/null && echo daemon.json OK   # Docker',
      },
      { text: 'Restart the runtime, then the kubelet', command: 'systemctl restart containerd   # or crio / docker\nsystemctl restart kubelet' },
    ],
  },
  references: ['https://github.com/containerd/containerd/blob/main/docs/man/containerd-config.toml.5.md', 'https://toml.io/en/v1.0.0#table'],
  explains: ['cri-endpoint-unreachable', 'runtime-down', 'cni-config-missing'],
  check({ evidence, hits }) {
    const rt = evidence.runtime;
    // the runtime the endpoint names (all of them when it names none we know); a problem with a line is the
    // file's content, which the runtime itself refuses (a file the doctor cannot read is not that)
    const configs = rt ? (rt.kind === 'containerd' ? [rt.containerd] : rt.kind === 'crio' ? [rt.crio] : rt.kind === 'unknown' ? [rt.containerd, rt.crio, rt.docker] : [rt.docker]) : [];
    const bad = configs.flatMap((c) => (c?.problems ?? []).filter((p) => p.line !== undefined));
    if (bad.length) {
      const citations: Citation[] = bad.map((p) => ({ kind: 'file', source: p.file, line: p.line, text: p.message }));
      const first = bad[0]!;
      const file = first.file.startsWith('/') ? first.file : `/${first.file}`;
      return {
        evidence: citations,
        current: true,
        vars: { file, err: `line ${first.line}: ${first.message}` },
        message: `The container runtime refuses to start: ${bad.map((p) => `${p.file}:${p.line}: ${p.message}`).join('; ')}.`,
      };
    }
    if (hits.count > 0) return { evidence: [] };
    // no config of the runtime was found to read (a capture without one, or the runtime's built-in defaults)
    if (!configs.some((c) => c?.files.length)) return { skip: 'no journal match, and no container runtime config file (containerd config.toml, crio.conf, daemon.json) was found' };
    return undefined;
  },
});
