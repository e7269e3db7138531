// `kubelet-doctor fleet`: one Job of deploy/job.yaml per selected node (nodeName set), wait with progress on
// stderr, read each node's JSON report from its pod's log, print one fleet view, delete our Jobs (only ours:
// they carry a per-run label) at the end and on Ctrl-C. The Job spec has one source: deploy/job.yaml, read
// from the package, or carried inside the single executable (useEmbeddedJobTemplate), which has no deploy/.

import type { Command } from 'commander';
import { Option } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
// types only at load: the client library is imported when `fleet` runs, not at every start of the CLI (and the
// single executable never evaluates its optional requires for the other commands)
import type * as k8s from '@kubernetes/client-node';
import { yaml } from '../yaml.js';
import type { Report, Severity } from '../types.js';
import { compareNodes, type Comparison } from './compare.js';
import type { NodeFacts } from './facts.js';
import { renderView, viewExitCode, type FleetView } from './view.js';
import { FORMATS, type RenderOptions } from '../render/index.js';

export const RUN_LABEL = 'kubelet-doctor.io/fleet-run';

export interface NodeOutcome {
  node: string;
  state: 'pending' | 'running' | 'done' | 'failed';
  report?: Report;
  reason?: string;
}

let embeddedJob: string | undefined;

/** The single executable hands over deploy/job.yaml's text (scripts/sea-entry.mjs): it has no deploy/ on disk. */
export function useEmbeddedJobTemplate(text: string): void {
  embeddedJob = text;
}

/** The Job manifest: deploy/job.yaml (the one source of the spec), embedded in the single executable or read from the package. */
export function loadJobTemplate(path?: string): Record<string, any> {
  const text = path === undefined && embeddedJob !== undefined ? embeddedJob : readFileSync(path ?? packagedJobPath(), 'utf8');
  return yaml().parse(text) as Record<string, any>;
}

/** deploy/job.yaml of the package: two levels up from src/fleet/ (tests), three from dist/src/fleet/ (a build). */
function packagedJobPath(): string {
  const candidates = ['../../deploy/job.yaml', '../../../deploy/job.yaml'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((p) => existsSync(p)) ?? candidates[candidates.length - 1]!;
}

/** A Job's name holds at most 63 characters (it becomes the pods' job-name label value). */
export const MAX_JOB_NAME = 63;

/**
 * A Job name for one node and run: `kubelet-doctor-<node, cut>-<hash of the whole node name>-<run>`, at most
 * 63 characters. Node names may be 253 long; the hash keeps two long names that share a prefix apart.
 */
export function jobName(node: string, run: string): string {
  const hash = createHash('sha256').update(node).digest('hex').slice(0, 6);
  const room = MAX_JOB_NAME - 'kubelet-doctor-'.length - hash.length - run.length - 2;
  const safe = node.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, Math.max(0, room)).replace(/^-+|-+$/g, '');
  return ['kubelet-doctor', safe, hash, run].filter(Boolean).join('-');
}

/** A Job for one node: unique name, the run label on Job and pod, nodeName, optional image. */
export function jobFor(template: Record<string, any>, node: string, run: string, image?: string): k8s.V1Job {
  const job = structuredClone(template);
  job.metadata.name = jobName(node, run);
  job.metadata.labels = { ...job.metadata.labels, [RUN_LABEL]: run };
  job.spec.template.metadata.labels = { ...job.spec.template.metadata.labels, [RUN_LABEL]: run };
  job.spec.template.spec.nodeName = node;
  if (image) job.spec.template.spec.containers[0].image = image;
  return job as k8s.V1Job;
}

function notReady(n: k8s.V1Node): boolean {
  return n.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True';
}

/** Why a pod cannot run, or undefined while it may still run. */
export function podProblem(pod: k8s.V1Pod | undefined): string | undefined {
  if (!pod) return undefined;
  const unsched = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
  if (unsched) return `pod unschedulable: ${unsched.message ?? 'no reason given'}`;
  for (const cs of pod.status?.containerStatuses ?? []) {
    const w = cs.state?.waiting;
    if (w && /ImagePull|ErrImage|InvalidImageName|CreateContainerConfigError/.test(w.reason ?? '')) return `${w.reason}: ${w.message ?? ''}`.trim();
  }
  return undefined;
}

/** A pod's log as a report, when it is one (the shape the renderers rely on); anything else is undefined. */
export function asReport(log: string): Report | undefined {
  let r: any;
  try {
    r = JSON.parse(log);
  } catch {
    return undefined;
  }
  const str = (v: unknown) => typeof v === 'string';
  const finding = (f: any) =>
    f && str(f.ruleId) && ['error', 'warning', 'info'].includes(f.severity) && str(f.title) && Array.isArray(f.evidence) && f.remediation && str(f.remediation.summary) && Array.isArray(f.remediation.steps);
  const ok = r && typeof r === 'object' && r.version === 1 && str(r.verdict) && Array.isArray(r.findings) && r.findings.every(finding) && Array.isArray(r.sources) && Array.isArray(r.skipped) && Array.isArray(r.rulesRun) && Array.isArray(r.runs);
  return ok ? (r as Report) : undefined;
}

export interface FleetOptions {
  kc: k8s.KubeConfig;
  namespace: string;
  selector?: string;
  notReadyOnly?: boolean;
  image?: string;
  timeoutMs: number;
  pollMs?: number;
  now?: Date;
  template?: Record<string, any>;
  progress?: (line: string) => void;
  /** Set by the caller to stop early (Ctrl-C); Jobs are still deleted. */
  signal?: AbortSignal;
}

export interface FleetResult {
  outcomes: NodeOutcome[];
  comparisons: Comparison[];
  deleted: string[];
  /** The API server's /version gitVersion (the skew comparisons' reference), when it answered. */
  apiServerVersion?: string;
}

export async function runFleet(o: FleetOptions): Promise<FleetResult> {
  const { CoreV1Api, BatchV1Api, VersionApi } = await import('@kubernetes/client-node');
  const core = o.kc.makeApiClient(CoreV1Api);
  const batch = o.kc.makeApiClient(BatchV1Api);
  let apiServerVersion: string | undefined;
  try {
    apiServerVersion = (await o.kc.makeApiClient(VersionApi).getCode()).gitVersion;
  } catch (e) {
    o.progress?.(`the API server's /version did not answer (${(e as Error).message}): kubelet versions are compared with each other only`);
  }
  const run = randomBytes(4).toString('hex');
  const template = o.template ?? loadJobTemplate();
  const nodes = (await core.listNode(o.selector ? { labelSelector: o.selector } : {})).items.filter((n) => !o.notReadyOnly || notReady(n));
  const outcomes = new Map<string, NodeOutcome>();
  const jobs = new Map<string, string>();
  const deleted: string[] = [];
  try {
    for (const n of nodes) {
      const name = n.metadata?.name ?? '';
      outcomes.set(name, { node: name, state: 'pending' });
      const job = jobFor(template, name, run, o.image);
      try {
        await batch.createNamespacedJob({ namespace: o.namespace, body: job });
        jobs.set(name, job.metadata!.name!);
      } catch (e) {
        outcomes.set(name, { node: name, state: 'failed', reason: `could not create the Job: ${(e as Error).message}` });
      }
      if (notReady(n) && jobs.has(name)) outcomes.get(name)!.reason = 'node is NotReady';
    }
    const deadline = Date.now() + o.timeoutMs;
    for (;;) {
      const open = [...outcomes.values()].filter((x) => x.state === 'pending' || x.state === 'running');
      if (!open.length || o.signal?.aborted) break;
      for (const out of open) {
        const jobName = jobs.get(out.node)!;
        const pods = (await core.listNamespacedPod({ namespace: o.namespace, labelSelector: `job-name=${jobName}` })).items;
        const pod = pods[0];
        const problem = podProblem(pod);
        const phase = pod?.status?.phase;
        if (problem) Object.assign(out, { state: 'failed', reason: problem });
        else if (phase === 'Succeeded' || phase === 'Failed') {
          const log = await core.readNamespacedPodLog({ namespace: o.namespace, name: pod!.metadata!.name! });
          const rep = asReport(String(log));
          if (rep) Object.assign(out, { state: 'done', report: rep });
          else Object.assign(out, { state: 'failed', reason: `pod ${phase}, its log is not a kubelet-doctor JSON report` });
        } else if (phase === 'Running') out.state = 'running';
      }
      o.progress?.([...outcomes.values()].map((x) => `${x.node}: ${x.state}`).join(', '));
      if (Date.now() > deadline) {
        for (const x of outcomes.values())
          if (x.state === 'pending' || x.state === 'running') Object.assign(x, { state: 'failed', reason: `${x.reason ? `${x.reason}; ` : ''}timed out after ${Math.round(o.timeoutMs / 1000)}s` });
        break;
      }
      await new Promise((r) => setTimeout(r, o.pollMs ?? 2000));
    }
    if (o.signal?.aborted)
      for (const x of outcomes.values()) if (x.state === 'pending' || x.state === 'running') Object.assign(x, { state: 'failed', reason: 'interrupted' });
  } finally {
    for (const jobName of jobs.values()) {
      try {
        await batch.deleteNamespacedJob({ name: jobName, namespace: o.namespace, propagationPolicy: 'Background' });
        deleted.push(jobName);
      } catch (e) {
        o.progress?.(`could not delete Job ${o.namespace}/${jobName}: ${(e as Error).message}`);
      }
    }
  }
  const withFacts = [...outcomes.values()]
    .filter((x) => (x.report as { facts?: NodeFacts } | undefined)?.facts)
    .map((x) => ({ name: x.node, facts: (x.report as unknown as { facts: NodeFacts }).facts }));
  // one node is compared with the API server; two or more with each other too
  const comparisons = withFacts.length ? compareNodes(withFacts, { now: o.now ?? new Date(), apiServerVersion }) : [];
  return { outcomes: [...outcomes.values()], comparisons, deleted, apiServerVersion };
}

/** The fleet's outcome as the view every output format renders (fleet/view.ts). */
export function fleetView(r: FleetResult): FleetView {
  return {
    apiServerVersion: r.apiServerVersion,
    nodes: r.outcomes.filter((x) => x.state === 'done' && x.report).map((x) => ({ name: x.node, report: x.report! })),
    comparisons: r.comparisons,
    couldNotRun: r.outcomes.filter((x) => x.state !== 'done').map((x) => ({ node: x.node, reason: x.reason ?? x.state })),
    jobsDeleted: r.deleted,
  };
}

export function renderFleet(r: FleetResult, format: string, o?: RenderOptions): string {
  return renderView(fleetView(r), format, o);
}

export function fleetExitCode(r: FleetResult, failOn: Severity | 'never'): number {
  return viewExitCode(fleetView(r), failOn);
}

export function registerFleet(program: Command): void {
  program
    .command('fleet')
    .description('run the scan as a Job on each selected node and show one fleet view; deletes its Jobs at the end')
    .option('--selector <labels>', 'only nodes with these labels')
    .option('--not-ready', 'only nodes whose Ready condition is not True')
    .option('--kubeconfig <file>', 'kubeconfig (default: KUBECONFIG, colon-separated and merged as kubectl does; else ~/.kube/config; else in-cluster)')
    .option('--context <name>', 'kubeconfig context')
    .option('--namespace <ns>', 'namespace for the Jobs', 'kube-system')
    .option('--image <image>', 'the kubelet-doctor image to run')
    .option('--timeout <seconds>', 'how long to wait for the Jobs', '300')
    .option('--print-job <node>', 'print the Job that would run on NODE (YAML) and exit: nothing is created')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS))
    .addOption(new Option('-o, --output <format>', "output format, as kubectl's -o; same as --format").choices(FORMATS))
    .option('--output-file <file>', 'also write the chosen format to FILE (the terminal keeps the text view)')
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding is at or above this level').choices(['error', 'warning', 'info', 'never']).default('error'))
    .action(async (opts) => {
      if (opts.print_job !== undefined || opts.printJob !== undefined) {
        process.stdout.write(yaml().stringify(jobFor(loadJobTemplate(), opts.printJob, 'xxxxxxxx', opts.image)));
        return;
      }
      const format: string = opts.output ?? opts.format ?? 'text';
      const { loadKubeConfig } = await import('../kube-config.js');
      const kc = await loadKubeConfig({ kubeconfig: opts.kubeconfig, context: opts.context });
      const ac = new AbortController();
      const onInt = () => ac.abort();
      process.once('SIGINT', onInt);
      try {
        const r = await runFleet({
          kc, namespace: opts.namespace, selector: opts.selector, notReadyOnly: !!opts.notReady, image: opts.image,
          timeoutMs: Number(opts.timeout) * 1000, signal: ac.signal, progress: (l) => process.stderr.write(`fleet: ${l}\n`),
        });
        if (opts.outputFile) writeFileSync(opts.outputFile, renderFleet(r, format, { color: false, cwd: process.cwd() }));
        process.stdout.write(renderFleet(r, opts.outputFile ? 'text' : format, { color: false, cwd: process.cwd() }));
        process.exitCode = fleetExitCode(r, opts.failOn);
      } finally {
        process.off('SIGINT', onInt);
      }
    });
}
