// End-to-end scenario of the step-through, in Debian's Chromium with SwiftShader WebGPU, on the RL
// tab: "Step through one update" of an ExpRL-Process setup from the shipped checkpoint pauses at its
// five stages; a picked token's DeltaNorm arithmetic ends at the advantage the token is coloured by; a
// judge without the reference re-scores the samples (what if); the loss terms of a token; after the
// update every token is coloured by its log-prob change, with the largest rises and drops listed; the
// page and its worker log no error. Then a stored step of the run the RL tab shows, re-scored under
// another mode and another judge. Screenshots at 1280x720 (step-0N-*.png).

import { assert, until } from './harness.mjs';

/** Fails when the page or its worker logged an error since `from` (an index into the browser's log). */
function noConsoleErrors(logs, from) {
  const errors = logs.slice(from).filter((l) => /^\[(error|pageerror|worker:error)\]/.test(l));
  assert(errors.length === 0, `errors in the page console:\n${errors.join('\n')}`);
}

const number = (text) => Number(text.replace(/\u2212/g, '-'));

/** Presses Next and waits until the stage `name` is the one shown. */
async function next(page, name) {
  await page.click('[data-testid=step-next]');
  await until(
    `the step-through's stage "${name}"`,
    async () => {
      const error = await page.$('[data-testid=step-error]');
      if (error) throw new Error(`the step-through failed: ${await error.textContent()}`);
      const current = await page.textContent('[data-testid=step-stage][aria-current=step]');
      return current?.includes(name) && (await page.isEnabled('[data-testid=step-next]'));
    },
    300_000,
    250,
  );
}

export async function stepThroughScenario(page, t, logs) {
  await t.step(
    'Step through one update: samples, grades, advantages with their arithmetic, loss, what changed',
    async () => {
      const from = logs.length;
      await page.setViewportSize({ width: 1280, height: 720 });
      await page.click('#tab-rl');
      if (!(await page.isVisible('[data-testid=rl-form]'))) await page.click('.setup summary');
      await page.selectOption('#rl-stage', 'stage1');
      await page.selectOption('#rl-arm', 'process');
      await page.selectOption('#rl-start', '');
      await page.fill('#rl-prompts', '2');
      await page.fill('#rl-group', '4');
      await page.click('[data-testid=rl-step]');
      await page.waitForSelector('[data-testid=step-panel]');
      await until('the samples', async () => (await page.$('[data-testid=step-samples]')) !== null, 300_000, 250);
      const samples = await page.$$eval('[data-testid=step-samples] li', (l) => l.length);
      assert(samples === 4, `${samples} samples shown for a group of 4`);
      await page.locator('[data-testid=step-panel]').scrollIntoViewIfNeeded();
      await t.shot('step-01-samples', { fullPage: false });

      await next(page, 'Grades');
      const grades = await page.$$eval('[data-testid=step-grades] tbody tr', (r) => r.length);
      assert(grades === 4, `${grades} rows of grades`);
      assert(
        (await page.$$('[data-testid=step-segments] li')).length > 0,
        'no ### step verdicts for the picked sample',
      );
      await page.click('[data-testid=step-asked] summary');
      const asked = await page.textContent('[data-testid=step-asked] pre');
      assert(
        /<problem>/.test(asked) && /<student>/.test(asked),
        `the judge's prompt is not shown: ${asked.slice(0, 200)}`,
      );
      await t.shot('step-02-grades', { fullPage: false });

      await next(page, 'Advantages');
      const tokens = page.locator('[data-testid=step-row]').first().locator('[data-testid=step-token]');
      const n = await tokens.count();
      assert(n > 3, `the first response has ${n} tokens`);
      const pickAt = Math.min(n - 1, 4);
      await tokens.nth(pickAt).click();
      await page.waitForSelector('[data-testid=step-formula]');
      const rule = await page.textContent('[data-testid=step-formula] .rule');
      assert(/A_k = s_k/.test(rule), `the DeltaNorm rule is not shown: ${rule}`);
      const last = (await page.$$eval('[data-testid=step-formula-line]', (l) => l.map((x) => x.textContent))).at(-1);
      const value = number(last.split('=').at(-1).trim());
      const colouredBy = Number(await tokens.nth(pickAt).getAttribute('data-value'));
      assert(
        Math.abs(value - colouredBy) < 1e-4,
        `the formula ends at ${value}, the token is coloured by ${colouredBy}`,
      );
      await t.shot('step-03-advantages-formula', { fullPage: false });
      await page.selectOption('[data-testid=what-if-judge]', 'none');
      const diff = await until(
        'the re-score without the reference',
        async () => (await page.$('[data-testid=what-if-diff]')) && page.textContent('[data-testid=what-if-diff]'),
        120_000,
      );
      assert(/no reference/.test(diff) && /tokens in both losses/.test(diff), `what-if summary: ${diff}`);
      await t.shot('step-04-what-if-no-reference', { fullPage: false });
      await page.selectOption('[data-testid=what-if-judge]', 'trained');

      await next(page, 'Loss per token');
      await page.locator('[data-testid=step-row]').first().locator('[data-testid=step-token]').nth(pickAt).click();
      const terms = await page.textContent('[data-testid=step-loss-terms]');
      assert(/r = exp\(logp/.test(terms) && /k3/.test(terms) && /loss_t/.test(terms), `loss terms: ${terms}`);
      await t.shot('step-05-loss', { fullPage: false });

      await next(page, 'What changed');
      const deltas = await page.$$eval('[data-testid=step-row] [data-testid=step-token]', (els) =>
        els.map((e) => ({ v: Number(e.getAttribute('data-value')), bg: getComputedStyle(e).backgroundColor })),
      );
      const moved = deltas.filter((d) => Math.abs(d.v) > 1e-4);
      assert(moved.length > 5, `only ${moved.length} of ${deltas.length} tokens changed their log-prob`);
      assert(new Set(moved.map((d) => d.bg)).size > 3, 'the log-prob changes are not drawn in several colours');
      const listed = await page.$$eval('[data-testid=step-top] li', (l) => l.length);
      assert(listed >= 2, `${listed} rises and drops listed`);
      await page.click('[data-testid=step-top] li button >> nth=0');
      const change = await page.textContent('[data-testid=step-change]');
      assert(/log p: .* → .*Δ = /.test(change) && /advantage A = /.test(change), `picked change: ${change}`);
      await t.shot('step-06-what-changed', { fullPage: false });
      noConsoleErrors(logs, from);
      await page.click('[data-testid=step-close]');
    },
  );
}

export async function rescoreScenario(page, t, logs) {
  await t.step("Re-score the inspector's stored step: another mode, another judge, nothing trained", async () => {
    const from = logs.length;
    await page.click('#tab-rl');
    await page.waitForSelector('[data-testid=rescore]');
    const card = page.locator('[data-testid=rescore]');
    await card.locator('[data-testid=what-if-mode]').selectOption('delta-norm');
    const diff = await until(
      'the re-scored advantages',
      async () =>
        (await card.locator('[data-testid=what-if-diff]').count()) > 0
          ? card.locator('[data-testid=what-if-diff]').textContent()
          : null,
      120_000,
    );
    assert(/tokens in both losses/.test(diff), `re-score summary: ${diff}`);
    const rows = await card.locator('[data-testid=step-token]').count();
    assert(rows > 10, `${rows} tokens drawn as trained and what if`);
    await card.locator('[data-testid=what-if-judge]').selectOption('wrong');
    await until(
      'the judge with a wrong reference',
      async () => /wrong reference/.test((await card.locator('[data-testid=what-if-diff]').textContent()) ?? ''),
      120_000,
    );
    await card.locator('[data-testid=step-token]').nth(1).click();
    assert(
      /as trained → [\s\S]*what if/.test(await card.locator('[data-testid=rescore-token]').textContent()),
      "the picked token's two advantages",
    );
    await card.scrollIntoViewIfNeeded();
    await t.shot('step-07-rescore', { fullPage: false });
    noConsoleErrors(logs, from);
  });
}
