// End-to-end scenarios of the page's LLM judge against loopback chat-completions servers, in Debian's
// Chromium with SwiftShader WebGPU: the connection test's two requests (a rubric, then a grade) with
// both replies shown, the CORS refusal named as such, the implicit rubric mode's single request; RL
// runs whose judge answers 401 or writes no rubric, which stop with the cause and a fix before any
// step is recorded (nothing in the chart, nothing stored, nothing done); and a run in the implicit
// mode whose failed grade the inspector names by cause, counted once. The page's console stays free
// of errors in every step but the CORS one (where the browser reports the refusal itself).

import { register } from 'tsx/esm/api';
import { Steps, WEBGPU_FLAGS, assert, launch, until } from './harness.mjs';
import { serveCheckpoint } from './rl.mjs';

register(); // the loopback judge servers are the unit tests' own (TypeScript)
const { FakeLlmServer, rubricReply, scoreReply } = await import('../helpers/fake-llm-server.ts');
const { scoreOnlyJudge, unauthorizedJudge } = await import('../helpers/judge-scenarios.ts');

const KEY = 'sk-e2etestkey0123456789abcdef';
const runs = (page) => page.evaluate(() => window.__exprl.rl('runs'));

/** Fails the step when the page or its worker logged an error since `from` (an index into the browser's
 *  log); `expected` lists the browser's own network lines the step provokes on purpose (a 401 reply). */
function noConsoleErrors(logs, from, expected = []) {
  const errors = logs
    .slice(from)
    .filter((l) => /^\[(error|pageerror|worker:error)\]/.test(l) && !expected.some((re) => re.test(l)));
  assert(errors.length === 0, `errors in the page console:\n${errors.join('\n')}`);
}

/** Opens the RL tab's setup (it folds away once a run is shown) and points the judge at `server`. */
async function judgeAt(page, server, rubric = 'explicit') {
  await page.click('#tab-rl');
  if (!(await page.isVisible('[data-testid=judge-settings]'))) await page.click('.setup summary');
  await page.check('[data-testid=judge-llm]');
  await page.check(`[data-testid=rubric-${rubric}]`);
  await page.fill('[data-testid=judge-url]', server.baseUrl);
  await page.fill('[data-testid=judge-model]', 'judge-model');
  await page.fill('[data-testid=judge-key]', KEY);
  await page.dispatchEvent('[data-testid=judge-key]', 'change');
}

/** Starts the smallest run of the outcome arm (1 step, 1 prompt, `G` samples, no evaluation); resolves with its view once it left 'running'. */
async function runOnce(page, G) {
  const before = (await runs(page)).map((r) => r.id);
  await page.selectOption('#rl-arm', 'outcome');
  await page.fill('#rl-steps', '1');
  await page.fill('#rl-prompts', '1');
  await page.fill('#rl-group', String(G));
  await page.uncheck('.rlform input[type=checkbox]');
  await page.click('[data-testid=rl-start-run]');
  return until(
    'the run to end',
    async () => {
      const v = (await runs(page)).find((r) => !before.includes(r.id));
      return v && v.status !== 'running' ? v : null;
    },
    600_000,
    250,
  );
}

/**
 * A stopped run that recorded nothing: no step in its view, its chart or its stored metrics; the cause
 * and the fix in a notice, and under the run once the notice is dismissed. `shot` names the screenshots.
 */
async function assertStoppedBeforeStep1(page, t, v, cause, shot) {
  assert(v.status === 'stopped' && v.step === 0, `the run should stop at step 0, not ${v.status} at step ${v.step}`);
  assert(cause.test(v.error ?? ''), `the run's error: ${v.error}`);
  assert(/Step 1 was not recorded\. Fix the judge settings/.test(v.error), `no fix in: ${v.error}`);
  assert(v.dense.length === 0 && v.correct.length === 0, `the chart has points: ${JSON.stringify(v)}`);
  const stored = await page.evaluate((id) => window.__exprl.metrics(id), v.id);
  assert(stored.length === 0, `stored metrics: ${JSON.stringify(stored)}`);
  assert(
    (await page.textContent('[data-testid=arm] [data-testid=status]')).includes('stopped'),
    'the status badge does not say stopped',
  );
  assert(!(await page.textContent('body')).includes(KEY), 'the key is on the page');
  const notice = page.locator('[data-testid=notice-error]', { hasText: v.error });
  await notice.waitFor();
  assert((await notice.locator('strong').textContent()) === 'The run stopped', `notice: ${await notice.textContent()}`);
  assert((await page.$('[data-testid=arm-error]')) === null, 'the run repeats the notice beside it');
  await t.shot(`${shot}-notice`, { fullPage: false });
  await notice.locator('button').click();
  const line = await page.textContent('[data-testid=arm-error]');
  assert(line === v.error, `the run's line shows "${line}"`);
  await t.shot(shot, { fullPage: false });
}

export async function judgeScenarios(url) {
  const b = await launch(WEBGPU_FLAGS);
  const { page, logs } = b;
  const t = new Steps('judge', page);
  const servers = [];
  const serve = async (responder) => {
    const s = await FakeLlmServer.start(responder, { cors: true });
    servers.push(s);
    return s;
  };
  try {
    await page.setViewportSize({ width: 1280, height: 720 });
    await serveCheckpoint(page);
    await page.goto(`${url}?e2e=1`);
    await page.waitForSelector('[data-testid=landing]');

    await t.step('the connection test sends a rubric request, then one grade, and shows both replies', async () => {
      const from = logs.length;
      const good = await serve(undefined);
      await judgeAt(page, good);
      await page.click('[data-testid=judge-test]');
      await page.waitForSelector('[data-testid=judge-reply]');
      assert(
        good.requests.map((r) => r.rubric).join() === 'true,false',
        `a rubric request, then one grade: ${good.requests.map((r) => r.rubric)}`,
      );
      assert(
        good.requests.every((r) => r.authorization === `Bearer ${KEY}`),
        'the test did not reach the server with the key',
      );
      assert(
        (await page.textContent('[data-testid=judge-rubric]')).includes('96+37 = 133'),
        'the rubric reply is not shown',
      );
      assert(/Score: 4/.test(await page.textContent('[data-testid=judge-reply]')), 'the grading reply is not shown');
      assert(
        /wrote a rubric \(3 checkpoints\) and graded a correct answer 4\/5/.test(
          await page.textContent('[data-testid=judge-result]'),
        ),
        'the result line',
      );
      await t.shot('judge-01-connection-ok');
      noConsoleErrors(logs, from);
    });

    await t.step('a server without CORS headers is named a CORS refusal, with the headers to send', async () => {
      const without = await FakeLlmServer.start();
      servers.push(without);
      await page.fill('[data-testid=judge-url]', without.baseUrl);
      await page.click('[data-testid=judge-test]');
      await page.waitForSelector('[data-testid=cors-help]');
      const line = await page.textContent('[data-testid=judge-result]');
      assert(
        /no Access-Control-Allow-Origin header/.test(line) &&
          /OPTIONS preflight/.test(line) &&
          /Access-Control-Allow-Headers/.test(line) &&
          /Access-Control-Allow-Methods/.test(line),
        `CORS cause: ${line}`,
      );
      assert(
        /OLLAMA_ORIGINS/.test(line) && /allowed-origins/.test(line) && /Enable CORS/.test(line),
        `CORS help: ${line}`,
      );
      await t.shot('judge-02-cors');
    });

    await t.step('in the implicit rubric mode the connection test sends the grade alone', async () => {
      const from = logs.length;
      const scoreOnly = await serve(scoreOnlyJudge);
      await judgeAt(page, scoreOnly, 'implicit');
      await page.click('[data-testid=judge-test]');
      await page.waitForSelector('[data-testid=judge-reply]');
      assert(
        scoreOnly.requests.map((r) => r.rubric).join() === 'false',
        `one grade, no rubric request: ${scoreOnly.requests.map((r) => r.rubric)}`,
      );
      const text = await page.textContent('[data-testid=judge-result]');
      assert(
        /graded \(implicit rubric\) a correct answer 4\/5/.test(text) && /No rubric request/.test(text),
        `the implicit test: ${text}`,
      );
      await t.shot('judge-03-implicit-test');
      noConsoleErrors(logs, from);
    });

    await t.step('a run against a judge that answers 401 stops before any step, with the cause and a fix', async () => {
      const from = logs.length;
      const denied = await serve(unauthorizedJudge);
      await judgeAt(page, denied);
      const v = await runOnce(page, 2);
      await assertStoppedBeforeStep1(
        page,
        t,
        v,
        /^The judge cannot grade: the server answered 401 \(unauthorized\) .*check the API key/,
        'judge-04-401-stopped',
      );
      assert(
        denied.requests.length === 1 && denied.requests[0].rubric,
        `the run should send its opening rubric request only: ${denied.requests.length} requests`,
      );
      noConsoleErrors(logs, from, [
        /^\[(worker:)?error\] Failed to load resource: the server responded with a status of 401/,
      ]);
    });

    await t.step(
      'a run against a judge that writes no rubric stops at its opening check, naming the implicit mode',
      async () => {
        const from = logs.length;
        const scoreOnly = await serve(scoreOnlyJudge);
        await judgeAt(page, scoreOnly);
        const v = await runOnce(page, 2);
        await assertStoppedBeforeStep1(
          page,
          t,
          v,
          /^The judge cannot grade: the judge's reply to the rubric request was not a rubric .*choose the implicit rubric mode/,
          'judge-05-no-rubric-stopped',
        );
        assert(
          scoreOnly.requests.map((r) => r.rubric).join() === 'true',
          `one rubric request: ${scoreOnly.requests.map((r) => r.rubric)}`,
        );
        noConsoleErrors(logs, from);
      },
    );

    await t.step(
      'in the implicit mode the run grades; the inspector names a failed grade by cause, counted once',
      async () => {
        const from = logs.length;
        let grades = 0;
        // Every grade scored, but the third (the opening grade, then the step's second) answered without a score.
        const flaky = await serve((req) =>
          req.rubric
            ? rubricReply(req)
            : ++grades === 3
              ? { content: 'The work is hard to assess; I will not commit to a number.' }
              : scoreReply(req, 4),
        );
        await judgeAt(page, flaky, 'implicit');
        const v = await runOnce(page, 4);
        assert(v.status === 'done' && v.step === 1, `the run: ${JSON.stringify(v)}`);
        assert(
          flaky.requests.length === 5 && flaky.requests.every((r) => !r.rubric),
          `implicit mode: ${flaky.requests.map((r) => r.rubric)}`,
        );
        const stored = await page.evaluate((id) => window.__exprl.metrics(id), v.id);
        assert(
          stored.length === 1 && stored[0].values['judge/failures/no-score'] === 1,
          `stored metrics: ${JSON.stringify(stored.map((p) => p.values))}`,
        );
        await page.waitForSelector('[data-testid=judge-failures]:has-text("1 no score")');
        const failures = await page.textContent('[data-testid=judge-failures]');
        assert(failures.trim() === '1 no score', `the failure counter reads "${failures}"`);
        const set = (await page.evaluate((id) => window.__exprl.previews(id), v.id)).find(
          (p) => p.kind === 'traces',
        ).data;
        const j = set.traces.findIndex((x) => x.detail?.outcome?.status !== 'ok');
        assert(j >= 0, 'no failed grade in the traces');
        await page.click(`[aria-label=Sample] button >> nth=${j}`);
        const shown = await page.textContent('[data-testid=grade-failure]');
        assert(
          /^no score — the final line is not "Score: k"$/.test(shown.trim()),
          `the inspector names the failure "${shown}"`,
        );
        const reason = await page.textContent('[data-testid=masked-reason]');
        assert(
          /the judge could not grade it \(no score — the final line is not "Score: k"\)/.test(reason) &&
            !/did not parse/.test(reason),
          `why the tokens are grey: ${reason}`,
        );
        assert(
          /I will not commit to a number/.test(await page.textContent('[data-testid=inspector]')),
          "the judge's own reply is not shown",
        );
        await t.shot('judge-06-inspector-failure', { fullPage: false });
        noConsoleErrors(logs, from);
      },
    );
  } finally {
    if (process.env.E2E_LOGS) console.log(logs.join('\n'));
    for (const s of servers) await s.close();
    await b.close();
  }
}
