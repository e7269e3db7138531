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
      // kuberuntime_manager.go getTypedVersion, the start-up version call's own wrapper (printf `Get remote runtime typed
      // version failed: %v` v1.10-v1.17, then the error `get remote runtime typed version failed: %v` that ends the run as
      // `failed to run Kubelet: failed to create kubelet: …`) around a gRPC error other than a dial error (the dial
      // pattern below reads those): dockershim's `Unknown desc = failed to get docker version: Cannot connect to the
      // Docker daemon …`, a runtime that does not answer in time (`DeadlineExceeded`)
      { pattern: '[Gg]et remote runtime typed version failed: (?!.*Error while dialing)(?<err>rpc error: [^"\\n]{0,300})', versions: '>=1.10' },
      // dockershim (v1.10-v1.23, --container-runtime=docker): NewDockerService asks dockerd for its info first and, when
      // that fails, logs it and carries on with the default cgroupfs driver (printf `Failed to execute Info() call to the
      // Docker client: %v`, <= v1.19); from v1.20 it returns the bare `Failed to execute Info() call to the Docker client`
      // as the error that ends the run (`failed to run Kubelet: failed to create kubelet: …`). Before v1.20 the run
      // then ends on the version check or on a cgroup driver "misconfiguration" that only says dockerd never answered.
      // The docker client's error is `Cannot connect to the Docker daemon at %s. Is the docker daemon running?`.
      {
        pattern: 'Failed to execute Info\\(\\) call to the Docker client(?:(?::|" err=")\\s*"?(?:Cannot connect to the Docker daemon at (?<socket>[^\\s"]+?)\\.? Is the docker daemon running\\?|(?<dockerErr>[^"]{1,300})))?',
        versions: '>=1.10 <1.24',
      },
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
      { text: 'Is the runtime running, and where is its socket?', command: 'systemctl status containerd crio cri-docker docker --no-pager\nls -l /run/containerd/containerd.sock /var/run/crio/crio.sock /var/run/cri-dockerd.sock /var/run/docker.sock 2>&1' },
      {
        text: 'containerd installed with Docker lists "cri" in disabled_plugins: back up its config, take "cri" out of that list, and restart containerd',
        command: "cp -a /etc/containerd/config.toml /etc/containerd/config.toml.bak.$(date +%s)\nsed -i '/^disabled_plugins/s/\"cri\",\\? *//' /etc/containerd/config.toml\ngrep -n '^disabled_plugins' /etc/containerd/config.toml\nsystemctl restart containerd",
      },
      {
        text: 'If the runtime listens on another socket, point the kubelet at it{{setWhere|\' (containerRuntimeEndpoint in the KubeletConfiguration, v1.27+; a --container-runtime-endpoint flag overrides it: change the flag where it is set)\'}}',
        command: "{{setCommand|'containerRuntimeEndpoint: <socket of the running runtime>'}}",
      },
      { text: 'Check that the runtime answers where the kubelet will look', command: 'crictl --runtime-endpoint {{suggest|endpoint|\'unix:///run/containerd/containerd.sock\'}} version' },
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
    const fix = rt ? endpointFix(rt.endpoint) : {};
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
          vars: { endpoint: ep.value, causeText: `: ${ep.reason ?? 'the socket does not exist'}`, ...(suggest ? { suggest } : {}), ...fix },
          message: `The kubelet's CRI endpoint ${ep.value} has no socket (${ep.reason ?? 'missing'})${ep.otherSockets.length ? `; sockets that do exist: ${ep.otherSockets.join(', ')}` : '; no runtime socket exists at all (is the runtime running?)'}.`,
        };
      }
      if (rt.kind === 'containerd' && rt.containerd?.criDisabled) {
        const c = rt.containerd.criDisabled;
        return {
          evidence: [c.cite, ep.cite],
          current: true,
          vars: { endpoint: ep.value, causeText: ': containerd runs with its CRI plugin disabled', ...fix },
          message: `containerd's config disables the CRI plugin (disabled_plugins = [${c.value.map((x) => `"${x}"`).join(', ')}]), so ${ep.value} answers without a runtime.v1.RuntimeService and the kubelet cannot use it.`,
        };
      }
      if (hits.count > 0) return { evidence: [], vars: { causeText: cause, ...(suggest ? { suggest } : {}), ...fix } };
      if (!cfg && ep.present !== true) return { skip: `no journal match, and ${rt.settings.note ?? 'the kubelet configuration is unavailable'}` };
      // a capture without /run cannot say whether the socket is there: unknown, not a pass
      if (ep.socketPath && ep.present === undefined) return { skip: `no journal match, and ${ep.reason ?? `${ep.socketPath}: presence unknown`}` };
      return undefined;
    }
    if (hits.count > 0) return { evidence: [], vars: { causeText: cause } };
    return undefined;
  },
});

/**
 * Where to change the endpoint, from the evidence: the --container-runtime-endpoint flag overrides the
 * KubeletConfiguration, so when the flag set it the fix edits the flag in the file that sets it (backed up
 * first), never the config file. The new value is the socket that exists, never the broken one.
 */
function endpointFix(ep: { value: string; cite: Citation; otherSockets: string[] }): Record<string, string> {
  const to = ep.otherSockets[0] ? `unix://${ep.otherSockets[0]}` : '<socket of the running runtime>';
  const src = ep.cite.source;
  const at = `${src}${ep.cite.line !== undefined ? `:${ep.cite.line}` : ''}`;
  const file = src.startsWith('/') ? src : `/${src}`;
  const bak = `/root/${file.split('/').pop()}.bak.$(date +%s)`;
  if (/^--container-runtime-endpoint\b/.test(ep.cite.text ?? '')) {
    if (/^\/?proc\/\d+\/cmdline$/.test(src))
      return {
        setWhere: ` (the running kubelet got it as a --container-runtime-endpoint flag, which overrides the KubeletConfiguration: change the flag in the unit or environment file that passes it)`,
        setCommand: `systemctl cat kubelet | grep -n -- --container-runtime-endpoint; grep -rn -- --container-runtime-endpoint /var/lib/kubelet/kubeadm-flags.env /etc/default/kubelet /etc/sysconfig/kubelet 2>/dev/null`,
      };
    return {
      setWhere: ` (it is set by the --container-runtime-endpoint flag in ${at}, which overrides the KubeletConfiguration: change it there)`,
      setCommand: `cp -a ${file} ${bak}\nsed -i 's#--container-runtime-endpoint[= ][^ "]*#--container-runtime-endpoint=${to}#' ${file}\nsystemctl daemon-reload && systemctl restart kubelet`,
    };
  }
  if (ep.cite.line !== undefined && /containerRuntimeEndpoint/.test(ep.cite.text ?? ''))
    return {
      setWhere: ` (containerRuntimeEndpoint in ${at})`,
      setCommand: `cp -a ${file} ${bak}\nsed -i 's#^\\( *containerRuntimeEndpoint:\\).*#\\1 ${to}#' ${file}\nsystemctl restart kubelet`,
    };
  return {};
}
