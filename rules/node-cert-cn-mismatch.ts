// The kubelet's client certificate names another node (or is not a node credential at all), so the
// API server's NodeRestriction admission refuses every write to this node's Node object (seed 000:
// k8s-master running with k8s-node1's kubeconfig). Fires from the certificate, from the journal's
// `node "X" is not allowed to modify node "Y"`, or both.

import { certCitation, defineRule, settingCitation, type CheckResult, type Citation } from '../src/rules/kit.js';

export default defineRule({
  id: 'node-cert-cn-mismatch',
  title: "The kubelet's client certificate belongs to a different node",
  severity: 'error',
  category: 'certificates',
  evidence: ['kubeconfig', 'kubeletConfig', 'node', 'journal'],
  priority: 20,
  explains: ['node-not-found'],
  match: {
    journal: [
      // F3, printf (≤1.20) and structured (1.21+, `\"` unescaped before matching) forms alike
      { pattern: 'node "(?<certNode>[^"]+)" is not allowed to modify node "(?<node>[^"]+)"', versions: '>=1.7' },
      { pattern: "node '(?<certNode>[^']+)' is not allowed to modify node '(?<node>[^']+)'" },
      { pattern: 'can only access node lease with the same name as the requesting node', versions: '>=1.14' },
      // F3 Node authorizer: the kubelet's identity has no edge to the object it reads (its pods are bound to the node
      // it registers as). Also seen briefly after a pod is deleted, so on its own it counts only when the node named
      // there differs from the node this kubelet registers as.
      { pattern: `no relationship found between node ['"](?<relNode>[^'"]+)['"] and this object` },
    ],
  },
  message: 'The API server refuses writes to node "{{node|\'this node\'}}" because the kubelet authenticates as node "{{certNode|relNode|\'another node\'}}".',
  why:
    'With the Node authorizer and the NodeRestriction admission plugin (kubeadm\'s default), a kubelet may only create and update the Node object whose name equals its certificate identity: CN=system:node:<name> in group O=system:nodes. A kubeconfig copied from another node, a renamed host or a --hostname-override that differs from the certificate makes registration and every status update fail; the node never becomes Ready.',
  remediation: {
    summary: 'Give this node its own client certificate (CN=system:node:<this node>, O=system:nodes), or make the node name match the certificate.',
    steps: [
      { text: 'Compare the certificate identity with the node name the kubelet uses', command: "kubectl config view --raw --kubeconfig {{kubeconfig|'/etc/kubernetes/kubelet.conf'}} -o jsonpath='{.users[0].user.client-certificate-data}' | base64 -d | openssl x509 -noout -subject" },
      { text: 'DESTRUCTIVE (kubeadm reset wipes the node\'s kubelet state, certificates and static pods; backed up first): kubeadm nodes: re-join so the node bootstraps its own certificate (on a worker only)', command: 'tar czf /root/node-backup-$(date +%Y%m%d%H%M%S).tgz /etc/kubernetes /var/lib/kubelet/pki && kubeadm reset -f && kubeadm join <control-plane>:6443 --token <token> --discovery-token-ca-cert-hash sha256:<hash>' },
      { text: 'Hand-made PKI ("the hard way"): issue a certificate for this node and rebuild its kubeconfig', command: "openssl req -new -key {{node|'NODE'}}-key.pem -subj '/O=system:nodes/CN=system:node:{{node|'NODE'}}' -out {{node|'NODE'}}.csr   # then sign with the cluster CA and kubectl config set-credentials system:node:{{node|'NODE'}} --client-certificate=... --client-key=... --embed-certs" },
      { text: 'If the certificate is right and the name is wrong, fix --hostname-override (or the host name) to the certificate\'s node, then restart', command: 'systemctl daemon-reload && systemctl restart kubelet' },
    ],
  },
  references: [
    'https://kubernetes.io/docs/reference/access-authn-authz/node/',
    'https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#noderestriction',
  ],
  check(ctx): CheckResult {
    const kube = ctx.evidence.kubeconfig?.kubeconfig;
    const cert = kube?.clientCert?.cert;
    const settings = ctx.evidence.kubeletConfig?.settings;
    const node = ctx.evidence.node;
    const facts = ctx.evidence.journal?.facts;
    const j = ctx.hits.count > 0 ? ctx.hits.captures : {};
    // the name this node registers as, and where we learned it
    const nameCites: Citation[] = [];
    let name: string | undefined;
    if (settings?.hostnameOverride) {
      name = settings.hostnameOverride.value.toLowerCase();
      nameCites.push(settingCitation(settings.hostnameOverride));
    } else if (node?.name) {
      name = node.name;
      nameCites.push({ kind: 'node', source: node.source, field: 'metadata.name', value: node.name, text: `metadata.name: ${node.name}` });
    } else if (facts?.nodeName) name = facts.nodeName;
    else if (j.node) name = j.node;
    let weakName = false;
    if (!name && settings?.nodeName) {
      name = settings.nodeName.value;
      nameCites.push(settingCitation(settings.nodeName));
      // a cloud provider may register the node under another name than the host name
      weakName = !!ctx.evidence.kubeletConfig?.flags['cloud-provider']?.value;
    }
    // the Node authorizer's "no relationship" alone: a mismatch only when it names another node than ours
    const relationOnly = ctx.hits.count > 0 && ctx.hits.count === (ctx.hits.byPattern[3] ?? 0);
    const relNode = j.relNode;
    if (!cert) {
      if (relationOnly) {
        if (!name || !relNode || relNode === name) return undefined;
        return { evidence: nameCites, vars: { node: name, certNode: relNode } };
      }
      if (ctx.hits.count > 0) return { evidence: [] };
      return { skip: kube ? `no client certificate in ${kube.display}${kube.clientCert?.problem ? ` (${kube.clientCert.problem})` : ''}` : 'no kubelet kubeconfig with a client certificate' };
    }
    const cn = cert.cn ?? '';
    const certNode = cn.startsWith('system:node:') ? cn.slice('system:node:'.length) : undefined;
    const badOrg = !cert.orgs.includes('system:nodes');
    const wrongName = !!name && !!certNode && certNode !== name;
    if (!certNode || badOrg || wrongName) {
      const problems: string[] = [];
      if (!certNode) problems.push(`has CN "${cn}", which is not a node identity (system:node:<name>)`);
      if (wrongName) problems.push(`is for node "${certNode}" but this node registers as "${name}"`);
      if (badOrg) problems.push(`is not in group system:nodes (O=${cert.orgs.join(',') || 'none'})`);
      return {
        ...(weakName && certNode && !badOrg && ctx.hits.count === 0 ? { severity: 'warning' as const } : {}),
        message: `The kubelet's client certificate (${kube!.clientCert!.display}) ${problems.join(' and ')}${weakName ? ' (the node name here is the host name; with --cloud-provider the registered name may differ)' : ''}: the API server's NodeRestriction refuses its writes to node "${name ?? '?'}".`,
        vars: { node: name ?? '?', certNode: certNode ?? cn, kubeconfig: kube!.path },
        evidence: [certCitation(cert, 'subject', `CN should be system:node:${name ?? '<node name>'}, O=system:nodes`), ...nameCites],
        current: true,
      };
    }
    // the certificate is right now; a journal refusal is from an earlier credential (a lone "no relationship" is
    // the transient one after a pod deletion)
    if (ctx.hits.count > 0 && !relationOnly) return { evidence: [certCitation(cert, 'subject', 'the current certificate matches the node name; the cited refusals predate it')], vars: { kubeconfig: kube!.path } };
    return undefined;
  },
});
