// The single executable's entry point, bundled by scripts/build-sea.mjs from the compiled dist/ (never run
// from the repository itself). It hands the CLI what a package install finds on disk: the built-in rules
// bundle, the worker thread's source and fleet's Job manifest, all carried inside the executable.
import { main } from '../dist/src/cli.js';
import { boundYoungGeneration } from '../dist/src/heap.js';
import { useEmbeddedWorker } from '../dist/src/engine/parallel-scan.js';
import { useEmbeddedRules } from '../dist/src/rules/load.js';
import * as bundle from '../dist/rules/index.js';
import { initYoga } from 'yoga-layout';
import { useEmbeddedJobTemplate } from '../dist/src/fleet/command.js';
import jobTemplate from '../deploy/job.yaml';

// before the CLI allocates anything (src/heap.ts)
boundYoungGeneration();
useEmbeddedRules(bundle);
useEmbeddedJobTemplate(jobTemplate);
// eslint-disable-next-line no-undef -- replaced at bundle time by the worker's bundled CommonJS source
useEmbeddedWorker(__KUBELET_DOCTOR_WORKER_SOURCE__);

(async () => {
  // ink's layout engine (yoga, WebAssembly) is compiled asynchronously; only a terminal can get the TUI
  if (process.stdout.isTTY) await initYoga();
  process.exitCode = await main(process.argv);
})().catch((e) => {
  process.stderr.write(`kubelet-doctor: ${e && e.message ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
