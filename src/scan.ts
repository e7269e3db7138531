// One scan end to end: the pipeline (pipeline.ts) reads the journal in one streaming pass, then the node
// state the rules need, and diagnoses; this adds the timing stats. No output here: renderers take the Report.

import { performance } from 'node:perf_hooks';
import type { Availability, EvidenceKind, JournalEvidence } from './evidence.js';
import { journalInputs } from './journal/inputs.js';
import { gatherFacts } from './fleet/facts.js';
import { nodeStateDecision, ScanPipeline, type ScanOptions } from './pipeline.js';
import { redactDeep } from './redact.js';
import type { Report, SourceInfo } from './types.js';

// the old import paths of what moved to the pipeline (pipeline.ts) and the journal's inputs (journal/inputs.ts)
export { assembleReport, collectNodeState, looksLikeNode, nodeStateDecision, ScanPipeline, type ScanOptions } from './pipeline.js';
export { journalInputs, stdinIsPiped } from './journal/inputs.js';

export async function runScan(o: ScanOptions): Promise<Report> {
  const t0 = performance.now();
  const now = o.now ?? new Date();
  const pipeline = new ScanPipeline(o, { onProgress: o.onProgress, onHit: o.onHit });
  const { scanner, kinds } = pipeline;
  const sources: SourceInfo[] = [];
  const evidence = new Map<EvidenceKind, Availability>();

  // 1. the journal, in one streaming pass
  const tj = performance.now();
  let journalStats = { lines: 0, records: 0, bytes: 0 };
  if (kinds.has('journal')) {
    const { inputs, reason } = journalInputs(o);
    await pipeline.read(inputs);
    const res = scanner.result();
    journalStats = res;
    sources.push(...res.evidence.sources);
    evidence.set('journal', inputs.length === 0 ? { ok: false, reason: reason ?? 'journal: none given' } : pipeline.journal(() => `journal: no log records in ${inputs.map((i) => i.name).join(', ')}`));
  }
  const journalMs = performance.now() - tj;

  // 2. node state, only the kinds the enabled rules need
  const tc = performance.now();
  const journalEv = evidence.get('journal');
  const jv = journalEv?.ok ? (journalEv.value as JournalEvidence) : undefined;
  const node = await pipeline.collect(now, jv);
  for (const [k, v] of node.evidence) evidence.set(k, v);
  sources.push(...node.sources);
  const collectMs = performance.now() - tc;

  // 3. diagnosis
  const td = performance.now();
  const report = pipeline.report(evidence, sources, now);
  // what a comparison of nodes needs (fleet, several bundles), from the node state this scan read
  if (o.facts !== false && nodeStateDecision(o, jv?.facts.hostnames ?? []).collect) {
    const facts = await gatherFacts({ root: o.root ?? '/', live: !o.root, now, nodeFile: o.nodeFile, kubeletVersion: report.node?.kubeletVersion, evidence: node.evidence });
    report.facts = redactDeep(facts);
  }
  const threads = scanner.parallel.some((p) => p.merged) ? 2 : 1;
  report.stats = {
    threads,
    bytes: journalStats.bytes,
    lines: journalStats.lines,
    records: journalStats.records,
    // read: I/O, the literal prefilter and the line walk — the journal pass minus parsing and matching, or,
    // when two threads shared it, their own sums
    ms: {
      journal: journalMs,
      read: threads > 1 ? scanner.timing.prefilter : Math.max(0, journalMs - scanner.timing.parse - scanner.timing.match),
      parse: scanner.timing.parse,
      match: scanner.timing.match,
      collect: collectMs,
      diagnose: performance.now() - td,
      total: performance.now() - t0,
    },
  };
  return report;
}
