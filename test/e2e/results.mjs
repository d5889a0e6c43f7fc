// End-to-end scenarios of the Results tab and of shared setup links, in Debian's Chromium with
// SwiftShader WebGPU (the page's tabs need an adapter), at 1280x720: a results.json of one seed and one
// of all eleven arms over two seeds read without a console error, with values on every bar, whole
// labels, legends and drawn curves (the entropy chart included) and each arm's reward against the
// truth; the smoke preset's fresh results.json; and a setup shared as a link that fills the RL form
// of a fresh browser, the key and the endpoint's credentials left out.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, ROOT, Steps, WEBGPU_FLAGS, assert, launch, until } from './harness.mjs';

const DEMO = join(ROOT, 'public/results/demo-3-seeds.json');
const ELEVEN_ARMS = join(ROOT, 'test/fixtures/results/smoke-2-seeds.json');
const SECRET = 'sk-e2e-not-a-real-key-0123';
const ENDPOINT = 'https://judge.example.org:8443/v1';

/** The console errors (page and worker) logged since `from`. */
const errorsSince = (logs, from) => logs.slice(from).filter((l) => /^\[(pageerror|error|worker:error)\]/.test(l));

/** Saturated pixels of a chart's canvas: its lines (the grid, axes and labels are grey). */
function colouredPixels(page, selector) {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel);
    if (!c) return -1;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4)
      if (d[i + 3] > 0 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) n++;
    return n;
  }, selector);
}

/** The labels of the bar rows that do not lie whole inside their drawing. */
function cutLabels(page) {
  return page.evaluate(() => {
    const svg = document.querySelector('[data-testid=pass-rows]');
    const box = svg.getBoundingClientRect();
    return [...svg.querySelectorAll('text[font-weight="700"]')]
      .filter((t) => {
        const r = t.getBoundingClientRect();
        return r.left < box.left - 1 || r.right > box.right + 1;
      })
      .map((t) => t.textContent);
  });
}

async function openResults(page, file) {
  await page.click('#tab-results');
  await page.setInputFiles('[data-testid=results-file]', file);
  const name = JSON.parse(readFileSync(file, 'utf8')).name;
  await until('the file shown', async () =>
    ((await page.textContent('[data-testid=results-summary]').catch(() => '')) ?? '').includes(name),
  );
  await page.waitForTimeout(500); // the charts draw
}

export async function resultsScenarios(url, smokeResults) {
  const b = await launch(WEBGPU_FLAGS);
  const { page } = b;
  const t = new Steps('results', page);
  try {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${url}?e2e=1`);
    await page.waitForSelector('#tab-results', { timeout: 120_000 });

    await t.step('a results.json of one seed: a value on every bar, legends, no console error', async () => {
      const from = b.logs.length;
      const demo = JSON.parse(readFileSync(DEMO, 'utf8'));
      const seed = demo.options.seeds[0];
      const file = join(ARTIFACTS, 'results-one-seed.json');
      writeFileSync(
        file,
        JSON.stringify({
          ...demo,
          name: 'demo, one seed',
          options: { ...demo.options, seeds: [seed] },
          cells: demo.cells.filter((c) => c.seed === seed),
        }),
      );
      await openResults(page, file);
      const values = await page.$$eval('[data-testid=results] [data-testid=bar-value]', (els) =>
        els.map((e) => e.textContent.trim()),
      );
      assert(
        values.length === demo.arms.length * 3 && values.every((v) => /^\d+\.\d%$/.test(v)),
        `bars: ${JSON.stringify(values)}`,
      );
      const legends = await page.$$eval('[data-testid=results] [data-testid=chart-legend]', (ls) =>
        ls.map((l) => l.querySelectorAll('li').length),
      );
      assert(legends[0] === demo.arms.length && legends.length === 2, `legends of ${JSON.stringify(legends)} entries`);
      const ink = await colouredPixels(page, '[data-testid=results] [data-testid=rl-charts] .more canvas');
      assert(ink > 100, `the entropy chart is blank (${ink} coloured pixels)`);
      await t.shot('results-01-one-seed', { fullPage: false });
      await t.shot('results-01-one-seed-page');
      const errors = errorsSince(b.logs, from);
      assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
    });

    await t.step('all eleven arms over two seeds: whole labels, every run in the legend, either seed', async () => {
      const from = b.logs.length;
      const r = JSON.parse(readFileSync(ELEVEN_ARMS, 'utf8'));
      assert(r.arms.length === 11 && r.options.seeds.length === 2, 'the fixture is not eleven arms over two seeds');
      await openResults(page, ELEVEN_ARMS);
      await page.waitForSelector('[data-testid=pass-rows]');
      const cut = await cutLabels(page);
      assert(cut.length === 0, `bar labels cut: ${cut}`);
      const bars = await page.$$('[data-testid=results] [data-testid=bar-value]');
      assert(bars.length === 11 * 3, `${bars.length} bar values for 11 arms`);
      const legend = await page.$$eval('[data-testid=results] [data-testid=chart-legend]', (ls) =>
        ls[0] ? [...ls[0].querySelectorAll('li')].map((l) => l.textContent.trim()) : [],
      );
      const curved = r.cells.filter((c) => c.stage === 'stage1' && c.seed === 1 && c.curve.length > 0).length;
      assert(legend.length === curved, `legend ${JSON.stringify(legend)} for ${curved} runs`);
      const truth = await page.$$('[data-testid=truth-panel] .chart');
      const rlArms = r.cells.filter(
        (c) => c.stage === 'stage1' && c.seed === 1 && c.curve.some((p) => 'rl/reward' in p.values),
      );
      assert(
        truth.length === rlArms.length,
        `${truth.length} reward-against-truth charts for ${rlArms.length} RL arms`,
      );
      const ink = await colouredPixels(page, '[data-testid=results] [data-testid=rl-charts] .more canvas');
      assert(ink > 100, `the entropy chart is blank (${ink} coloured pixels)`);
      await t.shot('results-02-eleven-arms', { fullPage: false });
      await page.click('[data-testid=results-seeds] button:has-text("seed 2")');
      await page.click('button:has-text("After Stage II")');
      await until('the curves of seed 2, Stage II', async () =>
        /Stage II, seed 2/.test((await page.textContent('[data-testid=results]')) ?? ''),
      );
      await page.waitForTimeout(500);
      await t.shot('results-02-eleven-arms-page');
      const errors = errorsSince(b.logs, from);
      assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
    });

    await t.step("the smoke preset's fresh results.json", async () => {
      const from = b.logs.length;
      await openResults(page, smokeResults);
      const rows = await page.$$eval('[data-testid=results-table] tbody tr', (x) => x.length);
      const want = JSON.parse(readFileSync(smokeResults, 'utf8')).arms.length;
      assert(rows === want, `results table: ${rows} rows for ${want} arms`);
      const errors = errorsSince(b.logs, from);
      assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
    });

    let link;
    await t.step('share a run setup as a link: no key, no credentials in it', async () => {
      const from = b.logs.length;
      await page.click('#tab-rl');
      await page.waitForSelector('[data-testid=rl-form]');
      await page.selectOption('#rl-arm', 'no-reference');
      await page.selectOption('#rl-preset', 'paper-toy');
      await page.fill('#rl-steps', '7');
      await page.fill('#rl-prompts', '3');
      await page.fill('#rl-group', '5');
      await page.fill('#rl-seed', '11');
      await page.fill('#rl-name', 'shared setup');
      await page.check('[data-testid=rubric-implicit]');
      await page.check('[data-testid=judge-llm]');
      await page.fill('#j-url', `https://user:${SECRET}@judge.example.org:8443/v1?api-key=${SECRET}`);
      await page.fill('#j-model', 'qwen3:4b');
      await page.fill('#j-key', SECRET);
      await page.press('#j-key', 'Tab');
      await page.click('[data-testid=share-setup]');
      link = await page.inputValue('[data-testid=share-link]');
      await page.locator('[data-testid=share-link]').scrollIntoViewIfNeeded();
      await t.shot('results-03-share-link-made', { fullPage: false });
      assert(link.includes('#setup?'), `link: ${link}`);
      assert(!link.includes(SECRET) && !link.includes('user'), `the link carries a secret: ${link}`);
      assert(!(await page.evaluate(() => location.href)).includes('sk-'), 'the address bar carries a secret');
      assert(
        /never a key/.test(await page.textContent('[data-testid=rl-form] [role=status]')),
        'no word on the key beside the link',
      );
      // a link pasted into this tab fills the form too
      await page.evaluate(() => (location.hash = '#setup?arm=grpo&stage=stage1&preset=demo'));
      await until('the pasted link', async () => (await page.inputValue('#rl-arm')) === 'grpo');
      const errors = errorsSince(b.logs, from);
      assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
    });

    await t.step('the link opens in a fresh browser with the RL form and judge filled in', async () => {
      const c = await launch(WEBGPU_FLAGS);
      try {
        await c.page.setViewportSize({ width: 1280, height: 720 });
        await c.page.goto(link);
        await c.page.waitForSelector('#rl-arm', { timeout: 120_000 });
        const got = {};
        for (const id of [
          'rl-arm',
          'rl-stage',
          'rl-preset',
          'rl-steps',
          'rl-prompts',
          'rl-group',
          'rl-seed',
          'rl-name',
        ])
          got[id] = await c.page.inputValue(`#${id}`);
        const want = {
          'rl-arm': 'no-reference',
          'rl-stage': 'stage1',
          'rl-preset': 'paper-toy',
          'rl-steps': '7',
          'rl-prompts': '3',
          'rl-group': '5',
          'rl-seed': '11',
          'rl-name': 'shared setup',
        };
        assert(JSON.stringify(got) === JSON.stringify(want), `restored ${JSON.stringify(got)}`);
        assert(await c.page.isChecked('[data-testid=judge-llm]'), 'the LLM judge is not chosen');
        assert(await c.page.isChecked('[data-testid=rubric-implicit]'), 'the rubric mode is not restored');
        assert((await c.page.inputValue('#j-url')) === ENDPOINT, `base URL ${await c.page.inputValue('#j-url')}`);
        assert((await c.page.inputValue('#j-model')) === 'qwen3:4b', 'model not restored');
        assert((await c.page.inputValue('#j-key')) === '', 'a key came with the link');
        await c.page.waitForSelector('[data-testid=from-link]');
        const shot = join(ARTIFACTS, 'results-04-shared-link-opened.png');
        await c.page.screenshot({ path: shot });
        const errors = errorsSince(c.logs, 0);
        assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
      } finally {
        await c.close();
      }
    });
  } finally {
    await b.close();
  }
}
