// Runs one of the command-line tools of src/cli/, or the bench of bench/ (`node scripts/cli.mjs NAME
// ARGS...`, what the npm scripts call) from a single-file bundle that esbuild builds into node_modules/.cache/exprl-cli/ and
// rebuilds whenever one of its sources is newer. Node then starts a tool in ~0.1 s instead of ~0.3 s
// with tsx compiling each TypeScript file on load (`npm run bench -- --only compare` measures the time
// to the first training step). Kernel sources imported as `file.wgsl?raw` become string modules, as in
// Vite. Packages stay external and load from node_modules. A source map lies beside each bundle:
// `node --enable-source-maps scripts/cli.mjs NAME ...` gives stack traces in TypeScript lines.

import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = join(ROOT, 'node_modules', '.cache', 'exprl-cli');
const BUILD_VERSION = 2; // bump when the build options below change

/** Where a tool's entry file may be: the tools of src/cli/, and the developer tooling of bench/. */
const ENTRY_DIRS = [join(ROOT, 'src', 'cli'), join(ROOT, 'bench')];

const [name, ...args] = process.argv.slice(2);
const entry =
  name && /^[a-z][a-z-]*$/.test(name)
    ? ENTRY_DIRS.map((d) => join(d, `${name}.ts`)).find((f) => existsSync(f))
    : undefined;
if (!entry) {
  console.error(
    `usage: node scripts/cli.mjs NAME [ARGS...], NAME a file of src/cli/ or bench/ (got ${JSON.stringify(name ?? '')})`,
  );
  process.exit(2);
}
const bundle = join(OUT_DIR, `${name}.mjs`);
const manifest = `${bundle}.inputs.json`; // { version, root, inputs: { absolute path: mtimeMs } }

/** True when the bundle exists, was built from this checkout (two checkouts may share one node_modules),
 *  and no input changed since it was built. */
function fresh() {
  if (!existsSync(bundle) || !existsSync(manifest)) return false;
  try {
    const m = JSON.parse(readFileSync(manifest, 'utf8'));
    if (m.version !== BUILD_VERSION || m.root !== ROOT) return false;
    return Object.entries(m.inputs).every(([path, mtime]) => existsSync(path) && statSync(path).mtimeMs === mtime);
  } catch {
    return false;
  }
}

async function rebuild() {
  const { build } = await import('esbuild');
  const raw = new Set(); // kernel sources read by the plugin
  const rawPlugin = {
    name: 'raw',
    setup(b) {
      b.onResolve({ filter: /\?raw$/ }, (a) => ({
        path: resolve(a.resolveDir, a.path.slice(0, -4)),
        namespace: 'raw',
      }));
      b.onLoad({ filter: /.*/, namespace: 'raw' }, (a) => {
        raw.add(a.path);
        return { contents: `export default ${JSON.stringify(readFileSync(a.path, 'utf8'))};`, loader: 'js' };
      });
    },
  };
  mkdirSync(OUT_DIR, { recursive: true });
  const result = await build({
    entryPoints: [entry],
    outfile: bundle,
    write: false,
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'error',
    plugins: [rawPlugin],
  });
  // Each file is written beside its place and renamed over it (the map before the bundle that names
  // it): tools started at the same time never read half a file.
  const put = (path, contents) => {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, contents);
    renameSync(tmp, path);
  };
  for (const f of [...result.outputFiles].sort(
    (a, b) => Number(b.path.endsWith('.map')) - Number(a.path.endsWith('.map')),
  ))
    put(f.path, f.contents);
  const inputs = {};
  for (const key of Object.keys(result.metafile.inputs)) {
    if (key.startsWith('raw:')) continue;
    const path = resolve(ROOT, key);
    inputs[path] = statSync(path).mtimeMs;
  }
  for (const path of raw) inputs[path] = statSync(path).mtimeMs;
  put(manifest, JSON.stringify({ version: BUILD_VERSION, root: ROOT, inputs }));
}

if (!fresh()) await rebuild();
// The tool sees the command line it would see if run directly (argv[1] is its own file, by the real
// path Node gives its import.meta.url when node_modules is a link to another checkout's).
const real = realpathSync(bundle);
process.argv = [process.argv[0], real, ...args];
await import(pathToFileURL(real).href);
