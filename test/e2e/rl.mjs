// End-to-end scenarios of the RL side of the page, in Debian's Chromium with SwiftShader WebGPU: the
// one-click demo from the shipped checkpoint (time estimate, no main-thread stall after Start, both
// arms' rewards moving and drawn, the dead-zone meter high for sparse GRPO, the inspector's colours
// matching the worker's advantages, the layout at 1280x720 and in presentation mode, the evaluation,
// a reload), a Stage II run from a Stage I run with its reward against the truth, one update stepped
// through and a stored step re-scored (step.mjs), and the replay without WebGPU. The Results tab and
// shared setup links are in results.mjs, the LLM judge in judge.mjs.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, NO_WEBGPU_FLAGS, ROOT, Steps, WEBGPU_FLAGS, assert, launch, until } from './harness.mjs';
import { rescoreScenario, stepThroughScenario } from './step.mjs';

const SHIPPED = join(ROOT, 'public/pretrained/pretrained.ckpt');
const REPLAY = join(ROOT, 'public/replay/demo.json');
/** Starts a Chrome trace of the page's timeline (CDP); stop() gives its events. */
async function startTrace(page) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline',
    transferMode: 'ReportEvents',
  });
  return {
    async stop() {
      await cdp.send('Tracing.end');
      await done;
      await cdp.detach();
      return events;
    },
  };
}

/** The longest task of a renderer's main thread in a trace, by its thread (CPU) time, in ms. */
function longestMainThreadTask(events) {
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  assert(mains.size > 0, 'the trace has no renderer main thread');
  const tasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`));
  assert(tasks.length > 0, 'the trace has no main-thread tasks');
  assert(
    tasks.every((e) => Number.isFinite(e.tdur)),
    'the trace has no thread times (tdur) for its tasks',
  );
  return Math.max(...tasks.map((e) => e.tdur)) / 1000;
}

const rl = (page, which = 'demo') => page.evaluate((w) => window.__exprl.rl(w), which);
const finite = (a) => a.filter((x) => Number.isFinite(x));

/** The checkpoint the demo starts from: the shipped one, or (while it is not there) E2E_CHECKPOINT served in its place. */
export async function serveCheckpoint(page) {
  if (existsSync(SHIPPED)) return 'shipped';
  const alt = process.env.E2E_CHECKPOINT;
  assert(
    alt && existsSync(alt),
    `no public/pretrained/pretrained.ckpt: set E2E_CHECKPOINT to a checkpoint (npm run train -- --corpus tasks --out FILE)`,
  );
  const body = readFileSync(alt);
  await page.route('**/pretrained/pretrained.ckpt', (r) =>
    r.fulfill({ status: 200, body, contentType: 'application/octet-stream' }),
  );
  return alt;
}

/** Nothing of the selectors lies below the window or needs page scrolling; returns what does not fit. */
async function cut(page, selectors) {
  return page.evaluate((sels) => {
    const out = [];
    if (document.documentElement.scrollHeight > innerHeight + 2)
      out.push(`page scrolls: ${document.documentElement.scrollHeight} > ${innerHeight}`);
    for (const s of sels) {
      const el = document.querySelector(s);
      if (!el) out.push(`${s}: missing`);
      else if (el.getBoundingClientRect().bottom > innerHeight + 1 || el.getBoundingClientRect().right > innerWidth + 1)
        out.push(`${s}: bottom ${Math.round(el.getBoundingClientRect().bottom)}`);
    }
    return out;
  }, selectors);
}

export async function rlScenarios(url) {
  const b = await launch(WEBGPU_FLAGS);
  const { page } = b;
  const t = new Steps('rl', page);
  const timing = {};
  let chartHeight1280 = 0; // a chart's height in presentation mode at 1280x720, against 1920x1080's
  try {
    await page.setViewportSize({ width: 1280, height: 720 });
    const from = await serveCheckpoint(page);
    console.log(`  (demo starts from ${from})`);

    await t.step('the landing explains ExpRL and estimates the demo on this device', async () => {
      await page.goto(`${url}?e2e=1`);
      await page.waitForSelector('[data-testid=landing]');
      const text = await page.textContent('[data-testid=landing]');
      for (const w of [
        'dead zone',
        'hidden from the policy',
        'Outcome',
        'Process',
        'Stage I',
        'Stage II',
        'Xiang, Setlur, Blagden, Haber, Kumar',
        '2606.17024',
      ])
        assert(text.includes(w), `landing lacks "${w}"`);
      assert((await cut(page, ['[data-testid=run-demo]'])).length === 0, 'Run the demo is not in the 1280x720 window');
      const est = await until(
        'the time estimate',
        async () => {
          const s = (await page.textContent('[data-testid=estimate]')) ?? '';
          return /About .* on this device|No estimate/.test(s) ? s : null;
        },
        600_000,
      );
      assert(/About/.test(est), `estimate: ${est}`);
      timing.estimate = est.trim();
      timing.estimateSeconds = Number(await page.getAttribute('[data-testid=estimate] [data-seconds]', 'data-seconds'));
      await t.shot('rl-01-landing', { fullPage: false });
    });

    await t.step('Run the demo: no main-thread stall over 200 ms after Start', async () => {
      // The page's own work on the main thread after Start: every task the renderer's main thread ran
      // (script, style, layout, paint), from a Chrome trace, by the CPU time it used (a task's thread
      // time: on a busy machine its wall time also holds time it merely waited for a core, which is not
      // the page's doing); none may reach 200 ms. The Long Tasks API's wall times and a 10 ms timer
      // probe's worst gap are reported beside it.
      await page.evaluate(() => {
        window.__long = [];
        new PerformanceObserver((list) => window.__long.push(...list.getEntries().map((e) => e.duration))).observe({
          type: 'longtask',
        });
        window.__gaps = [];
        let last = performance.now();
        const tickFn = () => {
          const now = performance.now();
          window.__gaps.push(now - last);
          last = now;
          if (window.__gaps.length < 150) setTimeout(tickFn, 10);
        };
        setTimeout(tickFn, 10);
      });
      const trace = await startTrace(page);
      timing.start = Date.now();
      await page.click('[data-testid=run-demo]');
      await until(
        '150 probe ticks after Start',
        async () => (await page.evaluate(() => window.__gaps.length)) >= 150,
        60_000,
        100,
      );
      const cpu = longestMainThreadTask(await trace.stop());
      const { gap, long } = await page.evaluate(() => ({
        gap: Math.max(...window.__gaps),
        long: Math.max(0, ...window.__long),
      }));
      timing.worstGapMs = Math.round(gap);
      timing.longestTaskMs = Math.round(long);
      timing.longestTaskCpuMs = Math.round(cpu);
      console.log(
        `  longest main-thread task after Start: ${cpu.toFixed(0)} ms of CPU, ${long.toFixed(0)} ms of wall time`,
      );
      assert(
        cpu < 200,
        `a main-thread task used ${cpu.toFixed(0)} ms of CPU after Start (${long.toFixed(0)} ms of wall time; worst timer gap ${gap.toFixed(0)} ms)`,
      );
    });

    await t.step("both arms' rewards move and are drawn; sparse GRPO's dead-zone meter reads high", async () => {
      const v = await until(
        '3 steps of both arms',
        async () => {
          const s = await rl(page);
          return s.length === 2 && s.every((x) => x.step >= 3) ? s : null;
        },
        600_000,
        1000,
      );
      for (const x of v)
        assert(
          finite(x.dense).length >= 3 && finite(x.correct).length >= 3,
          `${x.arm}: rewards missing ${JSON.stringify(x)}`,
        );
      const process = v.find((x) => x.arm === 'process');
      assert(
        new Set(finite(process.dense).map((d) => d.toFixed(4))).size > 1,
        `the dense reward of ExpRL-Process does not move: ${process.dense}`,
      );
      const grpo = v.find((x) => x.arm === 'grpo');
      const dz = finite(grpo.deadZone);
      assert(dz.reduce((a, b) => a + b, 0) / dz.length >= 0.5, `sparse GRPO's zero-variance share is low: ${dz}`);
      const meter = await page.textContent('[data-arm=grpo] [data-testid=dead-zone]');
      assert(parseInt(meter, 10) >= 50, `dead-zone meter reads ${meter}`);
      const canvases = await page.$$eval('[data-testid=rl-charts] canvas', (cs) => cs.map((c) => c.width * c.height));
      assert(canvases.length >= 3 && canvases.every((n) => n > 0), 'the RL charts are not drawn');
      assert((await page.$$eval('[data-testid=rl-charts] .u-axis', (a) => a.length)) >= 6, 'chart axes missing');
      await t.shot('rl-02-demo-running', { fullPage: false });
    });

    await t.step("the inspector's token colours carry the worker's advantages", async () => {
      await page.waitForSelector('[data-testid=token]');
      const runId = (await rl(page)).find((x) => x.traceSteps.length > 0).id;
      await page.click('[data-testid=insp-run] >> nth=1');
      const shownRun = (await rl(page))[1].id;
      const step = Number(await page.inputValue('[data-testid=insp-step]'));
      const stored = (await page.evaluate((id) => window.__exprl.previews(id), shownRun)).find(
        (p) => p.kind === 'traces' && p.step === step,
      );
      assert(stored, `no stored traces for step ${step} of ${shownRun} (${runId})`);
      const worker = stored.data.traces[0].advantages;
      const dom = await page.$$eval('[data-testid=token]', (els) => els.map((e) => Number(e.getAttribute('data-adv'))));
      assert(
        dom.length === worker.length && dom.every((x, i) => Math.abs(x - worker[i]) < 1e-6),
        `token advantages differ: page ${dom.slice(0, 5)} worker ${worker.slice(0, 5)}`,
      );
      const colours = await page.$$eval(
        '[data-testid=token]:not(.masked)',
        (els) => new Set(els.map((e) => getComputedStyle(e).backgroundColor)).size,
      );
      const values = new Set(worker.filter((_, i) => stored.data.traces[0].mask[i] !== 0).map((a) => a.toFixed(3)))
        .size;
      assert(
        colours === values || (values > 1 && colours > 1),
        `${values} distinct advantages drawn in ${colours} colours`,
      );
      await page.waitForSelector('[data-testid=reference]:has-text("never shown to the policy")');
      await page.waitForSelector('[data-testid=sparse-result]');
      assert(
        (await cut(page, ['[data-testid=inspector]', '[data-testid=rl-charts]'])).length === 0,
        `cut at 1280x720: ${await cut(page, ['[data-testid=inspector]', '[data-testid=rl-charts]'])}`,
      );
      await t.shot('rl-03-inspector', { fullPage: false });
    });

    await t.step("the demo ends with the verifier's steps right, pass@1 and pass@k for both arms", async () => {
      const v = await until(
        'both evaluations',
        async () => {
          const s = await rl(page);
          return s.length === 2 && s.every((x) => x.passAt1 !== undefined) ? s : null;
        },
        1_200_000,
        2000,
      );
      timing.demoSeconds = Math.round((Date.now() - timing.start) / 1000);
      // reported, not asserted: the estimate is measured at page load and a machine's load can change after it
      timing.actualOverEstimate = Number((timing.demoSeconds / timing.estimateSeconds).toFixed(2));
      console.log(
        `  the demo took ${timing.demoSeconds} s against an estimate of ${timing.estimateSeconds} s (x${timing.actualOverEstimate})`,
      );
      assert(
        v.every((x) => x.status === 'done'),
        `statuses ${v.map((x) => x.status)}`,
      );
      // per arm: the verifier's share of steps right in order, pass@1, pass@k
      assert((await page.$$('[data-testid=bar-value]')).length === 6, 'held-out bars missing');
      // the held-out judge score per arm, under its bars, as the worker computed it
      const judged = await page.$$eval('[data-testid=bar-judge]', (els) => els.map((e) => e.textContent.trim()));
      const want = v.map((x) => `judge score ${x.judgeScore.toFixed(2)}`);
      assert(JSON.stringify(judged) === JSON.stringify(want), `judge scores ${judged}, want ${want}`);
      await t.shot('rl-04-demo-done', { fullPage: false });
      const cutAtEnd = await cut(page, ['[data-testid=inspector]', '[data-testid=rl-charts]']);
      assert(cutAtEnd.length === 0, `the finished demo is cut at 1280x720: ${cutAtEnd}`);
      const dl = page.waitForEvent('download');
      await page.click('[data-testid=save-replay]');
      writeFileSync(join(ARTIFACTS, 'demo-replay.json'), readFileSync(await (await dl).path()));
    });

    await t.step('presentation mode at 1280x720: the charts with their axes and the inspector fit', async () => {
      const chartHeight = () => page.$eval('[data-testid=rl-charts] canvas', (c) => c.getBoundingClientRect().height);
      const normal = await chartHeight();
      await page.click('button.present');
      chartHeight1280 = await until(
        `a chart re-created at the large type size (taller than its ${normal} px)`,
        async () => {
          const h = await chartHeight();
          return h > normal ? h : null;
        },
        30_000,
        100,
      );
      const bad = await cut(page, ['[data-testid=rl-charts]', '[data-testid=inspector]']);
      await t.shot('rl-05-presentation', { fullPage: false });
      await page.click('button.present');
      assert(bad.length === 0, `presentation mode cuts: ${bad}`);
    });

    await t.step('presentation mode at 1920x1080: the 1280 layout scaled up, everything fits', async () => {
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.click('button.present');
      await until(
        `a chart re-created at 1920's type size (at least 1.4 x its ${chartHeight1280} px at 1280)`,
        async () => {
          const h = await page.$eval('[data-testid=rl-charts] canvas', (c) => c.getBoundingClientRect().height);
          return h >= 1.4 * chartHeight1280 ? h : null;
        },
        30_000,
        100,
      );
      const bad = await cut(page, ['[data-testid=rl-charts]', '[data-testid=inspector]', '[data-testid=pass-bars]']);
      // the type grows with the window (33 px at 1920), so the layout fills the screen as at 1280
      const { rootPx, mainWidth } = await page.evaluate(() => ({
        rootPx: parseFloat(getComputedStyle(document.documentElement).fontSize),
        mainWidth: document.querySelector('main').getBoundingClientRect().width,
      }));
      const labels = await page.$$eval('[data-testid=bar-label]', (els) =>
        els.map((e) => [
          e.getAttribute('data-whole') ?? '',
          e.textContent.replace(e.querySelector('title')?.textContent ?? '', '').trim(),
        ]),
      );
      // the held-out figures read from the back row: their text as large as the page's small print
      const barText = await page.$$eval(
        '[data-testid=bar-value], [data-testid=bar-label], [data-testid=bar-judge]',
        (els) => els.map((e) => parseFloat(getComputedStyle(e).fontSize)),
      );
      await t.shot('rl-05b-presentation-1920', { fullPage: false });
      await page.click('button.present');
      await page.setViewportSize({ width: 1280, height: 720 });
      assert(bad.length === 0, `presentation mode at 1920x1080 cuts: ${bad}`);
      assert(
        rootPx >= 32 && mainWidth >= 0.95 * 1920,
        `presentation at 1920: root ${rootPx} px, main ${mainWidth} px wide`,
      );
      assert(
        labels.length === 2 && labels.every(([whole, shown]) => whole === shown),
        `bar labels cut: ${JSON.stringify(labels)}`,
      );
      assert(
        barText.length > 0 && barText.every((px) => px >= 16),
        `held-out bar text in presentation mode is too small: ${JSON.stringify(barText)} px`,
      );
    });

    await t.step('after a reload the demo and its traces come back', async () => {
      await page.reload();
      await page.waitForSelector('[data-testid=token]', { timeout: 60_000 });
      const v = await rl(page);
      assert(
        v.length === 2 && v.every((x) => x.traceSteps.length > 0 && x.passAt1 !== undefined),
        `after reload: ${JSON.stringify(v.map((x) => x.traceSteps))}`,
      );
    });

    await t.step('Stage II from a Stage I run of the library', async () => {
      await page.click('#tab-rl');
      await page.selectOption('#rl-stage', 'stage2');
      const processRun = (await rl(page)).length ? null : null;
      const options = await page.$$eval('#rl-start option', (os) => os.map((o) => ({ v: o.value, t: o.textContent })));
      const from = options.find((o) => /ExpRL-Process/.test(o.t ?? ''));
      assert(from, `no Stage I run offered: ${JSON.stringify(options)} ${processRun}`);
      await page.selectOption('#rl-start', from.v);
      await page.fill('#rl-steps', '2');
      await page.fill('#rl-prompts', '2');
      await page.fill('#rl-group', '4');
      await page.fill('#rl-eval', '4');
      await page.click('[data-testid=rl-start-run]');
      const v = await until(
        'the Stage II run',
        async () => {
          const s = await rl(page, 'runs');
          return s.length === 1 && s[0].passAt1 !== undefined ? s : null;
        },
        600_000,
        1000,
      );
      assert(
        v[0].kind === 'posttrain' && v[0].status === 'done' && v[0].step === 2,
        `Stage II run: ${JSON.stringify(v[0])}`,
      );
      await t.shot('rl-06-stage2', { fullPage: false });
    });

    await t.step(
      "the Stage II run's reward against the truth: the verifier's figures drawn beside the reward",
      async () => {
        const from = b.logs.length;
        const [run] = await rl(page, 'runs');
        const points = await page.evaluate((id) => window.__exprl.metrics(id), run.id);
        for (const m of ['rl/steps_in_order', 'rl/all_steps', 'judge/failure_share'])
          assert(
            points.length === 2 && points.every((p) => Number.isFinite(p.values[m])),
            `${m} not logged per step: ${JSON.stringify(points.map((p) => p.values[m]))}`,
          );
        const panel = page.locator('[data-testid=truth-panel]');
        await panel.scrollIntoViewIfNeeded();
        assert((await panel.locator('.chart canvas').count()) >= 1, 'the reward-against-truth chart is missing');
        assert((await panel.locator('[data-testid=chart-legend] li').count()) === 6, 'its legend is missing');
        await t.shot('rl-07-reward-against-truth', { fullPage: false });
        const errors = b.logs.slice(from).filter((l) => /^\[(pageerror|error)\]/.test(l));
        assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
      },
    );

    await stepThroughScenario(page, t, b.logs);
    await rescoreScenario(page, t, b.logs);
  } finally {
    console.log(`  demo timing: ${JSON.stringify(timing)}`);
    await b.close();
  }
  return timing;
}

export async function replayWithoutWebGpu(url) {
  const b = await launch(NO_WEBGPU_FLAGS);
  const { page } = b;
  const t = new Steps('replay', page);
  try {
    await page.setViewportSize({ width: 1280, height: 720 });
    await t.step('without WebGPU the recorded demo plays back', async () => {
      assert(existsSync(REPLAY), 'public/replay/demo.json is missing');
      await page.goto(`${url}?e2e=1`);
      await page.waitForSelector('[data-testid=no-webgpu]');
      await page.click('[data-testid=play-replay]');
      const v = await until(
        'the replay to reach step 3',
        async () => {
          const s = await rl(page, 'replay');
          return s.length > 0 && s.every((x) => x.step >= 3) ? s : null;
        },
        60_000,
        500,
      );
      assert(
        v.every((x) => finite(x.dense).length >= 3),
        'replayed rewards missing',
      );
      await page.waitForSelector('[data-testid=token]');
      // the guidance folds away once the replay plays, so the replay is in view without scrolling
      const top = await page.$eval('[data-testid=rl-charts]', (el) => el.getBoundingClientRect().top);
      assert(top < 360, `the replay's charts start at y=${Math.round(top)}, below the fold of a 720 px window`);
      await t.shot('replay-01-no-webgpu', { fullPage: false });
    });
  } finally {
    await b.close();
  }
}
