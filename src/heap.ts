// The main thread's heap, bounded at start-up. V8 lets a young generation's semi-spaces grow from 1 MB to
// 16 MB each (32 MB of new space, with its old copy) once allocation is brisk, and every path that reads a
// journal on the main thread allocates briskly: stdin and pipes, the entry formats (export, json-pretty,
// verbose), files under the parallel threshold. That growth alone took a 100 MB `-o verbose` scan from ~110 MB
// to 150–160 MB peak RSS. The workers get the same bound through their resourceLimits (engine/parallel-scan.ts).
// Node takes no heap-size option from a program after start (the semi-spaces' maximum is fixed when the heap
// is set up, and NODE_OPTIONS is the user's), but V8 reads the growth factor each time it would grow them:
// 1 keeps them at their initial size. Measured: no change in user time on a dense 50 MB scan on this thread.

import { setFlagsFromString } from 'node:v8';

/** Keep the calling isolate's young generation at its initial size (call first thing at start-up). */
export function boundYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
