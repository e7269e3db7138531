#!/usr/bin/env node
// `npm run build:sea` (after `npm run build`): one executable, dist/kubelet-doctor-linux-<arch>, that runs
// where no Node.js is installed — a Node single executable application (SEA) over an esbuild bundle.
//
// Node 20's SEA runs one CommonJS script, so the ESM sources are bundled to CommonJS. What needs care:
// - yoga-layout (ink's layout engine) awaits its WebAssembly at the top level, which CommonJS cannot: its
//   entry is replaced by a shim whose default export is filled by initYoga() (the entry awaits it on a TTY).
// - ink's reconciler awaits react-devtools-core and its package.json at the top level, both only when
//   DEV=true: those two awaits are replaced (devtools is reported as not installed, as ink itself does).
// - src/yaml.ts loads `yaml` lazily through createRequire(import.meta.url): here a bundled require().
// - the built-in rules bundle (dist/rules/index.js) and the worker thread script are files on disk in a
//   package install: the rules are bundled in and handed over (useEmbeddedRules); the worker is bundled on
//   its own to CommonJS and carried as a string, started with `eval` (useEmbeddedWorker).
// - fleet's Job manifest (deploy/job.yaml) is carried as text (useEmbeddedJobTemplate).
// Usage: node scripts/build-sea.mjs [--out FILE]
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
const work = join(dist, 'sea');
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? process.argv[outArg + 1] : join(dist, `kubelet-doctor-${platform()}-${arch()}`);

// import.meta.url has no CommonJS equivalent; the bundled modules only use it to find files beside them
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  write: false,
  legalComments: 'none',
  // whitespace and syntax only: names stay readable in stack traces; a smaller script starts faster
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  define: { 'import.meta.url': '__kd_import_meta_url' },
  banner: { js: 'var __kd_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
};

/** Replace `from` by `to` in a dependency's source, failing loudly if the pinned version changed it. */
function patch(text, file, from, to) {
  if (!text.includes(from)) throw new Error(`build-sea: ${file} no longer contains ${JSON.stringify(from)} (dependency updated? revisit the patch)`);
  return text.replace(from, to);
}

const seaPlugin = {
  name: 'kubelet-doctor-sea',
  setup(b) {
    b.onResolve({ filter: /^yoga-layout$/ }, () => ({ path: 'yoga-layout', namespace: 'kd-yoga' }));
    b.onLoad({ filter: /.*/, namespace: 'kd-yoga' }, () => ({
      resolveDir: join(root, 'node_modules', 'yoga-layout'),
      contents: [
        "import { loadYoga } from 'yoga-layout/load';",
        "export * from 'yoga-layout/load';",
        'const Yoga = {};',
        'export default Yoga;',
        'export async function initYoga() { if (!Yoga.Node) Object.assign(Yoga, await loadYoga()); }',
      ].join('\n'),
    }));
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, ({ path }) => {
      let text = readFileSync(path, 'utf8');
      text = patch(text, path, "await import('./devtools.js');", "throw Object.assign(new Error('react-devtools-core is not in the single executable'), { code: 'ERR_MODULE_NOT_FOUND' });");
      text = patch(text, path, '? await loadPackageJson()', "? { name: 'ink', version: undefined }");
      return { contents: text, loader: 'js' };
    });
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/]collectors[\\/]csr-request\.js$/ }, ({ path }) => {
      // likewise node-forge, loaded on the first certificate request decoded
      const text = patch(readFileSync(path, 'utf8'), path, "createRequire(import.meta.url)('node-forge')", "require('node-forge')");
      return { contents: text, loader: 'js' };
    });
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/]yaml\.js$/ }, ({ path }) => {
      // the lazy createRequire(import.meta.url)('yaml') becomes a bundled require(), evaluated on first use
      const text = patch(readFileSync(path, 'utf8'), path, "createRequire(import.meta.url)('yaml')", "require('yaml')");
      return { contents: text, loader: 'js' };
    });
  },
};

const t0 = Date.now();
mkdirSync(work, { recursive: true });
const worker = await build({ ...common, entryPoints: [join(dist, 'src', 'engine', 'scan-worker.js')], plugins: [seaPlugin] });
const workerSource = worker.outputFiles[0].text;
const bundle = await build({
  ...common,
  entryPoints: [join(root, 'scripts', 'sea-entry.mjs')],
  plugins: [seaPlugin],
  external: ['react-devtools-core'],
  define: { ...common.define, __KUBELET_DOCTOR_WORKER_SOURCE__: JSON.stringify(workerSource) },
  // deploy/job.yaml travels inside as text: `fleet` has no deploy/ beside the executable
  loader: { '.yaml': 'text' },
});
const main = join(work, 'kubelet-doctor.cjs');
writeFileSync(main, bundle.outputFiles[0].contents);

const blob = join(work, 'sea-prep.blob');
const config = join(work, 'sea-config.json');
writeFileSync(config, JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }, null, 2));
execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });

rmSync(out, { force: true });
copyFileSync(process.execPath, out);
chmodSync(out, 0o755);
const { inject } = await import('postject');
await inject(out, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2' });
const mb = (p) => (statSync(p).size / 1e6).toFixed(1);
process.stdout.write(`build-sea: ${out} (${mb(out)} MB; bundle ${mb(main)} MB, worker ${(workerSource.length / 1e3).toFixed(0)} kB; Node ${process.version}) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
