// The worker threads of a parallel journal scan (engine/parallel-scan.ts). The tail worker counts the lines
// before the split, scans the file from the split to its end from a fresh state, reports its state after
// the first line (the probe) and then everything the merge needs. The head worker scans [0, split) as a
// single-threaded scan would, gets the tail's probe from the main thread, and stops at the split when it
// holds, else reads on to the end.

import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { Rule } from '../rules/model.js';
import { compileMatcher } from './matcher.js';
import { countLines, probeOf, workerScanOf, type Probe, type WorkerJob } from './parallel-scan.js';
import { JournalScanner } from './scan-journal.js';

const t0 = performance.now();
const job = workerData as WorkerJob;
const port = parentPort!;
let gotProbe!: (p: Probe | undefined) => void;
const probe = new Promise<Probe | undefined>((r) => (gotProbe = r));
port.on('message', (m: { type: string; probe?: Probe }) => {
  if (m.type === 'probe') gotProbe(m.probe);
});
// no top-level await: the single executable runs this module as CommonJS source (scripts/build-sea.mjs)
async function run(): Promise<void> {
  try {
    const scanner = new JournalScanner(compileMatcher(job.rules as unknown as Rule[]), { now: job.now, citeLimit: job.citeLimit });
    if (job.role === 'head') {
      const { st, held } = await scanner.scanHead(job.path, job.name, job.split, () => probe);
      port.postMessage({ type: 'done', result: { ...workerScanOf(scanner, st, performance.now() - t0), held } });
    } else {
      const lineBase = countLines(job.path, job.split);
      scanner.tracker.continueRun();
      const st = await scanner.scanRange(job.path, job.name, job.split, lineBase, (s, rec) => port.postMessage({ type: 'probe', probe: probeOf(scanner, s, rec, lineBase) }));
      port.postMessage({ type: 'done', result: workerScanOf(scanner, st, performance.now() - t0) });
    }
  } catch {
    port.postMessage({ type: 'done', result: undefined });
  }
  port.close();
}
void run();
