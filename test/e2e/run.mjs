// End-to-end tests of the playground page in Debian's Chromium with SwiftShader WebGPU: capability
// check, the empty library, refused setup values, a tiny run whose loss falls, pause/resume from the
// keyboard, reload, resume from the library's checkpoint, a lost device (and its notice gone once the
// run trains again), export/import with identical weights, a run on the task families' corpus, the
// layout at 1280x720 and in presentation mode, and the explanatory pages without WebGPU. Screenshots
// go to test-artifacts/e2e/ (emptied first). The RL scenarios are in rl.mjs, the Results tab's and the
// shared setup links' in results.mjs, the LLM judge's in judge.mjs.
// Usage: node test/e2e/run.mjs [--no-build] [--only-rl | --only-results | --only-judge | --only-replay]

import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { replayWithoutWebGpu, rlScenarios } from './rl.mjs';
import { resultsScenarios } from './results.mjs';
import { judgeScenarios } from './judge.mjs';
import {
  ARTIFACTS,
  INSECURE_FLAGS,
  INSECURE_HOST,
  NO_WEBGPU_FLAGS,
  Steps,
  WEBGPU_FLAGS,
  assert,
  clearArtifacts,
  launch,
  overflowsX,
  serveBuild,
  until,
} from './harness.mjs';

const STEPS = 300; // tiny preset, batch 4: long enough that pause, reload and device loss land mid-run (a step takes ~50-200 ms on SwiftShader)
const EVERY = 10; // generations and checkpoints every 10 steps

const state = (page) => page.evaluate(() => window.__exprl.state());
const checkpoint = (page, id) => page.evaluate((runId) => window.__exprl.checkpoint(runId), id);
const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;

async function waitFor(page, what, pred, timeoutMs = 120_000) {
  return until(
    what,
    async () => {
      const s = await state(page);
      return pred(s) ? s : null;
    },
    timeoutMs,
  );
}

async function adapterReady(page) {
  await page.waitForSelector('[data-testid=adapter]');
  const text = await until('the capability check', async () => {
    const t = (await page.textContent('[data-testid=adapter]')) ?? '';
    return t.includes('checking') ? null : t;
  });
  assert(!/not available|no adapter|failed/.test(text), `no WebGPU adapter in the browser: "${text}"`);
  return text;
}

async function withWebGpu(url) {
  const b = await launch(WEBGPU_FLAGS);
  const { page } = b;
  const t = new Steps('webgpu', page);
  let runId;
  try {
    await t.step('open the page and see the adapter', async () => {
      await page.goto(`${url}?e2e=1`);
      const text = await adapterReady(page);
      assert(/swiftshader/i.test(text), `adapter label "${text}" does not name SwiftShader`);
      await t.shot('01-ready');
      await page.click('#tab-device');
      const name = await page.textContent('[data-testid=adapter-name]');
      assert(name && name.length > 0, 'the Device tab shows no adapter name');
      assert(
        ['yes', 'no'].includes((await page.textContent('[data-testid=f16]'))?.trim()),
        'shader-f16 is not reported',
      );
      await t.shot('02-device');
      await page.click('#tab-runs');
      await page.waitForSelector('[data-testid=library-empty]');
      await t.shot('03-library-empty');
      await page.click('[data-testid=library-empty] button');
      assert(
        (await page.getAttribute('#tab-train', 'aria-selected')) === 'true',
        "the empty library's button did not open the Train tab",
      );
    });

    await t.step('invalid values are refused next to their field', async () => {
      await page.fill('#steps', 'abc');
      await page.fill('#lr', '5');
      await page.waitForSelector('[data-testid=error-steps]');
      assert((await page.textContent('[data-testid=error-steps]')).includes('must be a number'), 'steps error message');
      assert((await page.textContent('[data-testid=error-lr]')).includes('Learning rate'), 'lr error message');
      assert(await page.isDisabled('[data-testid=start]'), 'Start must be disabled with invalid values');
      await t.shot('04-invalid-setup');
    });

    await t.step('start a tiny run and watch the loss fall', async () => {
      await page.selectOption('#preset', 'tiny');
      await page.fill('#steps', String(STEPS));
      await page.fill('#batchSize', '4');
      await page.fill('#lr', '0.003');
      await page.fill('#seed', '7');
      await page.click('details summary');
      await page.fill('#sampleEvery', String(EVERY));
      await page.fill('#checkpointEvery', String(EVERY));
      assert(!(await page.isDisabled('[data-testid=start]')), 'Start is disabled with valid values');
      await page.click('[data-testid=start]');
      const s = await waitFor(page, 'step 15', (s) => s.step >= 15 || s.status === 'failed');
      assert(s.status === 'running', `run status ${s.status}`);
      runId = s.runId;
      const early = mean(s.loss.slice(0, 3));
      const late = mean(s.loss.slice(-3));
      assert(late < early - 0.3, `loss did not fall: first steps ${early.toFixed(3)}, latest ${late.toFixed(3)}`);
      await page.waitForSelector('[data-testid=samples]');
      const startup = await page.textContent('[data-testid=stat-startup]');
      assert(
        /^\d+\.\d s$/.test(startup.trim()) && parseFloat(startup) > 0,
        `start-up time reads ${JSON.stringify(startup)}`,
      );
      console.log(`       first step ${startup.trim()} after Start`);
      await t.shot('05-training');
    });

    await t.step(
      'pause from the keyboard: the step in flight finishes, a checkpoint is saved, focus stays on the controls',
      async () => {
        await page.focus('[data-testid=pause]');
        await page.keyboard.press('Enter');
        const s = await waitFor(page, 'status paused', (s) => s.status === 'paused', 30_000);
        const focusedId = () =>
          page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName);
        const focused = await until(
          'focus on Resume',
          async () => ((await focusedId()) === 'resume' ? 'resume' : null),
          5_000,
        ).catch(focusedId);
        assert(focused === 'resume', `after pausing, focus is on ${focused}, not on the Resume button`);
        const ck = await checkpoint(page, runId);
        assert(ck && ck.step === s.step, `checkpoint at pause: ${JSON.stringify(ck)} vs step ${s.step}`);
        await page.waitForTimeout(1500);
        assert((await state(page)).step === s.step, 'steps advanced while paused');
        await t.shot('06-paused');
      },
    );

    await t.step('resume continues the same run', async () => {
      const before = (await state(page)).step;
      await page.click('[data-testid=resume]');
      // three more steps, or the end of the run when fewer than three were left after the pause
      await waitFor(
        page,
        'three more steps',
        (s) => ['running', 'done'].includes(s.status) && s.step >= Math.min(before + 3, s.total),
      );
    });

    await t.step('reload mid-run, find the run in the library', async () => {
      await page.reload();
      await adapterReady(page);
      await page.click('#tab-runs');
      const row = page.locator(`[data-testid=run-row][data-run-id="${runId}"]`);
      await row.waitFor();
      const status = (await row.locator('[data-testid=status]').textContent()).trim();
      assert(status.includes('interrupted'), `reloaded run shows "${status}", expected interrupted`);
      await t.shot('07-library-after-reload');
    });

    await t.step('resume from the checkpoint, survive a lost GPU device, finish', async () => {
      const ck = await checkpoint(page, runId);
      assert(ck && ck.step >= EVERY, `no checkpoint to resume from: ${JSON.stringify(ck)}`);
      await page.locator(`[data-testid=run-row][data-run-id="${runId}"] [data-testid=lib-resume]`).click();
      let s = await waitFor(
        page,
        'resumed run training',
        (s) => s.runId === runId && s.status === 'running' && s.step >= ck.step + 2,
      );
      assert(s.loss.length >= s.step - 1, `history not shown after resume: ${s.loss.length} points at step ${s.step}`);
      await page.evaluate(() => window.__exprl.loseDevice());
      await waitFor(page, 'status interrupted after device loss', (s) => s.status === 'interrupted', 30_000);
      await page.waitForSelector('[data-testid=notice-warning]:has-text("GPU device was lost")');
      const said = await page.textContent('[data-testid=notice-warning]');
      assert(
        /press Resume to continue from its checkpoint at step \d+/.test(said),
        `the device-lost notice does not say what to do: ${said}`,
      );
      await t.shot('08-device-lost');
      await page.click('[data-testid=resume]');
      await waitFor(page, 'training again', (s) => s.status === 'running' || s.status === 'done', 60_000);
      await page.waitForSelector('[data-testid=notice-warning]', { state: 'detached', timeout: 10_000 });
      s = await waitFor(page, 'the run to finish', (s) => s.status === 'done' || s.status === 'failed', 240_000);
      assert(s.status === 'done' && s.step === STEPS, `run ended ${s.status} at step ${s.step}`);
      assert(s.loss.length === STEPS, `loss series has ${s.loss.length} points, expected ${STEPS}`);
      assert(mean(s.loss.slice(-5)) < mean(s.loss.slice(0, 5)) - 0.5, 'loss did not fall over the run');
      assert(
        (await page.locator('[data-testid^=notice-]').count()) === 0,
        'a notice is still shown after the run finished',
      );
      await t.shot('09-done');
    });

    await t.step('export the run to a file and import it back with identical weights', async () => {
      await page.click('#tab-runs');
      const row = page.locator(`[data-testid=run-row][data-run-id="${runId}"]`);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        row.locator('[data-testid=export]').click(),
      ]);
      const file = join(ARTIFACTS, download.suggestedFilename());
      await download.saveAs(file);
      await page.setInputFiles('[data-testid=import-input]', file);
      const s = await waitFor(page, 'the imported run', (s) => s.runs.length === 2, 30_000);
      const imported = s.runs.find((r) => r.id !== runId);
      assert(imported.status === 'done' && imported.step === STEPS, `imported run: ${JSON.stringify(imported)}`);
      const [a, b] = [await checkpoint(page, runId), await checkpoint(page, imported.id)];
      assert(
        a && b && a.sha256 === b.sha256 && a.step === b.step && a.size === b.size,
        `checkpoints differ: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`,
      );
      await page.locator(`[data-testid=run-row][data-run-id="${imported.id}"] button:has-text("Open")`).click();
      const shown = await waitFor(page, 'the imported run in the live view', (s) => s.runId === imported.id, 10_000);
      assert(shown.loss.length === STEPS, `imported metrics: ${shown.loss.length} points`);
      await page.click('#tab-runs');
      await t.shot('10-imported');
    });

    await t.step(
      "a run on the task families' primitives: families chosen, the fit explained, task questions answered",
      async () => {
        await page.click('#tab-train');
        await page.selectOption('#corpus', 'task-primitives');
        await page.waitForSelector('[data-testid=families]');
        // The worker builds and measures the corpus; the hint follows once it has.
        const hint = await until(
          'the corpus measured by the worker',
          async () => {
            const h = (await page.textContent('#corpus-hint')) ?? '';
            return /The longest is/.test(h) ? h : null;
          },
          60_000,
        );
        assert(
          /The longest is \d+ tokens .*\d+-token training sequence holds it whole/.test(hint),
          `corpus hint: ${hint}`,
        );
        for (const f of ['chain', 'carry', 'linear']) await page.uncheck(`[data-testid=families] input[value=${f}]`);
        await page.waitForSelector('[data-testid=error-families]');
        assert(await page.isDisabled('[data-testid=start]'), 'Start must be disabled without a task family');
        await page.check('[data-testid=families] input[value=chain]');
        await page.check('[data-testid=families] input[value=linear]');
        await page.fill('#steps', '8');
        if (!(await page.isVisible('#sampleEvery'))) await page.click('details summary');
        await page.fill('#sampleEvery', '4');
        await page.fill('#checkpointEvery', '4');
        await page.fill('#name', '');
        const known = new Set((await state(page)).runs.map((r) => r.id));
        await page.click('[data-testid=start]');
        const s = await waitFor(
          page,
          'the task run to finish',
          (s) => !known.has(s.runId) && s.runId && (s.status === 'done' || s.status === 'failed'),
          180_000,
        );
        assert(s.status === 'done' && s.step === 8, `task run ended ${s.status} at step ${s.step}`);
        const summary = await page.textContent('[data-testid=run-summary]');
        assert(/task primitives \(chain, linear\)/.test(summary), `run summary: ${summary}`);
        await page.waitForSelector('[data-testid=samples]');
        const prompts = await page.$$eval('[data-testid=samples] td.prompt', (els) => els.map((e) => e.textContent));
        assert(
          prompts.length > 0 && prompts.every((p) => /^Q: /.test(p)),
          `generation prompts are not task questions: ${JSON.stringify(prompts)}`,
        );
        await t.shot('11-task-run');
      },
    );

    await t.step('keyboard: arrow keys move between tabs', async () => {
      await page.click('#tab-demo');
      await page.keyboard.press('ArrowRight');
      assert(
        (await page.getAttribute('#tab-rl', 'aria-selected')) === 'true',
        'ArrowRight did not select the next tab',
      );
      assert(await page.evaluate(() => document.activeElement?.id === 'tab-rl'), 'focus did not follow the tab');
      await page.waitForSelector('[data-testid=rl-form]');
      await t.shot('12-rl-tab');
    });

    await t.step('1280x720 and presentation mode: large type, nothing wider than the window', async () => {
      await page.setViewportSize({ width: 1280, height: 720 });
      // A speaker dismisses what is left of the notices before showing the page (each says its title).
      for (const b of await page.locator('[data-testid^=notice-] button').all()) await b.click();
      const tabs = ['train', 'runs', 'device'];
      for (const tab of tabs) {
        await page.click(`#tab-${tab}`);
        assert(!(await overflowsX(page)), `the ${tab} tab is wider than a 1280x720 window`);
      }
      await page.click('#tab-train');
      const startBox = await page.locator('[data-testid=start]').boundingBox();
      assert(
        startBox && startBox.y + startBox.height <= 720,
        `Start is below the 1280x720 window (${JSON.stringify(startBox)})`,
      );
      await t.shot('13-1280x720', { fullPage: false });
      const small = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
      await page.click('button:has-text("Presentation mode")');
      const big = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
      assert(big > small * 1.2, `presentation mode font ${big}px vs ${small}px`);
      for (const tab of tabs) {
        await page.click(`#tab-${tab}`);
        assert(!(await overflowsX(page)), `the ${tab} tab in presentation mode is wider than a 1280x720 window`);
        if (tab !== 'device') await t.shot(`14-presentation-${tab}`, { fullPage: false });
      }
      await page.click('#tab-train');
      // both live charts, with their step axis, end above the 720-pixel fold
      for (const box of await Promise.all(
        (await page.locator('[data-testid=live] .plot canvas').all()).map((c) => c.boundingBox()),
      )) {
        assert(
          box && box.y + box.height <= 720,
          `a live chart's axes are cut at 720 pixels in presentation mode (${JSON.stringify(box)})`,
        );
      }
      await t.shot('15-presentation-train-full');
      await page.click('button:has-text("Presentation mode")');
      await page.setViewportSize({ width: 1366, height: 900 });
    });

    const errors = b.logs.filter((l) => l.startsWith('[pageerror]') || l.startsWith('[error]'));
    assert(errors.length === 0, `errors in the page console:\n${errors.join('\n')}`);
  } finally {
    if (process.env.E2E_LOGS) console.log(b.logs.join('\n'));
    await b.close();
  }
}

async function withoutWebGpu(url) {
  const b = await launch(NO_WEBGPU_FLAGS);
  const t = new Steps('no-webgpu', b.page);
  try {
    await t.step('WebGPU disabled: the page explains why and what to do', async () => {
      await b.page.goto(url);
      await b.page.waitForSelector('[data-testid=no-webgpu]', { timeout: 30_000 });
      const text = await b.page.textContent('[data-testid=no-webgpu]');
      assert(
        /WebGPU/.test(text) && /Chrome|Edge/.test(text) && /flags/.test(text),
        `explanation lacks browsers or flags: ${text}`,
      );
      await t.shot('16-webgpu-disabled');
    });
  } finally {
    await b.close();
  }
  const c = await launch([...WEBGPU_FLAGS, ...INSECURE_FLAGS]);
  const u = new Steps('insecure', c.page);
  try {
    await u.step('no navigator.gpu (insecure origin): the page says to use https or localhost', async () => {
      await c.page.goto(url.replace('127.0.0.1', INSECURE_HOST));
      await c.page.waitForSelector('[data-testid=no-webgpu]', { timeout: 30_000 });
      const text = await c.page.textContent('[data-testid=no-webgpu]');
      assert(/does not offer WebGPU/.test(text) && /https:\/\/|localhost/.test(text), `explanation: ${text}`);
      await u.shot('17-no-navigator-gpu');
    });
  } finally {
    await c.close();
  }
}

const t0 = Date.now();
clearArtifacts();
const server = await serveBuild({ skipBuild: process.argv.includes('--no-build') });
console.log(`e2e: serving the production build at ${server.url}`);
let failed = false;
/** A results.json of the smoke preset for the results viewer: E2E_RESULTS, or one made now by the CLI. */
function smokeResults() {
  if (process.env.E2E_RESULTS) return process.env.E2E_RESULTS;
  const dir = join(tmpdir(), 'exprl-e2e-experiment');
  const file = join(dir, 'smoke', 'results.json');
  if (!existsSync(file))
    spawnSync('npm', ['run', 'experiment', '--', '--preset', 'smoke', '--dir', dir], { stdio: 'inherit' });
  return file;
}

const only = ['--only-rl', '--only-results', '--only-judge', '--only-replay'].find((f) => process.argv.includes(f));
try {
  if (!only) await withWebGpu(server.url);
  if (!only) await withoutWebGpu(server.url);
  if (!only || only === '--only-rl') await rlScenarios(server.url);
  if (!only || only === '--only-rl' || only === '--only-results') await resultsScenarios(server.url, smokeResults());
  if (!only || only === '--only-judge') await judgeScenarios(server.url);
  if (!only || only === '--only-replay' || only === '--only-rl') await replayWithoutWebGpu(server.url);
} catch (e) {
  failed = true;
  console.error(`e2e: ${e.stack ?? e}`);
} finally {
  await server.close();
}
console.log(
  `e2e: ${failed ? 'FAILED' : 'passed'} in ${((Date.now() - t0) / 1000).toFixed(0)}s; screenshots in ${ARTIFACTS}`,
);
// A step that fails stops its scenario, so a failure is also counted when no step recorded it.
const { passed, failed: failedSteps } = Steps.tally;
console.log(`e2e: ${passed} passed, ${Math.max(failedSteps, failed ? 1 : 0)} failed`);
process.exit(failed ? 1 : 0);
