// The `collect` command and `scan --bundle`, registered apart from cli.ts's scan options so that the
// command line's other changes and these stay in separate places.

import type { Command } from 'commander';
import { collectBundle } from './collect.js';
import { BundleError, safeParts, unpackBundle } from './unpack.js';
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseManifest, MANIFEST_PATH, type BundleManifest } from './manifest.js';
import { gatherFacts } from '../fleet/facts.js';
import { compareNodes, type Comparison } from '../fleet/compare.js';
import type { ScanOptions } from '../scan.js';
import { runScan } from '../scan.js';
import type { Report } from '../types.js';
import { renderView, type FleetView } from '../fleet/view.js';

export function registerCollect(program: Command): void {
  program
    .command('collect')
    .description('write a redacted bundle of this node (or of a --root capture) for scan --bundle: the files the collectors read, the kubelet and runtime journals, the API\'s Node/CSRs/events; no keys, tokens or passwords')
    .requiredOption('--output <file>', 'the .tar.gz to write')
    .option('--root <dir>', 'bundle a captured node tree instead of this node')
    .option('-j, --journal <file>', 'a journal file to include as the kubelet\'s (repeatable; live nodes run journalctl)', (v: string, p: string[] = []) => [...p, v])
    .option('--since <time>', 'journalctl --since for the journals (live node)')
    .option('--kubeconfig <file>', 'kubeconfig to reach the API server (default: the kubelet\'s own)')
    .option('--no-api', 'do not ask the API server')
    .option('--hostname-override <name>', 'the node name the kubelet uses')
    .action(async (opts) => {
      const m = await collectBundle({
        output: opts.output,
        root: opts.root,
        journals: opts.journal,
        since: opts.since,
        kubeconfig: opts.kubeconfig ?? process.env.KUBECONFIG,
        useApi: opts.api === false ? false : undefined,
        hostnameOverride: opts.hostnameOverride,
        onProgress: (l) => process.stderr.write(`${l}\n`),
      });
      process.stderr.write(
        `collect: wrote ${opts.output}: ${m.taken.length} entries, ${m.journals.length} journal(s), ${m.redacted.length} redaction(s), ${m.unreadable.length} unreadable (see ${MANIFEST_PATH} inside)\n`,
      );
    });
}

export interface BundleScan {
  name: string;
  report: Report;
  manifest?: BundleManifest;
  refused: string[];
  facts?: Awaited<ReturnType<typeof gatherFacts>>;
}

/** Scan one bundle (a .tar.gz, or an unpacked folder) as `--root` scans its tree, with the journals it holds. */
export async function scanBundle(path: string, base: ScanOptions, withFacts: boolean): Promise<BundleScan> {
  let dir = path;
  let manifest: BundleManifest | undefined;
  let refused: string[] = [];
  let cleanup = () => {};
  if (statSync(path).isDirectory()) {
    try {
      manifest = parseManifest(readFileSync(join(path, MANIFEST_PATH), 'utf8'));
    } catch {
      manifest = undefined;
    }
  } else {
    const u = await unpackBundle(path);
    ({ dir, manifest, refused, cleanup } = u);
  }
  try {
    const journals = base.journals?.length
      ? base.journals
      : (manifest?.journals ?? [])
          .filter((j) => j.units.includes('kubelet'))
          .map((j) => j.path)
          .filter((p) => Array.isArray(safeParts(p)) && isFile(join(dir, p)))
          .map((p) => join(dir, p));
    const kubeletVersion = base.kubeletVersion ?? manifest?.kubeletVersion;
    const report = await runScan({ ...base, root: dir, journals, inputs: journals.length ? undefined : [], kubeletVersion, noJournalctl: true });
    // --root scans carry the node's facts in the report (scan.ts); gathered here only if that was turned off
    const facts = !withFacts ? undefined : (report.facts ?? (await gatherFacts({ root: dir, live: false, now: base.now ?? new Date(), kubeletVersion: report.node?.kubeletVersion })));
    return { name: report.node?.name ?? manifest?.node ?? path, report, manifest, refused, facts };
  } finally {
    cleanup();
  }
}

function isFile(p: string): boolean {
  try {
    return lstatSync(p).isFile();
  } catch {
    return false;
  }
}

/** Several bundles: each node's verdict, then what only a comparison shows. */
export async function scanBundles(paths: string[], base: ScanOptions): Promise<{ scans: BundleScan[]; comparisons: Comparison[] }> {
  const scans: BundleScan[] = [];
  for (const p of paths) scans.push(await scanBundle(p, base, paths.length > 1));
  // cloned machines report one name: each bundle keeps its own, told apart by where it came from
  const seen = new Map<string, number>();
  for (const s of scans) seen.set(s.name, (seen.get(s.name) ?? 0) + 1);
  scans.forEach((s, i) => {
    if (seen.get(s.name)! > 1) s.name = `${s.name} (${basename(paths[i]!.replace(/\/+$/, ''))})`;
  });
  const comparisons = compareNodes(scans.filter((s) => s.facts).map((s) => ({ name: s.name, facts: s.facts! })), { now: base.now ?? new Date() });
  return { scans, comparisons };
}

/** Several bundles as the one view of nodes every output format renders (fleet/view.ts). */
export function bundlesView(r: { scans: BundleScan[]; comparisons: Comparison[] }): FleetView {
  return { nodes: r.scans.map((s) => ({ name: s.name, report: s.report })), comparisons: r.comparisons, couldNotRun: [] };
}

/** Several bundles as text (the view's text format). */
export function renderBundlesText(r: { scans: BundleScan[]; comparisons: Comparison[] }): string {
  return renderView(bundlesView(r), 'text');
}

export { BundleError };
