// The page's start-up in the browser, this checkout against an older one: each tree's page is built
// with Vite and served, and in Debian's Chromium (a fresh profile each time, so no shader cache) the
// Train tab is opened and filled (preset, 50 steps, batch 4) as soon as the page has found its
// adapter, and Start clicked (Playwright's actions take ~0.2-0.3 s here); the time runs, inside the
// page, from the click event to the first finished step shown by the page's test hook (?e2e=1), which
// both trees have.
// The trees alternate, so both see the same machine load.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// WebGPU on the machine's adapter; without a GPU, SwiftShader (design.md's flags, as the e2e tests).
const FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-dev-shm-usage',
];

interface HookState {
  step: number;
  status?: string;
}

export interface PageStartupRow {
  preset: string;
  baseMs: number; // median, click on Start -> first step, old tree
  oursMs: number;
  oursClockMs: number; // ours, the worker's own StartupClock (shown in the live view)
}

interface Served {
  url: string;
  close: () => Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a !== 'string' ? done(a.port) : fail(new Error('no free port'))));
    });
  });
}

/** Builds `root`'s page into a temporary folder and serves it on a free port. */
async function serve(root: string): Promise<Served> {
  const { build, preview } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'exprl-bench-page-'));
  const configFile = join(root, 'vite.config.ts');
  await build({ root, configFile, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const port = await freePort();
  const server = await preview({
    root,
    configFile,
    logLevel: 'error',
    build: { outDir },
    preview: { port, strictPort: true, host: '127.0.0.1', open: false },
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((done) =>
        server.httpServer.close(() => {
          rmSync(outDir, { recursive: true, force: true });
          done();
        }),
      ),
  };
}

/** One start in a fresh browser: ms from the click on Start to the first step, and the page's own clock when it shows one. */
async function startOnce(url: string, preset: string): Promise<{ ms: number; clockMs: number }> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'exprl-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${url}?e2e=1`);
    await page.waitForFunction(
      () => {
        const t = document.querySelector('[data-testid=adapter]')?.textContent ?? 'checking';
        return !t.includes('checking');
      },
      undefined,
      { timeout: 60_000, polling: 50 },
    );
    const adapter = (await page.textContent('[data-testid=adapter]')) ?? '';
    if (/not available|no adapter|failed/.test(adapter))
      throw new Error(`no WebGPU adapter in Chromium: "${adapter.trim()}"`);
    await page.click('#tab-train');
    await page.selectOption('#preset', preset);
    await page.fill('#steps', '50');
    await page.fill('#batchSize', '4');
    // Timed inside the page: from the click event on Start until the test hook shows the first step.
    type Timed = { ms: number; status?: string };
    await page.evaluate(() => {
      const w = window as unknown as { __exprl: { state(): HookState }; __benchStartup?: Promise<Timed> };
      const hook = w.__exprl;
      w.__benchStartup = new Promise<Timed>((done) =>
        document.querySelector('[data-testid=start]')?.addEventListener(
          'click',
          () => {
            const t0 = performance.now();
            // An anonymous callback: named inner functions would carry a helper of tsx's that the page lacks.
            const timer = setInterval(() => {
              const s = hook.state();
              if (s.step < 1 && s.status !== 'failed') return;
              clearInterval(timer);
              done({ ms: performance.now() - t0, status: s.status });
            }, 5);
          },
          { capture: true, once: true },
        ),
      );
    });
    await page.click('[data-testid=start]');
    const { ms, status } = await page.evaluate(
      () => (window as unknown as { __benchStartup: Promise<Timed> }).__benchStartup,
    );
    if (status === 'failed') throw new Error(`the ${preset} run failed in ${url}`);
    const shown = await page.$('[data-testid=stat-startup]');
    const clockMs = shown ? parseFloat((await shown.textContent()) ?? '') * 1000 : NaN;
    return { ms, clockMs };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Click on Start -> first step for each preset, `reps` fresh browsers per tree, alternating. */
export async function comparePageStartup(
  base: string,
  ours: string,
  presets: string[],
  reps: number,
): Promise<PageStartupRow[]> {
  const [b, o] = [await serve(base), await serve(ours)];
  try {
    await startOnce(b.url, presets[0]); // untimed: the first Chromium start of a run reads its files from disk
    const rows: PageStartupRow[] = [];
    for (const preset of presets) {
      const bs: number[] = [],
        os: number[] = [],
        oc: number[] = [];
      for (let r = 0; r < reps; r++) {
        bs.push((await startOnce(b.url, preset)).ms);
        const x = await startOnce(o.url, preset);
        os.push(x.ms);
        oc.push(x.clockMs);
      }
      rows.push({ preset, baseMs: median(bs), oursMs: median(os), oursClockMs: median(oc) });
    }
    return rows;
  } finally {
    await b.close();
    await o.close();
  }
}
