// Which cluster to talk to, as kubectl decides it: --kubeconfig FILE, else every file of KUBECONFIG
// (colon-separated; missing files skipped; merged with the first file's value winning: current-context,
// and each cluster, user and context by name), else ~/.kube/config, else the pod's service account
// (in-cluster: KUBERNETES_SERVICE_HOST and the mounted token). --context picks a context of the merge.
// client-node's loadFromDefault merges the other way round (the last current-context wins, a duplicate name
// throws) and falls back to http://localhost:8080: hence this.

import { existsSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';

export interface KubeSelection {
  /** --kubeconfig: one file, as kubectl takes it. */
  kubeconfig?: string;
  /** --context */
  context?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** Where the service account's files are mounted (tests point it elsewhere). */
  serviceAccountRoot?: string;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The kubeconfig files kubectl would read, in order of precedence. */
export function kubeconfigPaths(sel: KubeSelection): { paths: string[]; from: '--kubeconfig' | 'KUBECONFIG' | '~/.kube/config' | 'none' } {
  if (sel.kubeconfig) return { paths: [sel.kubeconfig], from: '--kubeconfig' };
  const env = (sel.env ?? process.env).KUBECONFIG;
  if (env) return { paths: env.split(delimiter).filter((p) => p && existsSync(p)), from: 'KUBECONFIG' };
  const home = join(sel.home ?? homedir(), '.kube', 'config');
  return existsSync(home) ? { paths: [home], from: '~/.kube/config' } : { paths: [], from: 'none' };
}

/** A KubeConfig for the selection: merged files, or in-cluster; a clear error when there is none or the context is unknown. */
export async function loadKubeConfig(sel: KubeSelection): Promise<k8s.KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const env = sel.env ?? process.env;
  const { paths, from } = kubeconfigPaths(sel);
  const kc = new KubeConfig();
  if (paths.length) {
    const clusters = new Map<string, k8s.Cluster>();
    const users = new Map<string, k8s.User>();
    const contexts = new Map<string, k8s.Context>();
    let current = '';
    for (const p of paths) {
      const one = new KubeConfig();
      try {
        one.loadFromFile(p);
      } catch (e) {
        throw new Error(`${p}: not a usable kubeconfig: ${(e as Error).message.split('\n')[0]}`);
      }
      current ||= one.currentContext;
      for (const c of one.clusters) if (!clusters.has(c.name)) clusters.set(c.name, c);
      for (const u of one.users) if (!users.has(u.name)) users.set(u.name, u);
      for (const c of one.contexts) if (!contexts.has(c.name)) contexts.set(c.name, c);
    }
    kc.loadFromOptions({ clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext: current });
  } else if (env.KUBERNETES_SERVICE_HOST && existsSync(join(sel.serviceAccountRoot ?? '/', SA_DIR, 'token'))) {
    // as client-node's loadFromCluster, from the given environment (it reads process.env)
    const sa = join(sel.serviceAccountRoot ?? '/', SA_DIR);
    const host = env.KUBERNETES_SERVICE_HOST;
    const server = `https://${isIPv6(host) ? `[${host}]` : host}:${env.KUBERNETES_SERVICE_PORT ?? '443'}`;
    kc.loadFromOptions({
      clusters: [{ name: 'inCluster', server, caFile: join(sa, 'ca.crt'), skipTLSVerify: false }],
      users: [{ name: 'inClusterUser', authProvider: { name: 'tokenFile', config: { tokenFile: join(sa, 'token') } } }],
      contexts: [{ name: 'inClusterContext', cluster: 'inCluster', user: 'inClusterUser', namespace: 'kube-system' }],
      currentContext: 'inClusterContext',
    });
  } else {
    throw new Error(
      from === 'KUBECONFIG'
        ? `none of the files in KUBECONFIG exists (${env.KUBECONFIG})`
        : 'no kubeconfig: pass --kubeconfig FILE, set KUBECONFIG, create ~/.kube/config, or run in a pod with a service account',
    );
  }
  if (sel.context) {
    if (!kc.contexts.some((c) => c.name === sel.context)) throw new Error(`no context "${sel.context}" in the kubeconfig (contexts: ${kc.contexts.map((c) => c.name).join(', ') || 'none'})`);
    kc.setCurrentContext(sel.context);
  }
  if (!kc.getCurrentCluster()?.server) throw new Error(`the kubeconfig's current context${kc.currentContext ? ` "${kc.currentContext}"` : ''} names no cluster with a server`);
  return kc;
}
