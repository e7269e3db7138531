// The single executable's entry point, bundled by scripts/build-sea.mjs from the compiled dist/ (never run
// from the repository itself). It hands the CLI what a package install finds on disk: the built-in rules
// bundle and the worker thread's source, both carried inside the executable.
import { main } from '../dist/src/cli.js';
import { useEmbeddedWorker } from '../dist/src/engine/parallel-scan.js';
import { useEmbeddedRules } from '../dist/src/rules/load.js';
import * as bundle from '../dist/rules/index.js';
import { initYoga } from 'yoga-layout';

useEmbeddedRules(bundle);
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
