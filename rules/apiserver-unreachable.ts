// The kubelet cannot reach the API server. A run of failed calls (5 or more) is reported, as before; fewer are
// reported when they cannot be a control plane booting its own API server: client-go's reflector says it already
// retried (`- error from a previous attempt: …`, v1.26+) and the connection was accepted and then dropped (reset, EOF,
// GOAWAY: a proxy or load balancer with no upstream), which a static kube-apiserver that is not up yet never does
// (it gives `connection refused`).

import { defineRule, type CheckResult } from '../src/rules/kit.js';

/** A run of failures this long is reported whatever they look like. */
const RUN_OF_FAILURES = 5;

export default defineRule({
  id: "apiserver-unreachable",
  title: "The kubelet cannot reach the API server",
  severity: "error",
  category: "connectivity",
  evidence: ["journal"],
  priority: 3,
  match: {
    journal: [
      // F3/F13/F14 contexts: `Unable to register node … with API server`, `Error updating node status, will retry`,
      // node lease (`Failed to ensure lease exists, will retry`), reflectors (`failed to list *v1.Node`,
      // `"Failed to watch" err=…`), events, the certificate manager. Every client-go call names the URL of an API path
      // (/api/… or /apis/…); quoted by Go >= 1.14 (kubelet v1.18+), bare before. CNI plugins calling the API server
      // from inside a pod sandbox setup are not the kubelet's own connection and are left out.
      // Keyed on `<url>: dial tcp <addr>`; the reason is an optional capture so a line cut after the address matches.
      { pattern: "^(?!.*(?:plugin type=|PodSandbox|failed to setup network|failed to set up sandbox)).*?\"?(?<url>https?://(?<endpoint>[^/\"\\s]+)/apis?/[^\"\\s]*)\"?: dial tcp (?<addr>\\[[^\\]]+\\]:\\d+|[^\\s:]+:\\d+)(?:: (?:connect: )?(?<reason>connection refused|no route to host|i/o timeout|network is unreachable|connection reset by peer|connection timed out))?" },
      // the same calls when the API server name does not resolve (Go net wording; not in the reference)
      { pattern: "^(?!.*(?:plugin type=|PodSandbox|failed to setup network|failed to set up sandbox)).*?\"?(?<url2>https?://(?<endpoint2>[^/\"\\s]+)/apis?/[^\"\\s]*)\"?: dial tcp: lookup (?<lookup>[^\\s:]+)(?: on [^\\s]+)?: (?<reason2>no such host|server misbehaving|i/o timeout)" },
      // TLS started but the server never answered (Go net/http; not in the reference)
      { pattern: "^(?!.*(?:plugin type=|PodSandbox|failed to setup network|failed to set up sandbox)).*?\"?(?<url3>https?://(?<endpoint3>[^/\"\\s]+)/apis?/[^\"\\s]*)\"?: (?<reason3>net/http: TLS handshake timeout)" },
      // an established connection dropped: Go net `read tcp <local>-><remote>: read: connection reset by peer` (a local
      // load balancer such as 127.0.0.1:6443 with no reachable upstream resets every connection), `EOF`, http2's
      // `client connection lost` / GOAWAY, client timeouts (a request context that ran out: the lease's
      // `Get "…/leases/<node>?timeout=10s": context deadline exceeded`). client-go reflectors append `- error from a previous
      // attempt: …` (v1.26+).
      { pattern: "^(?!.*(?:plugin type=|PodSandbox|failed to setup network|failed to set up sandbox)).*?\"?(?<url4>https?://(?<endpoint4>[^/\"\\s]+)/apis?/[^\"\\s]*)\"?(?:: (?:read|write) tcp \\S+->\\S+: (?:read|write): (?<reason4>connection reset by peer|broken pipe|connection timed out)|: (?<reason5>unexpected EOF)|: (?<reason7>http2: client connection lost|http2: server sent GOAWAY and closed the connection|context deadline exceeded(?: \\(Client\\.Timeout exceeded while awaiting headers\\))?|net/http: request canceled(?: while waiting for connection)?))" },
      // the connection closed with no answer (`…": EOF`), a pattern of its own so the journal pass looks for `: EOF`
      // and not for `http`, which many healthy lines carry
      { pattern: "^(?!.*(?:plugin type=|PodSandbox|failed to setup network|failed to set up sandbox)).*?\"?(?<url6>https?://(?<endpoint6>[^/\"\\s]+)/apis?/[^\"\\s]*)\"?: EOF\\b" },
    ],
  },
  message: "The kubelet cannot reach the API server at {{endpoint|endpoint2|endpoint3|endpoint4|endpoint6|'its kubeconfig server'}} ({{reason|reason2|reason3|reason4|reason5|reason7|'no answer'}}, {{count}} failed calls): it cannot register the node, report status or renew its lease.",
  why: "Every kubelet \u2194 control plane interaction (registration, node status, lease, pod and secret watches, certificate requests) goes to the server URL in kubelet.conf. \"connection refused\" means nothing listens there (kube-apiserver down or crash-looping, wrong port); \"i/o timeout\" / \"no route to host\" mean packets are dropped (firewall on 6443, wrong IP, load balancer without healthy backends, routing); \"connection reset by peer\" / \"EOF\" on an established connection mean something in between (a local or cloud load balancer, a proxy) accepts and then drops it. The node stays NotReady and, after the grace period, its pods are evicted by the control plane.",
  remediation: {"summary": "Find out why {{endpoint|endpoint2|endpoint3|endpoint4|endpoint6|'the API server'}} does not answer from this node, and fix that (API server, firewall, address).", "steps": [{"text": "Check the address the kubelet uses and whether it answers from this node", "command": "grep server: /etc/kubernetes/kubelet.conf\ncurl -k --max-time 5 https://{{endpoint|endpoint2|endpoint3|endpoint4|endpoint6|'<apiserver>:6443'}}/healthz; echo"}, {"text": "On the control plane, check that kube-apiserver runs and listens (kubeadm runs it as a static pod)", "command": "crictl ps -a --name kube-apiserver; ss -ltnp | grep 6443"}, {"text": "If the server is a loopback address (127.0.0.1:6443 \u2014 a local proxy such as kube-lb, haproxy or nginx in front of the control plane), \"connection reset\" or \"EOF\" means the proxy has no reachable upstream; check its upstreams and reach them directly", "command": "ss -ltnp | grep 6443; journalctl -u kube-lb -u haproxy -u nginx --since -15min --no-pager | tail -n 40"}, {"text": "Check firewalls between the node and the API server port (6443 by default), on both ends", "command": "iptables -S | grep -E '6443|REJECT|DROP'; firewall-cmd --list-ports 2>/dev/null"}]},
  references: ["https://kubernetes.io/docs/reference/networking/ports-and-protocols/", "https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/troubleshooting-kubeadm/", "https://kubernetes.io/docs/concepts/architecture/nodes/#self-registration-of-nodes"],
  explains: ["node-not-found"],
  check(ctx): CheckResult {
    const h = ctx.hits;
    if (h.count >= RUN_OF_FAILURES) return { evidence: [] };
    if (h.count === 0) return undefined;
    // index 3: an established connection dropped (reset, EOF, GOAWAY, timeouts); with the reflector's retry marker the
    // one line already holds two failed attempts against a server that accepted the connection
    const dropped = (h.byPattern[3] ?? 0) + (h.byPattern[4] ?? 0) > 0;
    const retried = h.samples.some((s) => /error from a previous attempt: /i.test(s.text)) || (h.latest ? /error from a previous attempt: /i.test(h.latest.text) : false);
    return dropped && retried ? { evidence: [] } : undefined;
  },
});
