// F12: the kubelet cannot reach its container runtime over CRI: the socket is missing or refuses
// connections, the runtime has no CRI plugin (containerd `disabled_plugins = ["cri"]`), or speaks
// no CRI v1. Node: the configured endpoint's socket is absent, or containerd's CRI is disabled.

import { defineRule, type Citation, withKnownSettings } from '../src/rules/kit.js';

export default defineRule({
  id: 'cri-endpoint-unreachable',
  title: 'The kubelet cannot reach the container runtime (CRI endpoint)',
  severity: 'error',
  category: 'runtime',
  evidence: ['journal', 'runtime'],
  fatal: true,
  priority: 9,
  match: {
    journal: [
      // v1.26: `validate service connection: CRI v1 runtime API is not implemented for endpoint "…": rpc error: …`
      // ~v1.27+: `validate service connection: validate CRI v1 runtime API for endpoint "…": rpc error: …` (image API alike)
      { pattern: 'validate service connection: (?:validate )?CRI v1 (?:runtime|image) API (?:is not implemented )?for endpoint "(?<endpoint>[^"]+)"(?::\\s*(?<err>[^\\n]{0,300}))?', versions: '>=1.26' },
      // v1.23 - v1.25
      { pattern: 'unable to determine runtime API version: (?<err>rpc error: [^\\n]{0,300})', versions: '1.23 - 1.25' },
      // v1.21 - v1.25
      { pattern: '"?Version from runtime service failed"?(?: err=| : |: )', versions: '1.21 - 1.25' },
      // the dial error itself, old (`Error while dialing dial unix`) and new (`Error while dialing: dial unix`) grpc-go
      // (only when not already inside one of the wrappers above, so each line counts once; grpc's own W lines are noise)
      {
        pattern: '^(?!.*(?:validate service connection|unable to determine runtime API version|Version from runtime service failed)).*?Error while dialing:? dial unix:? ?(?<socket>[^\\s:"]*):? ?(?:connect: (?<cause>no such file or directory|connection refused|permission denied)|missing address)',
        minLevel: 'E',
      },
      { pattern: '^(?!.*validate service connection).*?unknown service runtime\\.v1(?:alpha2)?\\.RuntimeService' },
      { pattern: '(?:the containerRuntimeEndpoint was not specified or empty|container runtime endpoint address was not specified or empty)', versions: '>=1.26' },
      { pattern: 'unsupported CRI runtime: "(?<runtime>[^"]*)", only "(?<supported>[^"]*)" is currently supported', versions: '1.24 - 1.26' },
      // (a runtime that dies after start-up — `Container runtime sanity check failed`, `container runtime is down` — is
      // runtime-down's signature, not an unreachable endpoint)
      // crictl / kubeadm preflight relay the same errors
      { pattern: '\\[ERROR CRI\\]: container runtime is not running', processes: 'any' },
    ],
  },
  message: 'The kubelet cannot talk to the container runtime at {{endpoint|socket|\'its CRI endpoint\'}}{{causeText|\'\'}}.',
  why:
    'Everything the kubelet does with containers goes through the CRI socket. At start-up it checks the runtime version over that socket and exits if the call fails (socket missing, connection refused, no CRI v1 service); later failures stop pod sync (PLEG unhealthy, container runtime is down) and the node goes NotReady.',
  remediation: {
    summary: 'Start the runtime with its CRI enabled, and point the kubelet at its real socket.',
    steps: [
      { text: 'Is the runtime running, and where is its socket?', command: 'systemctl status containerd crio cri-docker --no-pager\nls -l /run/containerd/containerd.sock /var/run/crio/crio.sock /var/run/cri-dockerd.sock 2>&1' },
      {
        text: 'containerd installed with Docker has the CRI plugin disabled: regenerate the config (then set SystemdCgroup = true) and restart',
        command: 'containerd config default > /etc/containerd/config.toml\nsystemctl restart containerd',
      },
      { text: 'Point the kubelet at the socket that exists (KubeletConfiguration, v1.27+; or --container-runtime-endpoint)', command: 'containerRuntimeEndpoint: {{suggest|\'unix:///run/containerd/containerd.sock\'}}' },
      { text: 'Check with crictl', command: 'crictl --runtime-endpoint {{endpoint|suggest|\'unix:///run/containerd/containerd.sock\'}} version' },
    ],
  },
  references: [
    'https://kubernetes.io/docs/setup/production-environment/container-runtimes/',
    'https://kubernetes.io/docs/tasks/administer-cluster/migrating-from-dockershim/find-out-runtime-you-use/',
  ],
  explains: ['pleg-unhealthy', 'runtime-down', 'node-not-found'],
  check(given) {
    // settings from a KubeletConfiguration that does not parse are unknown: journal matches only, or skipped
    const known = withKnownSettings(given);
    if ('skip' in known) return known;
    const { evidence, hits } = known;
    const rt = evidence.runtime;
    const cause = hits.captures.cause ? `: ${hits.captures.cause}` : hits.captures.err ? `: ${hits.captures.err.slice(0, 160)}` : '';
    if (rt) {
      const ep = rt.endpoint;
      const suggest = ep.otherSockets[0] ? `unix://${ep.otherSockets[0]}` : undefined;
      const cfg = rt.settings.from === 'kubeletConfig';
      if (ep.present === false && cfg) {
        const citations: Citation[] = [ep.cite, { kind: 'absent', source: ep.socketPath ?? ep.value, text: ep.reason ?? `${ep.socketPath} does not exist` }];
        return {
          evidence: citations,
          current: true,
          vars: { endpoint: ep.value, causeText: `: ${ep.reason ?? 'the socket does not exist'}`, ...(suggest ? { suggest } : {}) },
          message: `The kubelet's CRI endpoint ${ep.value} has no socket (${ep.reason ?? 'missing'})${ep.otherSockets.length ? `; sockets that do exist: ${ep.otherSockets.join(', ')}` : '; no runtime socket exists at all (is the runtime running?)'}.`,
        };
      }
      if (rt.kind === 'containerd' && rt.containerd?.criDisabled) {
        const c = rt.containerd.criDisabled;
        return {
          evidence: [c.cite, ep.cite],
          current: true,
          vars: { endpoint: ep.value, causeText: ': containerd runs with its CRI plugin disabled' },
          message: `containerd's config disables the CRI plugin (disabled_plugins = [${c.value.map((x) => `"${x}"`).join(', ')}]), so ${ep.value} answers without a runtime.v1.RuntimeService and the kubelet cannot use it.`,
        };
      }
      if (hits.count > 0) return { evidence: [], vars: { causeText: cause, ...(suggest ? { suggest } : {}) } };
      if (!cfg && ep.present !== true) return { skip: `no journal match, and ${rt.settings.note ?? 'the kubelet configuration is unavailable'}` };
      // a capture without /run cannot say whether the socket is there: unknown, not a pass
      if (ep.socketPath && ep.present === undefined) return { skip: `no journal match, and ${ep.reason ?? `${ep.socketPath}: presence unknown`}` };
      return undefined;
    }
    if (hits.count > 0) return { evidence: [], vars: { causeText: cause } };
    return undefined;
  },
});
