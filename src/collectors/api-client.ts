// Read-only access to the API server through @kubernetes/client-node's typed clients (CoreV1Api,
// CertificatesV1Api): the kubeconfig's TLS, token and exec-plugin handling are the real client's.
// Answers are turned back into plain JSON (`kubectl get -o json` shape) so API objects and --node
// files go through the same parser. client-node takes ~700 ms to import: it is imported dynamically,
// and only when the API is actually used.

import { delimiter } from 'node:path';
import type { KubeconfigMaterial } from './kubeconfig.js';

export interface ApiResponse {
  status: number;
  json: unknown;
}

export interface ApiClient {
  server: string;
  readNode(name: string): Promise<ApiResponse>;
  listCertificateSigningRequests(): Promise<ApiResponse>;
  listNodeEvents(name: string): Promise<ApiResponse>;
}

export interface ApiClientOptions {
  /** A kubeconfig file on this machine (--kubeconfig), or KUBECONFIG's colon-separated list: paths in it are host paths. */
  kubeconfigFile?: string;
  /** --context: a context of that kubeconfig. */
  context?: string;
  /** Credentials read from the node's own kubeconfig (under --root), already resolved. */
  material?: KubeconfigMaterial;
  timeoutMs?: number;
}

export async function makeApiClient(o: ApiClientOptions): Promise<ApiClient> {
  const k8s = await import('@kubernetes/client-node');
  let kc = new k8s.KubeConfig();
  if (o.kubeconfigFile) {
    // KUBECONFIG's list is merged as kubectl merges it (kube-config.ts)
    const { loadKubeConfig } = await import('../kube-config.js');
    kc = await loadKubeConfig(o.kubeconfigFile.includes(delimiter) ? { env: { KUBECONFIG: o.kubeconfigFile }, context: o.context } : { kubeconfig: o.kubeconfigFile, context: o.context });
  } else if (o.material?.server) {
    const m = o.material;
    const b64 = (s?: string) => (s ? Buffer.from(s).toString('base64') : undefined);
    kc.loadFromOptions({
      clusters: [{ name: 'node', server: m.server, caData: b64(m.ca), skipTLSVerify: !!m.insecure }],
      users: [{ name: 'node', certData: b64(m.cert), keyData: b64(m.key), token: m.token }],
      contexts: [{ name: 'node', cluster: 'node', user: 'node' }],
      currentContext: 'node',
    });
  } else throw new Error('no kubeconfig with a server to contact');
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new Error('the kubeconfig has no current cluster with a server');
  const base = new URL(cluster.server);
  const timeoutMs = o.timeoutMs ?? 5000;
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const certificates = kc.makeApiClient(k8s.CertificatesV1Api);
  // Every request carries a deadline, so an unreachable server cannot hold the scan (or the process) open.
  // (the object-parameter API passes options to the observable layer, hence Observable middleware)
  const options: import('@kubernetes/client-node').ConfigurationOptions = {
    middleware: [
      {
        pre: (ctx) => {
          ctx.setSignal(AbortSignal.timeout(timeoutMs));
          return new k8s.Observable(Promise.resolve(ctx));
        },
        post: (res) => new k8s.Observable(Promise.resolve(res)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
  const call = async (request: () => Promise<unknown>): Promise<ApiResponse> => {
    try {
      // typed models hold Dates; a JSON round trip gives back the API's own JSON shape
      return { status: 200, json: JSON.parse(JSON.stringify(await request())) };
    } catch (e) {
      if (e instanceof k8s.ApiException) {
        let json: unknown = e.body;
        if (typeof e.body === 'string') {
          try {
            json = JSON.parse(e.body);
          } catch {
            json = { message: e.body.slice(0, 200) };
          }
        }
        return { status: e.code, json };
      }
      const err = e as Error;
      if (err.name === 'AbortError' || err.name === 'TimeoutError') throw new Error(`no answer from ${base.origin} within ${timeoutMs} ms`);
      throw err;
    }
  };
  return {
    server: base.origin,
    readNode: (name) => call(() => core.readNode({ name }, options)),
    listCertificateSigningRequests: () => call(() => certificates.listCertificateSigningRequest({}, options)),
    listNodeEvents: (name) => call(() => core.listEventForAllNamespaces({ fieldSelector: `involvedObject.kind=Node,involvedObject.name=${name}` }, options)),
  };
}
