// The kubelet looks up its own Node object and it does not exist. Right after every start a healthy
// kubelet prints this a few times (lister, eviction manager, mirror pods, CSINode, node lease) before its
// registration lands; the lab's real kubelets v1.24-v1.37 all do, then print "Successfully registered node".
// So lookups that all came before that line, in the run that registered, are the kubelet waiting for it:
// no finding. Its informer's cache catches up a moment later: a lookup in that moment is part of the wait
// (v1.37.2 printed `"Error updating node status, will retry" err="error getting node …: node … not found"`
// 50 µs after registering). Lookups that go on after it (the Node object deleted under a running kubelet)
// are a finding.

import { defineRule } from '../src/rules/kit.js';

/** Right after start a healthy kubelet prints this a few times before its registration lands. */
const MIN_COUNT = 10;
/** How long after "Successfully registered node" the kubelet's own cache may still miss the Node. */
const CATCH_UP_MS = 30_000;

export default defineRule({
  id: 'node-not-found',
  title: "The kubelet's Node object does not exist (yet)",
  severity: 'warning',
  category: 'registration',
  evidence: ['journal'],
  match: {
    minCount: MIN_COUNT,
    journal: [
      // F14: <=v1.20 bare `node "X" not found` (kubelet.go, every ~100 ms, from the informer lister: singular);
      // v1.21-v1.27 `"Error getting node" err="node "X" not found"`; v1.28+ `"Error getting the current node from
      // lister" err="node "X" not found"`; eviction manager `failed to get node info: node "X" not found`;
      // node status `error getting node "X": nodes "X" not found` (API NotFound: plural). Old `Kubelet failed to get node info: …`.
      { pattern: '\\bnodes? "(?<nodeName>[^"]+)" not found' },
    ],
  },
  message:
    'The kubelet keeps looking up Node "{{nodeName|node|\'?\'}}" and it does not exist ({{count}} times). This is a consequence: registration of this node is failing or the kubelet uses another name than the one registered.',
  why:
    'The kubelet reads its own Node object from the API server; until registration succeeds it logs that the node is not found. When this persists, something earlier prevents registration (API server unreachable, forbidden or unauthorized registration, TLS bootstrap not finished, the kubelet exiting at start), or the node name changed (hostname changed after join, --hostname-override different from the certificate, uppercase hostnames are lower-cased), or the Node object was deleted while the kubelet kept running.',
  remediation: {
    summary: 'Fix the error that stops registration (look at the lines just before these), or make the node name consistent.',
    steps: [
      { text: 'Look for the registration attempt and its error', command: "journalctl -u kubelet --no-pager | grep -E 'register node|Unable to register|Attempting to register' | tail -n 5" },
      {
        text: 'Compare the name the kubelet uses with the registered nodes and the certificate',
        command:
          "hostname; grep -rE 'hostname-override' /etc/default/kubelet /etc/sysconfig/kubelet /var/lib/kubelet/kubeadm-flags.env 2>/dev/null\nkubectl get nodes -o wide\nopenssl x509 -noout -subject -in /var/lib/kubelet/pki/kubelet-client-current.pem",
      },
      { text: 'If the Node object was deleted while the kubelet ran, restart the kubelet so it registers again', command: 'systemctl restart kubelet' },
    ],
  },
  references: ['https://kubernetes.io/docs/concepts/architecture/nodes/#self-registration-of-nodes', 'https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/'],
  check({ evidence, hits }) {
    if (hits.count < MIN_COUNT) return undefined;
    const facts = evidence.journal?.facts;
    const at = facts?.registered ? facts.registeredAt : undefined;
    const last = hits.latest;
    // the latest run registered after the last lookup that failed, or just before it (by the records'
    // times; without times, lines of one file are in order, and across files the finding stays)
    if (at && last) {
      const lastTime = last.rec?.time;
      if (at.time !== undefined && lastTime !== undefined) {
        if (lastTime <= at.time + CATCH_UP_MS) return undefined;
      } else if (last.source === at.source && last.line < at.line) return undefined;
    }
    return { evidence: [] };
  },
});
