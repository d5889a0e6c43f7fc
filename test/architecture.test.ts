// Import directions, file sizes and file names of src/ (and bench/): layers only point down (gpu <-
// kernels <- model <- rl/tasks/judge <- run <- experiment <- worker/cli <- ui), the engine never reaches up
// into the run loop or the page, the CPU references stay apart from the model, the page talks to the
// worker only through its contract, no file grows past MAX_LINES, and no two files share a base name.
// Every failure names the file, the line and the import.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');
const BENCH = join(ROOT, 'bench');
const MAX_LINES = 400; // design.md's budget: files ~400 lines

/**
 * Rank of each top-level folder (or file) of src/: a file may import from its own rank or below.
 * util and ref sit low: util is leaf helpers, ref the CPU twin of the kernels (shape checks and
 * parameter types the kernels share); store is a domain service beside rl, tasks and judge.
 */
const RANK: Record<string, number> = {
  util: 0,
  gpu: 1,
  kernels: 2,
  ref: 2,
  model: 3,
  rl: 4,
  tasks: 4,
  judge: 4,
  store: 4,
  run: 5,
  experiment: 6,
  worker: 7,
  cli: 7,
  ui: 8,
  'main.ts': 8,
};
const ENGINE = ['model', 'ref', 'kernels', 'gpu'];
const UPPER = ['rl', 'run', 'experiment', 'worker', 'ui', 'cli'];
const WORKER_CONTRACT = 'src/worker/api.ts';
/** The one reference from the page to the worker that is not the contract: the line that starts it. */
const WORKER_START = { file: 'src/ui/worker-client.ts', target: 'src/worker/trainer.worker.ts' };

interface Edge {
  file: string; // src/... of the importing file
  line: number;
  spec: string; // the specifier as written
  target: string; // src/... it resolves to ('' when outside src/)
  kind: 'import' | 'url';
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

const rel = (abs: string) => relative(ROOT, abs).split('\\').join('/');
const layerOf = (srcPath: string) => srcPath.split('/')[1]; // 'src/model/x.ts' -> 'model'; 'src/main.ts' -> 'main.ts'
const lineAt = (text: string, pos: number) => text.slice(0, pos).split('\n').length;

/** The script blocks of a .svelte file (with their offsets), or the whole text of a .ts file. */
function scripts(file: string, text: string): { code: string; offset: number }[] {
  if (!file.endsWith('.svelte')) return [{ code: text, offset: 0 }];
  return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => ({
    code: m[1],
    offset: m.index + m[0].indexOf('>') + 1,
  }));
}

/** Every import, export-from, dynamic import and `new URL(..., import.meta.url)` of one file. */
function edges(abs: string): Edge[] {
  const text = readFileSync(abs, 'utf8');
  const file = rel(abs);
  const out: Edge[] = [];
  const add = (spec: string, pos: number, kind: Edge['kind']) => {
    if (!spec.startsWith('.')) return; // packages and node: builtins
    const target = rel(resolve(dirname(abs), spec.replace(/\?.*$/, '')));
    out.push({ file, line: lineAt(text, pos), spec, target: target.startsWith('src/') ? target : '', kind });
  };
  for (const { code, offset } of scripts(file, text)) {
    for (const f of ts.preProcessFile(code, true, true).importedFiles) add(f.fileName, offset + f.pos, 'import');
    for (const m of code.matchAll(/new\s+URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url/g))
      add(m[1], offset + m.index, 'url');
  }
  return out;
}

/** A target path with the extension the import left out ('../model/config' -> 'src/model/config.ts'). */
const withTs = (target: string) => (posix.extname(target) ? target : `${target}.ts`);
const show = (e: Edge) => `${e.file}:${e.line} ${e.kind === 'url' ? 'new URL' : 'imports'} '${e.spec}'`;

const files = walk(SRC).filter((f) => /\.(ts|svelte|mjs|js|css)$/.test(f));
const all = files
  .filter((f) => /\.(ts|svelte)$/.test(f))
  .flatMap(edges)
  .filter((e) => e.target !== '');

describe('architecture: import directions', () => {
  it('finds the imports it checks', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(all.some((e) => e.file === 'src/model/gpu-model.ts' && e.target === 'src/model/params')).toBe(true);
    expect(all.some((e) => e.file.endsWith('.svelte'))).toBe(true);
    expect(all.some((e) => e.kind === 'url' && e.file === WORKER_START.file && e.target === WORKER_START.target)).toBe(
      true,
    );
  });

  it(`no file under src/{${ENGINE}} imports from src/{${UPPER}}`, () => {
    const bad = all.filter((e) => ENGINE.includes(layerOf(e.file)) && UPPER.includes(layerOf(e.target)));
    expect(bad.map(show)).toEqual([]);
  });

  it('nothing under src/ref imports src/model', () => {
    const bad = all.filter((e) => layerOf(e.file) === 'ref' && layerOf(e.target) === 'model');
    expect(bad.map(show)).toEqual([]);
  });

  it('the CPU reference is used only by the kernels (shared checks and types) and the CPU model', () => {
    const bad = all.filter(
      (e) => layerOf(e.target) === 'ref' && !['ref', 'kernels', 'model'].includes(layerOf(e.file)),
    );
    expect(bad.map(show)).toEqual([]);
  });

  it(`src/ui reaches src/worker only through ${WORKER_CONTRACT} (and the line that starts the worker)`, () => {
    const bad = all.filter((e) => {
      if (layerOf(e.file) !== 'ui' || layerOf(e.target) !== 'worker') return false;
      if (e.kind === 'url') return !(e.file === WORKER_START.file && e.target === WORKER_START.target);
      return withTs(e.target) !== WORKER_CONTRACT;
    });
    expect(bad.map(show)).toEqual([]);
  });

  it('every folder of src/ has a layer', () => {
    const unknown = [...new Set(files.map((f) => layerOf(rel(f))))].filter((l) => !(l in RANK));
    expect(unknown, 'add new folders of src/ to RANK in test/architecture.test.ts').toEqual([]);
  });

  it('layers only point down: util <- gpu <- kernels/ref <- model <- rl/tasks/judge/store <- run <- experiment <- worker/cli <- ui', () => {
    const bad = all.filter((e) => (RANK[layerOf(e.target)] ?? -1) > (RANK[layerOf(e.file)] ?? Infinity));
    expect(bad.map((e) => `${show(e)} (${layerOf(e.file)} may not import ${layerOf(e.target)})`)).toEqual([]);
  });
});

describe('architecture: file sizes', () => {
  it(`every file under src/ and bench/ has at most ${MAX_LINES} lines (generated files excepted)`, () => {
    const long = [...files, ...walk(BENCH)].flatMap((f) => {
      const text = readFileSync(f, 'utf8');
      if (/^\s*(\/\/|\/\*|<!--)[^\n]*@generated/.test(text)) return [];
      const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
      return lines > MAX_LINES ? [`${rel(f)}: ${lines} lines`] : [];
    });
    expect(long).toEqual([]);
  });
});

/**
 * A file's base name as a reader searches for it: no folder, no extension, case and `-`/`_` ignored
 * ('src/ui/components/RunSetup.svelte' and 'src/run/run-setup.ts' are both 'runsetup').
 */
const baseName = (path: string) =>
  posix
    .basename(path)
    .replace(/(\.svelte)?\.(ts|js|mjs|svelte|css)$/, '')
    .toLowerCase()
    .replace(/[-_]/g, '');

/** A kernel wrapper (src/kernels/X.ts) and its CPU reference (src/ref/X.ts) are one op by design: same name, same arguments. */
const isKernelTwin = (paths: string[]) =>
  paths.length === 2 && paths.some((p) => p.startsWith('src/kernels/')) && paths.some((p) => p.startsWith('src/ref/'));

describe('architecture: file names', () => {
  const byName = new Map<string, string[]>();
  for (const f of [...walk(SRC), ...walk(BENCH)].map(rel).filter((f) => /\.(ts|svelte|mjs|js|css)$/.test(f))) {
    byName.set(baseName(f), [...(byName.get(baseName(f)) ?? []), f]);
  }
  const shared = [...byName].filter(([, paths]) => paths.length > 1 && !isKernelTwin(paths));

  it('finds the names it checks', () => {
    expect(baseName('src/ui/components/RunSetup.svelte')).toBe(baseName('src/run/run-setup.ts'));
    expect(baseName('src/ui/state/judge-form.svelte.ts')).toBe('judgeform');
    expect(byName.get('matmul')?.sort()).toEqual(['src/kernels/matmul.ts', 'src/ref/matmul.ts']);
  });

  it('no two files of src/ and bench/ share a base name (a kernel and its CPU reference excepted)', () => {
    expect(
      shared.map(([name, paths]) => `${name}: ${paths.join(', ')}`),
      'rename one of them',
    ).toEqual([]);
  });
});
