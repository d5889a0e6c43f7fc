// End-to-end harness: builds the production bundle, serves it with vite preview on 127.0.0.1, and
// launches Debian's Chromium (never a downloaded browser) through playwright-core, with SwiftShader
// WebGPU or with WebGPU turned off. Also a tiny step runner that times steps and saves screenshots.

import { mkdtempSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, preview } from 'vite';
import { chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'e2e');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Chromium flags for WebGPU on SwiftShader (CPU) from design.md, plus quiet, isolated profiles. */
export const WEBGPU_FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];
const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];
/** WebGPU turned off: no adapter flags, and the feature disabled (Chromium then offers no adapter). */
export const NO_WEBGPU_FLAGS = ['--disable-blink-features=WebGPU', '--disable-features=WebGPU'];
/** A host name that is not localhost: pages from it are not a secure context, so navigator.gpu is absent. */
export const INSECURE_HOST = 'exprl-insecure.test';
export const INSECURE_FLAGS = [`--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`];

async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** Builds into a private folder (other builds in the checkout are left alone) and serves it. */
export async function serveBuild({ skipBuild = false } = {}) {
  const outDir = process.env.E2E_DIST ?? join(tmpdir(), 'exprl-e2e-dist');
  if (!skipBuild) {
    await build({ root: ROOT, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  }
  const port = await freePort();
  // INSECURE_HOST is mapped to 127.0.0.1 by the browser (see launch) to load the page in a non-secure context.
  const server = await preview({
    root: ROOT,
    logLevel: 'warn',
    build: { outDir },
    preview: { port, host: '127.0.0.1', strictPort: true, open: false, allowedHosts: [INSECURE_HOST] },
  });
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.httpServer.close(() => ok())) };
}

/** A fresh profile in a temporary folder; removed by close(). */
export async function launch(flags) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'exprl-e2e-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...QUIET_FLAGS, ...flags],
    viewport: { width: 1366, height: 900 },
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const logs = [];
  page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => logs.push(`[worker:${m.type()}] ${m.text()}`))); // the training worker's console
  return {
    context,
    page,
    logs,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Empties the artifacts folder of an earlier run's screenshots and run files, so all of it is this run's. */
export function clearArtifacts() {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of readdirSync(ARTIFACTS)) if (/\.(png|exprlrun)$/.test(f)) rmSync(join(ARTIFACTS, f));
}

/** True when the page is wider than the window (a horizontal scroll bar): the layout broke. */
export async function overflowsX(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
}

/** Runs named steps in order, timing each; the first failure stops the scenario and is rethrown. */
export class Steps {
  /** Steps passed and failed in this process, for the closing line. */
  static tally = { passed: 0, failed: 0 };

  constructor(scenario, page) {
    this.scenario = scenario;
    this.page = page;
    this.done = [];
    mkdirSync(ARTIFACTS, { recursive: true });
  }

  async step(name, fn) {
    const t0 = Date.now();
    try {
      await fn();
      const s = ((Date.now() - t0) / 1000).toFixed(1);
      this.done.push(name);
      Steps.tally.passed++;
      console.log(`  ok   ${this.scenario}: ${name} (${s}s)`);
    } catch (e) {
      Steps.tally.failed++;
      console.log(`  FAIL ${this.scenario}: ${name}`);
      await this.shot(`FAILED-${name.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
      throw e;
    }
  }

  /** Saves test-artifacts/e2e/<name>.png: the whole page, or with fullPage false what the window shows. */
  async shot(name, { fullPage = true } = {}) {
    const path = join(ARTIFACTS, `${name}.png`);
    await this.page.screenshot({ path, fullPage });
    return path;
  }
}

/** Polls `fn` (in Node) until it returns a truthy value; the error names what was awaited. */
export async function until(what, fn, timeoutMs = 60_000, everyMs = 250) {
  const t0 = Date.now();
  let last;
  while (Date.now() - t0 < timeoutMs) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what} (last value: ${JSON.stringify(last)})`);
}

export function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}
