// A minimal read-only API client. @kubernetes/client-node turns a kubeconfig into TLS options and
// auth headers (client certificates, tokens, exec plugins); the requests themselves are plain HTTPS
// GETs so the JSON comes back exactly as the API server sent it — the same shape as `kubectl get -o json`,
// parsed by the same code as a --node file. client-node takes ~700 ms to import: it is imported
// dynamically, and only when the API is actually used.

import https from 'node:https';
import type { KubeconfigMaterial } from './kubeconfig.js';

export interface ApiResponse {
  status: number;
  json: unknown;
}

export interface ApiClient {
  server: string;
  get(path: string): Promise<ApiResponse>;
}

export interface ApiClientOptions {
  /** A kubeconfig file on this machine (--kubeconfig / KUBECONFIG): paths in it are host paths. */
  kubeconfigFile?: string;
  /** Credentials read from the node's own kubeconfig (under --root), already resolved. */
  material?: KubeconfigMaterial;
  timeoutMs?: number;
}

export async function makeApiClient(o: ApiClientOptions): Promise<ApiClient> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  if (o.kubeconfigFile) kc.loadFromFile(o.kubeconfigFile);
  else if (o.material?.server) {
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
  const get = async (path: string): Promise<ApiResponse> => {
    const url = new URL(path.replace(/^\//, ''), base.href.endsWith('/') ? base.href : `${base.href}/`);
    const opts: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
    await kc.applyToHTTPSOptions(opts);
    return new Promise<ApiResponse>((resolve, reject) => {
      const req = https.request(url, { ...opts, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = { message: text.slice(0, 200) };
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer from ${base.origin} within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end();
    });
  };
  return { server: base.origin, get };
}
