#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build`.
// The main thread's young generation is bounded first, before the CLI allocates (src/heap.ts says why).
import('../dist/src/heap.js')
  .then((heap) => heap.boundYoungGeneration(), () => undefined)
  .then(() => import('../dist/src/cli.js'))
  .then(
    async (cli) => {
      process.exitCode = await cli.main(process.argv);
    },
    (err) => {
      if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('cli.js')) {
        process.stderr.write('kubelet-doctor: not built yet; run `npm run build` first\n');
        process.exitCode = 2;
        return;
      }
      throw err;
    },
  );
